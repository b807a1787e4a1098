"""Backups that restore: one archive holding the database (SQLite through its online backup API, so that
what is still in the write-ahead log is included; PostgreSQL through `pg_dump`'s custom format), the
signed audit checkpoint and the attachments folder; `restore` puts them back and verifies the audit
chain against the checkpoint before it reports success. Keys are never in the archive.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from luoshi.errors import LuoshiError
from luoshi.settings import Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
ATTACHMENTS = "files"  # data_dir/files: the evidence files (luoshi.files), unless they are kept in S3
KEYS_REMINDER = ("密钥不在备份中：请另行妥善保存 LUOSHI_SECRET_KEY、LUOSHI_AUDIT_KEY（或数据目录中的 secret_key、"
                 "audit_key 文件），恢复时须使用同一审计密钥，否则检查点无法核验")


class BackupError(LuoshiError):
    """A backup could not be made or restored (a tool missing or failing, an archive damaged)."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    backend: str
    chain_seq: int
    database_id: str | None
    tables: dict[str, int]


# -- the database ------------------------------------------------------------------------------------

def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("内存中的 SQLite 数据库无法备份：请把 LUOSHI_DATABASE_URL 设为一个数据库文件")
    return Path(database)


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page with its online backup API: a consistent snapshot that
    includes the write-ahead log, taken while other connections go on writing."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def libpq(url: str) -> tuple[str, str | None]:
    """The libpq URL of a SQLAlchemy PostgreSQL URL, and the schema its search_path names (if any)."""
    parsed = make_url(url)
    query = dict(parsed.query)
    options = query.pop("options", None)
    schema = None
    if isinstance(options, str) and "search_path=" in options:
        schema = options.split("search_path=", 1)[1].split()[0].split(",")[0]
    plain = parsed.set(drivername="postgresql", query=query)
    return plain.render_as_string(hide_password=False), schema


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian：apt-get install "
                          "postgresql-client），版本不低于数据库服务器") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1:] or ["(无输出)"]
        raise BackupError(f"{what}失败：{message[0]}")


def pg_dump(url: str, target: Path) -> None:
    dsn, schema = libpq(url)
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
          *([f"--schema={schema}"] if schema else []), f"--dbname={dsn}"], "pg_dump 备份")


def pg_restore(url: str, source: Path) -> None:
    dsn, schema = libpq(url)
    if schema:  # the dump recreates the schema
        from sqlalchemy import create_engine, text

        engine = create_engine(url.split("?")[0], isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
    _run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
          f"--dbname={dsn}", str(source)], "pg_restore 恢复")


# -- the archive -------------------------------------------------------------------------------------

def _counts(url: str) -> tuple[dict[str, int], tuple[int, str, str | None]]:
    """Rows per table, and the global chain's head (seq, hash, database id)."""
    from sqlalchemy import func, inspect, select, table

    from luoshi.store.anchor import _head
    from luoshi.store.db import Database

    db = Database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            counts = {n: conn.scalar(select(func.count()).select_from(table(n))) or 0 for n in names}
            head = _head(conn) if "audit_chain" in names else (0, "", None)
            return counts, head
    finally:
        db.dispose()


def backup(settings: Settings, target: str | Path) -> BackupSummary:
    """Write the archive `target` (tar, gzip-compressed): the database, a signed checkpoint of the head
    of its audit chain, the attachments. Written beside `target` and renamed, so a failed backup never
    leaves a half archive under its name."""
    from luoshi.store.anchor import _key, sign

    url, target = settings.database_url, Path(target)
    backend = make_url(url).get_backend_name()
    with tempfile.TemporaryDirectory(prefix="luoshi-backup-") as work:
        dump = Path(work) / (SQLITE_MEMBER if backend == "sqlite" else PG_MEMBER)
        if backend == "sqlite":
            sqlite_copy(_sqlite_path(url), dump)
            tables, head = _counts(f"sqlite:///{dump}")
        else:  # the head before the dump is in the dump (pg_dump reads one snapshot, taken later)
            tables, head = _counts(url)
            pg_dump(url, dump)
        seq, head_hash, database = head
        manifest = {"format": FORMAT, "backend": backend, "made": datetime.now(UTC).isoformat(),
                    "database_id": database, "chain_seq": seq, "tables": tables}
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            if database:
                checkpoint: dict[str, Any] = {"database": database, "seq": seq, "hash": head_hash,
                                              "at": manifest["made"]}
                checkpoint["signature"] = sign(checkpoint, _key(settings))
                _add_bytes(archive, f"checkpoints/{database}.json", json.dumps(checkpoint, indent=1).encode())
            attachments = settings.data_path / ATTACHMENTS
            if attachments.is_dir():
                archive.add(attachments, arcname=ATTACHMENTS)
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    return BackupSummary(target, backend, seq, database, tables)


def _add_bytes(archive: tarfile.TarFile, name: str, body: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(body), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(body))


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不安全的条目 {member.name!r}：这不是 luoshi 生成的备份")
        members.append(member)
    return members


def restore(settings: Settings, source: str | Path) -> tuple[BackupSummary, list[str]]:
    """Put the archive `source` back into the configured database and data folder; the audit problems
    found afterwards (empty: the restore is verified). The database is replaced whole."""
    from luoshi.store.anchor import verify_chain
    from luoshi.store.audit import verify_audit
    from luoshi.store.db import Database, ensure_schema

    url, source = settings.database_url, Path(source)
    backend = make_url(url).get_backend_name()
    try:
        archive = tarfile.open(source, "r:gz")
    except FileNotFoundError:
        raise BackupError(f"无法读取备份文件 {source.name}：找不到这个文件，请检查路径") from None
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"无法读取备份文件 {source.name}：它已损坏，或不是 luoshi backup 生成的 .tar.gz 备份，请换一份"
                          f"完整的备份（{type(exc).__name__}）") from None
    with archive, tempfile.TemporaryDirectory(prefix="luoshi-restore-") as work:
        members = _safe_members(archive)
        archive.extractall(work, members=members, filter="data")
        try:
            manifest = json.loads((Path(work) / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise BackupError(f"{source.name} 缺少清单（{MANIFEST}）：这不是 luoshi 生成的备份") from None
        if manifest.get("backend") != backend:
            raise BackupError(f"备份来自 {manifest.get('backend')} 数据库，当前配置的是 {backend}：请设置对应的 "
                              "LUOSHI_DATABASE_URL")
        if backend == "sqlite":
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            sqlite_copy(Path(work) / SQLITE_MEMBER, target)
        else:
            pg_restore(url, Path(work) / PG_MEMBER)
        checkpoints = Path(work) / "checkpoints"
        if checkpoints.is_dir():
            folder = settings.data_path / "checkpoints"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            for path in checkpoints.iterdir():  # the backup's own head: the restored chain ends there
                shutil.copyfile(path, folder / path.name)
        if (Path(work) / ATTACHMENTS).is_dir():
            shutil.copytree(Path(work) / ATTACHMENTS, settings.data_path / ATTACHMENTS, dirs_exist_ok=True)
    db = Database(url, migrate=False)
    try:
        ensure_schema(db.engine)
        with db.session() as session:
            problems = [str(p) for p in (*verify_audit(session, key=settings.audit_key_bytes),
                                         *verify_chain(session, settings=settings))]
    finally:
        db.dispose()
    tables, (seq, _, database) = _counts(url)
    return BackupSummary(source, backend, seq, database, tables), problems
