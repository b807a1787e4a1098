"""Evidence files on the web: the size limit checked on the request's Content-Length before its body is
read, the files of a posted form put in the blob store, and a file sent back to whoever may see its item.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Depends, HTTPException
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from luoshi.files import BlobStore, blob_store
from luoshi.settings import Settings
from luoshi.store import evidence
from luoshi.store.evidence import StoredFile

MB = 1024 * 1024
FORM_SLACK = MB  # the text fields and multipart framing beside the files


def body_cap(settings: Settings) -> int:
    return settings.files_max_count * settings.files_max_mb * MB + FORM_SLACK


async def body_limited(request: Request) -> None:
    """Refuse an upload larger than the limits from its Content-Length, before any of its body is read."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return
    settings: Settings = request.app.state.settings
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise HTTPException(411, "上传文件时请求须带 Content-Length：请用浏览器表单或常见的 HTTP 客户端上传")
    if int(length) > body_cap(settings):
        raise HTTPException(413, f"上传内容过大：一次最多 {settings.files_max_count} 个文件，每个不超过 "
                                 f"{settings.files_max_mb} MB，请压缩或分次上传")


BodyLimited = Depends(body_limited)


def blobs(request: Request) -> BlobStore:
    """The app's blob store, made once per app."""
    store = getattr(request.app.state, "blobs", None)
    if store is None:
        store = request.app.state.blobs = blob_store(request.app.state.settings)
    return store


async def form_files(form: FormData, field: str = "files") -> list[tuple[str, bytes]]:
    """(name, content) of each file posted in `field`; an empty file input posts nothing."""
    out = []
    for value in form.getlist(field):
        if isinstance(value, UploadFile) and (value.filename or value.size):
            out.append((value.filename or "", await value.read()))
    return out


def store_uploads(request: Request, uploads: list[tuple[str, bytes]]) -> list[StoredFile]:
    settings: Settings = request.app.state.settings
    return evidence.store_files(uploads, blobs=blobs(request), max_bytes=settings.files_max_mb * MB,
                                max_count=settings.files_max_count)


def file_response(data: bytes, *, media_type: str, name: str | None = None, inline: bool = True) -> Response:
    """A file's bytes; content-addressed, so a browser may keep it (privately) for a day."""
    headers = {"Cache-Control": "private, max-age=86400"}
    if name is not None:
        disposition = "inline" if inline else "attachment"
        headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media_type, headers=headers)


def by_version(views: list[Any]) -> dict[int, list[dict[str, Any]]]:
    """The files of an item grouped by the version of the report that carried them, as dicts."""
    out: dict[int, list[dict[str, Any]]] = {}
    for v in views:
        out.setdefault(v.version, []).append(v.to_dict())
    return out


def evidence_required(session: Session, kind: str) -> bool:
    return evidence.evidence_rules(session).get(kind, False)
