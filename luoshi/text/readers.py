"""Reading a document file into its source text: TXT (UTF-8, GB18030/GBK, UTF-16), DOCX, PDF, and scans
and photos (JPG, PNG, TIFF, PDF pages without a text layer) by OCR.

`read(path)` returns a `Source`; a file that cannot be read raises a `ReadError` naming the file and
the problem. The text returned is what record spans index into.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luoshi.errors import ReadError, UnsupportedFormat

SUFFIXES = (".txt", ".docx", ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


@dataclass(frozen=True)
class Source:
    path: str
    text: str
    kind: str  # "txt" | "docx" | "pdf" | "image"
    encoding: str | None = None
    ocr: Any = None  # luoshi.text.ocr.OcrMap of the characters read by OCR, if any

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when its NUL
    bytes say so), else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16, "utf-16"
        raise ReadError(path, "这是二进制文件，不是文本（含 NUL 字节）：请另存为 .txt、.docx 或 .pdf 后再读取")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ReadError(path, "文字编码无法识别（不是 UTF-8 或 GB18030/GBK）：请用记事本等另存为 UTF-8 编码后再读取") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: in Chinese and ASCII text one byte of most code
    units is NUL (ASCII) or none is, so the side where NULs fall tells the byte order; the decoded
    text must then be printable."""
    if len(data) % 2:
        return None
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls > other:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            printable = sum(1 for ch in text[:2048] if ch.isprintable() or ch in "\r\n\t")
            if printable >= 0.95 * min(len(text), 2048):
                return text
    return None


def read_txt(path: str) -> Source:
    from luoshi.text.limits import MAX_CHARS

    if Path(path).stat().st_size > 4 * MAX_CHARS:  # more bytes than the most characters in any encoding
        raise ReadError(path, f"文件过大：超过 {MAX_CHARS} 个字符的上限，请拆分后再上传")
    data = Path(path).read_bytes()
    text, encoding = decode_text(data, path)
    return Source(path, text, "txt", encoding)


def read(path: str | os.PathLike, *, progress: Callable[[int, int], None] | None = None,
         ocr_budget: int | None = None) -> Source:
    """Read one document file; raise ReadError (naming the file) when it cannot be read. `progress`
    hears (pages done, pages to OCR) while scanned pages are read; `ocr_budget` caps those pages."""
    path = str(path)
    p = Path(path)
    if not p.exists():
        raise ReadError(path, "找不到这个文件：请检查路径和文件名")
    if p.is_dir():
        raise ReadError(path, "这是文件夹，不是文件：请给出其中的文件")
    suffix = p.suffix.lower()
    try:
        if suffix == ".txt":
            source = read_txt(path)
        elif suffix == ".docx":
            from luoshi.text.docx import read_docx

            source = read_docx(path)
        elif suffix == ".pdf":
            from luoshi.text.pdf import read_pdf

            source = read_pdf(path, progress=progress, budget=ocr_budget)
        elif suffix in IMAGE_SUFFIXES:
            from luoshi.text.ocr import read_image

            source = read_image(path, progress=progress, budget=ocr_budget)
        else:
            raise UnsupportedFormat(path, f"不支持的格式 {suffix or '（无扩展名）'}：luoshi 读取 .txt、.docx、.pdf，以及 "
                                          ".jpg、.png、.tif 格式的扫描件或照片，请另存为其中一种格式")
    except ReadError:
        raise
    except OSError as exc:
        raise ReadError(path, unreadable(exc)) from exc
    if not source.text.strip():
        raise ReadError(path, "文件中没有文字：请检查是否选错了文件")
    from luoshi.text.limits import check_text

    check_text(path, source.text)
    return source


def unreadable(exc: OSError) -> str:
    """Why the system would not give a file's bytes, and what to check."""
    import errno

    reasons = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.ENOENT: "文件已不存在",
               errno.EIO: "磁盘读取出错", errno.EISDIR: "这是文件夹"}
    reason = reasons.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")
    return f"无法读取（{reason}）：请检查文件是否还在、当前用户能否读取它"


def expand(paths: list[str]) -> list[str]:
    """Files named, and the supported files inside folders named (sorted), in the order given."""
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out += sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out
