"""Uploads that need OCR (scans and photos), read in the background: a job row per upload, one worker
thread per server process, progress as pages done out of pages to read.

OCR takes seconds a page, too long for a request: the upload stores the file as a queued job and
answers at once; the worker claims the job (an UPDATE only one process can win), ingests the file
through `luoshi.ingest.ingest_upload` writing its progress after each page, and records the document it
became or the error. The file's bytes are dropped from the job once it is done.

The job lives in the database, not in the process: a claim holds a lease, renewed with each page, and
every server process looks for queued jobs and expired leases every `SWEEP` seconds, so a job uploaded
to one app host is done by another when the first stops, and one whose reader died is read again.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import PurePath

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store.models import OcrJob
from luoshi.text.readers import IMAGE_SUFFIXES

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # a page takes seconds: a reader silent this long has died
SWEEP = 30.0  # seconds between two looks of a server process for jobs no one is reading


@dataclass(frozen=True)
class JobView:
    id: int
    name: str
    state: str  # queued | running | done | failed
    pages_done: int
    pages_total: int
    document_id: int | None
    outcome: str | None
    items_created: int
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def needs_ocr(name: str, data: bytes) -> int:
    """How many pages of the upload must be read by OCR (0: read it in the request, as before)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        try:
            from PIL import Image

            with Image.open(BytesIO(data)) as im:
                return getattr(im, "n_frames", 1)
        except Exception:  # not an image: the reader says so in the request
            return 0
    if suffix == ".pdf":
        try:
            import pdfplumber

            with pdfplumber.open(BytesIO(data)) as pdf:
                return sum(1 for page in pdf.pages if not page.chars)
        except Exception:  # damaged, encrypted: the reader says so in the request
            return 0
    return 0


def submit(session: Session, *, name: str, data: bytes, pages: int, actor: Actor, now: datetime | None = None) -> int:
    """Queue an upload for OCR; the id of its job."""
    job = OcrJob(name=name, data=data, state="queued", pages_done=0, pages_total=pages, items_created=0,
                 created_by=actor.id, created_at=now or datetime.now(UTC))
    session.add(job)
    session.commit()
    return job.id


def get_job(session: Session, job_id: int) -> JobView:
    job = session.get(OcrJob, job_id)
    if job is None:
        raise NotFound.of("job")
    return JobView(job.id, job.name, job.state, job.pages_done, job.pages_total, job.document_id, job.outcome,
                   job.items_created, job.error)


def _takeable(now: datetime) -> ColumnElement[bool]:
    """Queued, or running under a lease that ran out (its reader died)."""
    return or_(OcrJob.state == "queued", (OcrJob.state == "running") & (OcrJob.lease_until < now))


def run_job(db, job_id: int, *, actor: Actor, settings: Settings) -> bool:
    """Claim and run one queued job; False when another worker had claimed it."""
    from luoshi.ingest import ingest_upload

    with db.session() as session:
        now = datetime.now(UTC)
        claimed = session.execute(update(OcrJob).where(OcrJob.id == job_id, _takeable(now))
                                  .values(state="running", lease_until=now + LEASE)).rowcount
        session.commit()
        if not claimed:
            return False
        job = session.get(OcrJob, job_id)
        name, data = job.name, job.data

    def progress(done: int, total: int) -> None:
        with db.session() as s:
            s.execute(update(OcrJob).where(OcrJob.id == job_id).values(
                pages_done=done, pages_total=total, lease_until=datetime.now(UTC) + LEASE))
            s.commit()

    with db.session() as session:
        try:
            result = ingest_upload(session, name=name, data=data, actor=actor, settings=settings, progress=progress)
        except Exception as exc:  # ingest returns errors; this is a bug, which must not leave the job running
            log.exception("文字识别任务 %s 出错，已标为失败：请把以下错误详情交给系统管理员", job_id)
            result = None
            error = f"{type(exc).__name__}"
        values = dict(finished_at=datetime.now(UTC), data=b"")
        if result is not None and result.status != "error":
            values |= dict(state="done", document_id=result.document_id, outcome=result.status,
                           items_created=result.items_created)
        else:
            values |= dict(state="failed", error=(result.error if result is not None else error))
        session.execute(update(OcrJob).where(OcrJob.id == job_id).values(**values))
        session.commit()
    return True


class Worker:
    """One thread per server process reading queued jobs in turn (OCR already uses both cores)."""

    def __init__(self, db, *, settings: Settings):
        self.db, self.settings = db, settings
        self.jobs: queue.Queue[tuple[int, Actor]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def add(self, job_id: int, actor: Actor) -> None:
        self.jobs.put((job_id, actor))
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._drain, name="luoshi-ocr", daemon=True)
                self.thread.start()

    def _drain(self) -> None:
        while True:
            try:
                job_id, actor = self.jobs.get(timeout=5)
            except queue.Empty:
                return
            try:
                run_job(self.db, job_id, actor=actor, settings=self.settings)
            except Exception:  # the database went away: the job stays queued for the next start
                log.exception("文字识别任务 %s 未能运行（数据库可能暂时无法访问），下次启动时会再做；错误详情如下", job_id)

    def resume(self) -> None:
        """Queue the jobs the database holds that no one is reading (queued by any process, or left by a
        reader that died), as their uploader."""
        with self.db.session() as session:
            rows = session.execute(select(OcrJob.id, OcrJob.created_by).where(_takeable(datetime.now(UTC)))
                                   .order_by(OcrJob.id)).all()
        for job_id, created_by in rows:
            self.add(job_id, Actor(created_by, Role.SUPERVISOR))

    def sweep_forever(self, stop: threading.Event, every: float = SWEEP) -> None:
        """`resume` every `every` seconds until `stop` is set (a server process's thread); a database that
        is away is waited out."""
        while not stop.wait(every):
            try:
                self.resume()
            except Exception:
                log.warning("查找待识别任务出错（数据库可能暂时无法访问），%s 秒后重试", every)

    def wait(self, timeout: float | None = None) -> None:
        """Until the queue is empty (tests and the command line)."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
