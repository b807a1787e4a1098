"""An uploaded document into the store through `luoshi.ingest.ingest_upload`, and what became of it:
the stored document (new, a new version, or the same file already stored) and the items it proposed.

A scan or photo is queued for OCR (`luoshi.scans`), a large file for a background ingest (`luoshi.jobs`);
everything else is stored and extracted in the request."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import UploadFile
from sqlalchemy.orm import Session

from luoshi import scans
from luoshi.errors import ReadError
from luoshi.ingest import FileResult
from luoshi.ingest import ingest_upload as store_upload
from luoshi.ledger import Actor, InvalidValue
from luoshi.settings import Settings
from luoshi.store import items as store_items
from luoshi.store.items import ItemView
from luoshi.text import ocr

OUTCOMES = {"inserted": "新文件", "updated": "新版本", "noop": "与已存文件相同，未重复入库"}
BACKGROUND_BYTES = 1024 * 1024  # a larger upload is ingested by a background job (`luoshi.jobs`)


@dataclass(frozen=True)
class Queued:
    """An upload queued to be read in the background: a scan or photo for OCR (`kind` ocr, a `luoshi.scans`
    job) or a large file (`kind` ingest, a `luoshi.jobs` job). Follow its job."""

    job_id: int
    pages: int = 0
    kind: str = "ingest"


@dataclass(frozen=True)
class Uploaded:
    document_id: int
    outcome: str  # inserted | updated | noop
    items_created: int
    items: list[ItemView]


def genre_of(value: str | None) -> str | None:
    """The genre a form or request names (None: detect it); InvalidValue (422) for an unknown one."""
    from luoshi.extract.override import UnknownGenre, genre_named

    try:
        return genre_named(value)
    except UnknownGenre as exc:
        raise InvalidValue(str(exc), "genre") from None


def receive(session: Session, *, file: UploadFile, actor: Actor, settings: Settings,
            worker: scans.Worker | None = None, genre: str | None = None) -> Uploaded | Queued:
    """A scan or photo queued for `worker`'s OCR (after the checks that need no OCR; its genre is detected,
    the office corrects it on the document page), a large upload (over `BACKGROUND_BYTES`) kept in the
    data folder and queued as an `ingest` job, anything else stored and extracted now (as `genre` when
    given). ReadError (422) when it cannot be read, is empty or too large."""
    name = file.filename or ""
    doc_type = genre_of(genre)
    data = _read(file, settings)
    pages = scans.needs_ocr(name, data) if worker is not None else 0
    if pages:
        if not ocr.available():
            raise ocr.missing_engine(name)
        if pages > settings.ocr_page_budget:
            raise ocr.OcrBudgetExceeded(name, ocr.budget_message(pages, settings.ocr_page_budget))
        job_id = scans.submit(session, name=name, data=data, pages=pages, actor=actor)
        worker.add(job_id, actor)
        return Queued(job_id, pages, "ocr")
    if len(data) > BACKGROUND_BYTES:
        from luoshi.ingest import queue_upload

        job_id = queue_upload(session, name=name, data=data, actor=actor, settings=settings, genre=doc_type)
        session.commit()
        return Queued(job_id)
    result = store_upload(session, name=name, data=data, actor=actor, settings=settings, genre=doc_type)
    if result.status == "error" or result.document_id is None:
        raise ReadError(name, (result.error or "未能入库").removeprefix(f"{result.path}: ").removeprefix(f"{name}: "))
    return _uploaded(session, result, actor, settings)


def _read(file: UploadFile, settings: Settings) -> bytes:
    name = file.filename or ""
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ReadError(name, f"文件超过 {settings.max_upload_mb} MB 上限：请压缩或拆分后再上传")
    if not data:
        raise ReadError(name, "文件是空的：请选择有内容的文件")
    return data


def change_genre(session: Session, *, document_id: int, genre: str | None, actor: Actor,
                 settings: Settings) -> Uploaded:
    """Re-extract a stored document as the genre the office chose, into a new version (`updated`)."""
    from luoshi.ingest import change_genre as store_change

    doc_type = genre_of(genre)
    if doc_type is None:
        raise InvalidValue("请选择要改成的文种：会议纪要、政府工作报告、人大审议意见或其他文件", "genre")
    result = store_change(session, document_id=document_id, genre=doc_type, actor=actor, settings=settings)
    return _uploaded(session, result, actor, settings)


def _uploaded(session: Session, result: FileResult, actor: Actor, settings: Settings) -> Uploaded:
    assert result.document_id is not None
    items = store_items.list_items(session, actor=actor, document=result.document_id, sort="id",
                                   per_page=store_items.PER_PAGE_MAX, settings=settings).rows
    return Uploaded(result.document_id, result.status, result.items_created, items)


def job_dict(job: scans.JobView) -> dict:
    """A job as the API gives it and the progress page shows it."""
    return {"id": job.id, "name": job.name, "state": job.state, "state_label": JOB_STATES[job.state],
            "pages_done": job.pages_done, "pages_total": job.pages_total, "document_id": job.document_id,
            "outcome": job.outcome, "items_created": job.items_created,
            "error": job_error(job) if job.state == "failed" else None,
            "url": f"/documents/jobs/{job.id}", "document_url": f"/documents/{job.document_id}" if job.document_id else None}


JOB_STATES = {"queued": "排队等待识别", "running": "正在识别", "done": "识别完成", "failed": "识别失败"}


def job_error(job: scans.JobView) -> str:
    """The reason a job failed, for the office: the reader's own words when they are Chinese already."""
    problem = (job.error or "").removeprefix(f"{job.name}: ")
    if any("\u4e00" <= ch <= "\u9fff" for ch in problem):
        return problem
    return "文件未能识别入库：请检查扫描件是否清晰完整，重新上传；仍不成功请联系管理员"


def outcome_text(result: Uploaded) -> str:
    if result.outcome == "noop":
        return OUTCOMES["noop"]
    return f"{OUTCOMES[result.outcome]}，抽取督办事项 {result.items_created} 项，待确认"
