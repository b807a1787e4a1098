"""What an uploaded file is, told by its first bytes (not only its name), and the limits it must meet.

The kinds accepted are data: photos (JPEG, PNG, GIF, WebP), PDF, Word and Excel (OOXML and the older
binary formats). A file whose name and content disagree (a program renamed `.pdf`) is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from luoshi.errors import FileRefused


@dataclass(frozen=True)
class FileKind:
    key: str            # jpeg, png, gif, webp, pdf, docx, xlsx, doc, xls
    mime: str
    label: str          # as a user reads it
    extensions: tuple[str, ...]

    @property
    def image(self) -> bool:
        return self.mime.startswith("image/")

    @property
    def previewable(self) -> bool:
        """Shown in the browser (images, PDF pages); the others are downloaded."""
        return self.image or self.key == "pdf"


KINDS = {k.key: k for k in (
    FileKind("jpeg", "image/jpeg", "照片", (".jpg", ".jpeg")),
    FileKind("png", "image/png", "图片", (".png",)),
    FileKind("gif", "image/gif", "图片", (".gif",)),
    FileKind("webp", "image/webp", "图片", (".webp",)),
    FileKind("pdf", "application/pdf", "PDF 文件", (".pdf",)),
    FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文件",
             (".docx",)),
    FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 文件", (".xlsx",)),
    FileKind("doc", "application/msword", "Word 文件", (".doc",)),
    FileKind("xls", "application/vnd.ms-excel", "Excel 文件", (".xls",)),
)}
ACCEPTED = ", ".join(ext for k in KINDS.values() for ext in k.extensions)
# The HTML `accept` attribute of a file input: the same list.
ACCEPT_ATTRIBUTE = ",".join(ext for k in KINDS.values() for ext in k.extensions)

# Leading bytes of each kind (an OLE2 compound file is Word or Excel by its name, see `_ole`).
MAGIC = ((b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
         (b"%PDF-", "pdf"))
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _zip_kind(data: bytes) -> str | None:
    """docx or xlsx by the parts an OOXML package holds; any other zip is none of ours."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(name: str, data: bytes) -> FileKind | None:
    """The kind of `data` by its content (the name only tells Word from Excel in the old binary format)."""
    for magic, key in MAGIC:
        if data.startswith(magic):
            return KINDS[key]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return KINDS["webp"]
    if data.startswith(ZIP):
        key = _zip_kind(data)
        return KINDS[key] if key else None
    if data.startswith(OLE2):
        ext = _extension(name)
        return KINDS["xls"] if ext == ".xls" else KINDS["doc"] if ext == ".doc" else None
    return None


def check_upload(name: str, data: bytes, *, max_bytes: int) -> FileKind:
    """The kind of an upload that meets the limits, else FileRefused saying what would be accepted."""
    shown = name or "未命名文件"
    if not data:
        raise FileRefused(shown, "文件是空的，请选择有内容的文件")
    if len(data) > max_bytes:
        raise FileRefused(shown, f"文件超过 {max_bytes // (1024 * 1024)} MB，请压缩或拆分后再上传")
    kind = sniff(name, data)
    if kind is None:
        raise FileRefused(shown, f"不是可接受的文件类型；可上传照片、PDF、Word 或 Excel 文件（{ACCEPTED}）")
    if _extension(name) not in kind.extensions:
        raise FileRefused(shown, f"文件名的扩展名与内容不符（内容是{kind.label}），请改用 "
                                 f"{'、'.join(kind.extensions)} 扩展名后再上传")
    return kind
