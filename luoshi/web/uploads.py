"""An uploaded document into the store through `luoshi.ingest.ingest_upload`, and what became of it:
the stored document (new, a new version, or the same file already stored) and the items it proposed."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import UploadFile
from sqlalchemy.orm import Session

from luoshi.errors import ReadError
from luoshi.ingest import ingest_upload as store_upload
from luoshi.ledger import Actor
from luoshi.settings import Settings
from luoshi.store import items as store_items
from luoshi.store.items import ItemView

OUTCOMES = {"inserted": "新文件", "updated": "新版本", "noop": "与已存文件相同，未重复入库"}


@dataclass(frozen=True)
class Uploaded:
    document_id: int
    outcome: str  # inserted | updated | noop
    items_created: int
    items: list[ItemView]


BACKGROUND_BYTES = 1024 * 1024  # a larger upload is ingested by a background job (`luoshi.jobs`)


@dataclass(frozen=True)
class Queued:
    job_id: int


def receive(session: Session, *, file: UploadFile, actor: Actor, settings: Settings) -> Uploaded | Queued:
    """A small upload stored and extracted now; a large one (over `BACKGROUND_BYTES`) kept in the data
    folder and queued as an `ingest` job, whose progress the upload page shows."""
    size = file.size if file.size is not None else BACKGROUND_BYTES
    if size <= BACKGROUND_BYTES:
        return ingest_upload(session, file=file, actor=actor, settings=settings)
    from luoshi.ingest import queue_upload

    data = _read(file, settings)
    job_id = queue_upload(session, name=file.filename or "", data=data, actor=actor, settings=settings)
    session.commit()
    return Queued(job_id)


def _read(file: UploadFile, settings: Settings) -> bytes:
    name = file.filename or ""
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ReadError(name, f"文件超过 {settings.max_upload_mb} MB 上限：请压缩或拆分后再上传")
    if not data:
        raise ReadError(name, "文件是空的：请选择有内容的文件")
    return data


def ingest_upload(session: Session, *, file: UploadFile, actor: Actor, settings: Settings) -> Uploaded:
    """Store and extract the upload; ReadError (422) when it cannot be read, is empty or too large."""
    name = file.filename or ""
    data = _read(file, settings)
    result = store_upload(session, name=name, data=data, actor=actor, settings=settings)
    if result.status == "error" or result.document_id is None:
        raise ReadError(name, (result.error or "未能入库").removeprefix(f"{result.path}: ").removeprefix(f"{name}: "))
    items = store_items.list_items(session, actor=actor, document=result.document_id, sort="id",
                                   per_page=store_items.PER_PAGE_MAX, settings=settings).rows
    return Uploaded(result.document_id, result.status, result.items_created, items)


def outcome_text(result: Uploaded) -> str:
    if result.outcome == "noop":
        return OUTCOMES["noop"]
    return f"{OUTCOMES[result.outcome]}，抽取督办事项 {result.items_created} 项，待确认"
