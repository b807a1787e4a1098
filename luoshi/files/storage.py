"""Blob storage by content hash: a folder (the default, under `data_dir`) or an S3-compatible bucket.

One small interface, `BlobStore`: `put`, `get`, `exists`, `delete`, each by the SHA-256 of the content.
Storing the same content twice stores it once; a put of content that does not match its hash is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

from luoshi.errors import StoreError

HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(sha256: str) -> str:
    if not HEX64.fullmatch(sha256):
        raise StoreError("文件标识无效（不是 SHA-256 值）：请从事项页面重新打开该文件")
    return sha256


class BlobStore(Protocol):
    def put(self, sha256: str, data: bytes) -> None: ...
    def get(self, sha256: str) -> bytes: ...
    def exists(self, sha256: str) -> bool: ...
    def delete(self, sha256: str) -> None: ...
    def probe(self) -> None: ...


class FileSystemStore:
    """Files under `root/ab/cd/abcd…`; written to a temporary file and renamed, so a reader never sees half."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        sha256 = _checked(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        if sha256_of(data) != sha256:
            raise StoreError("文件内容与其标识不符，未保存：请重新上传")
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError("该文件已不在文件存储中：请联系系统管理员从备份恢复后再打开") from None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def probe(self) -> None:
        """StoreError unless the folder exists (or can be made) and can be written (/readyz)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise StoreError("文件存储目录无法创建：请检查 LUOSHI_DATA_DIR 的设置与文件夹权限") from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreError("文件存储目录不可写：请检查 LUOSHI_DATA_DIR 所指文件夹的写权限")


class S3Store:
    """Objects `prefix + sha256` in `bucket` of an S3-compatible storage, through a boto3 S3 client
    (`pip install 'luoshi[s3]'`); any client with put_object/get_object/head_object/delete_object does."""

    def __init__(self, client: Any, bucket: str, prefix: str = "luoshi/files/"):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _key(self, sha256: str) -> str:
        return self.prefix + _checked(sha256)

    def put(self, sha256: str, data: bytes) -> None:
        if sha256_of(data) != sha256:
            raise StoreError("文件内容与其标识不符，未保存：请重新上传")
        if not self.exists(sha256):
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=data)

    def get(self, sha256: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"].read()
        except Exception as exc:
            raise StoreError("该文件暂时无法从对象存储读取：请稍后重试；若仍失败，请联系系统管理员") from None

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except Exception as exc:
            if _status(exc) == 404:
                return False
            raise StoreError(f"对象存储桶 {self.bucket} 没有应答：请检查 LUOSHI_FILES_S3_* 设置和网络后重试") from None
        return True

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def probe(self) -> None:
        """StoreError unless the bucket answers (/readyz)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise StoreError(f"对象存储桶 {self.bucket} 没有应答：请检查 LUOSHI_FILES_S3_* 设置和网络后重试") from None


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = response.get("Error", {}).get("Code")
    return 404 if code in ("404", "NoSuchKey", "NotFound") else status


def blob_store(settings: Any) -> BlobStore:
    """The store the settings name: the S3 bucket when `files_s3_bucket` is set, else `data_dir/files`."""
    if settings.files_s3_bucket:
        try:
            import boto3
        except ImportError:
            raise StoreError("已设置 LUOSHI_FILES_S3_BUCKET，但没有安装 boto3：请运行 pip install 'luoshi[s3]'") \
                from None
        client = boto3.client("s3", endpoint_url=settings.files_s3_endpoint, region_name=settings.files_s3_region,
                              aws_access_key_id=settings.files_s3_access_key,
                              aws_secret_access_key=settings.files_s3_secret_key)
        return S3Store(client, settings.files_s3_bucket)
    return FileSystemStore(Path(settings.data_dir) / "files")
