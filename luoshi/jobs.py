"""Background jobs: work a request hands off (a large document to ingest, a scan to OCR) and a runner
does later, in its own short transactions, so that no request waits for it and no write lock is held
while it computes.

    @handler("ingest")
    def ingest(job: Job, report: Report, db: Database) -> dict: ...   # report(percent, message) as it goes

    job_id = enqueue(session, kind="ingest", payload={...}, by="dc1")   # in the caller's transaction
    run_pending(db)                                                       # a runner: `luoshi jobs run`

A runner claims one queued job at a time with a compare-and-set on its state (two runners never take
the same job), under a lease that another runner may take over once it expires (the first one died).
A handler's exception fails the job with its message; a `LuoshiError`'s message is shown as it is.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError, NotFound
from luoshi.store.models import JobRow

LEASE = timedelta(minutes=30)
STATES = ("queued", "running", "done", "failed")
STATE_LABELS = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    state: str
    payload: dict[str, Any]
    result: dict[str, Any] | None
    progress: int
    message: str
    created_by: str
    created_at: datetime
    finished_at: datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state, "state_label": self.state_label,
                "progress": self.progress, "message": self.message, "result": self.result,
                "created_by": self.created_by, "created_at": self.created_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None}


Report = Callable[[int, str], None]
Handler = Callable[[Job, Report, Any], dict[str, Any] | None]  # (job, report, the runner's Database)
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does jobs of `kind`."""
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function
    return register


def _view(row: JobRow) -> Job:
    return Job(row.id, row.kind, row.state, dict(row.payload or {}), row.result, row.progress, row.message,
               row.created_by, row.created_at, row.finished_at)


def enqueue(session: Session, *, kind: str, payload: dict[str, Any], by: str, data: bytes | None = None) -> int:
    """Queue a job in the caller's transaction (it runs once that commits); its id. `data` (an upload's
    bytes) waits in the job's row, where a runner on any host reads it (`job_data`), until the job ends."""
    if kind not in HANDLERS:
        raise LuoshiError(f"没有处理“{kind}”任务的程序")
    row = JobRow(kind=kind, state="queued", payload=payload, progress=0, message="", attempts=0, created_by=by,
                 created_at=datetime.now(UTC), data=data)
    session.add(row)
    session.flush()
    return row.id


def get_job(session: Session, *, job_id: int, by: str | None = None) -> Job:
    """The job (of user `by`, when given: another's is NotFound)."""
    row = session.get(JobRow, job_id)
    if row is None or (by is not None and row.created_by != by):
        raise NotFound(f"没有编号为 {job_id} 的任务")
    return _view(row)


def job_data(db: Any, job_id: int) -> bytes | None:
    """The bytes queued with a job (None once it ended, or when it had none)."""
    with db.session() as session:
        return session.scalar(select(JobRow.data).where(JobRow.id == job_id))


def claim(session: Session, *, runner: str, now: datetime | None = None) -> Job | None:
    """Take the oldest queued job (or one whose runner's lease ran out) for `runner`; None when there is
    none. Commits: the claim is the runner's, whatever comes next."""
    now = now or datetime.now(UTC)
    t = JobRow.__table__.c
    takeable = or_(t.state == "queued", (t.state == "running") & (t.lease_until < now))
    for job_id in session.scalars(select(t.id).where(takeable).order_by(t.id).limit(5)).all():
        taken = session.execute(update(JobRow).where(t.id == job_id, takeable).values(
            state="running", started_at=now, lease_until=now + LEASE, attempts=JobRow.attempts + 1,
            message=f"由 {runner} 处理"))
        session.commit()
        if taken.rowcount == 1:
            return get_job(session, job_id=job_id)
    return None


def _finish(db: Any, job_id: int, **values: Any) -> None:
    with db.session() as session:
        session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))
        session.commit()


def run_one(db: Any, *, runner: str | None = None) -> Job | None:
    """Claim and do one job; the job as it ended, or None when none was waiting."""
    runner = runner or f"{socket.gethostname()}:{os.getpid()}"
    with db.session() as session:
        job = claim(session, runner=runner)
    if job is None:
        return None

    def report(percent: int, message: str) -> None:
        _finish(db, job.id, progress=max(0, min(100, int(percent))), message=message,
                lease_until=datetime.now(UTC) + LEASE)

    try:
        result = HANDLERS[job.kind](job, report, db)
    except Exception as exc:  # a job's failure is recorded, never lost, and the runner goes on
        message = str(exc) if isinstance(exc, LuoshiError) else f"处理失败（{type(exc).__name__}）：请联系管理员查看日志"
        _finish(db, job.id, state="failed", message=message, finished_at=datetime.now(UTC), lease_until=None,
                data=None)
    else:
        _finish(db, job.id, state="done", progress=100, result=result or {}, message="完成",
                finished_at=datetime.now(UTC), lease_until=None, data=None)
    with db.session() as session:
        return get_job(session, job_id=job.id)


def run_pending(db: Any, *, limit: int | None = None, runner: str | None = None) -> list[Job]:
    """Do queued jobs one after another until none is left (or `limit` were done)."""
    done: list[Job] = []
    while limit is None or len(done) < limit:
        job = run_one(db, runner=runner)
        if job is None:
            break
        done.append(job)
    return done


def run_forever(db: Any, stop: Any, *, every: float = 1.0, runner: str | None = None) -> None:
    """Do jobs as they come until `stop` (a threading.Event) is set: the web server's own runner, and
    `luoshi jobs run`. A failing database is waited out, not fatal."""
    while not stop.is_set():
        try:
            busy = run_one(db, runner=runner) is not None
        except Exception:  # the database is away: try again later
            busy = False
        if not busy:
            stop.wait(every)
