"""What one document may cost to read: the size of its ZIP package's entries as declared and as they
really inflate, their compression ratio, the number of paragraphs, and the characters of its text.

A DOCX is a ZIP: a 1.2 MB file can inflate to a gigabyte, and a 630 KB one can hold six million empty
paragraphs that python-docx turns into six million objects. `check_zip` streams every entry once,
counting what it really inflates to (a declared size can lie) and the paragraphs of the body, before
anything builds a tree of it.
"""

from __future__ import annotations

import zipfile

from luoshi.errors import ReadError

MAX_ENTRY = 64 * 1024 * 1024  # bytes one entry may inflate to (a long Word body is a few MB)
MAX_TOTAL = 128 * 1024 * 1024  # bytes all entries may inflate to
MAX_RATIO = 100  # inflated / compressed, for entries over RATIO_FLOOR (XML compresses 10-20×)
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 2000
MAX_PARAGRAPHS = 50_000  # a 200-page report has a few thousand
MAX_CHARS = 2_000_000  # characters of text a document may hold (a 200-page report: ~200 000)
CHUNK = 1024 * 1024
BODY = "word/document.xml"
PARAGRAPH = (b"<w:p>", b"<w:p ", b"<w:p/>")


def check_zip(path: str) -> None:
    """ReadError when the package at `path` is larger, more compressed or has more paragraphs than the
    limits above; the entries are inflated as a stream, never whole in memory."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            if len(entries) > MAX_ENTRIES:
                raise ReadError(path, f"文件包含 {len(entries)} 个部件，超过上限 {MAX_ENTRIES}：不是正常的 Word 文档")
            total = 0
            for entry in entries:
                _declared(path, entry)
                total += _inflate(path, package, entry, MAX_TOTAL - total)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ReadError(path, f"文件已损坏，无法读取（{type(exc).__name__}）") from None


def _declared(path: str, entry: zipfile.ZipInfo) -> None:
    if entry.file_size > MAX_ENTRY:
        raise ReadError(path, f"文件解压后过大（{entry.file_size // 2**20} MB，上限 {MAX_ENTRY // 2**20} MB）："
                              "请删去图片等大附件后再上传")
    if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(1, entry.compress_size):
        raise ReadError(path, f"文件压缩比异常（{entry.file_size // max(1, entry.compress_size)} 倍，上限 {MAX_RATIO} 倍）："
                              "不是正常的 Word 文档")


def _inflate(path: str, package: zipfile.ZipFile, entry: zipfile.ZipInfo, allowance: int) -> int:
    """The bytes `entry` really inflates to, stopped past what it declared or the allowance left."""
    size, paragraphs, tail = 0, 0, b""
    limit = min(entry.file_size, allowance)
    with package.open(entry) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ReadError(path, "文件解压后超过声明大小或总量上限：不是正常的 Word 文档")
            if entry.filename == BODY:
                window = tail + chunk
                paragraphs += sum(window.count(p) for p in PARAGRAPH)
                tail = chunk[-5:]
                paragraphs -= sum(tail.count(p) for p in PARAGRAPH)  # counted again with the next chunk
                if paragraphs > MAX_PARAGRAPHS:
                    raise ReadError(path, f"文档段落超过 {MAX_PARAGRAPHS} 个：请拆分后再上传")
    return size


def check_text(path: str, text: str) -> None:
    if len(text) > MAX_CHARS:
        raise ReadError(path, f"文档有 {len(text)} 个字符，超过上限 {MAX_CHARS}：请拆分后再上传")
