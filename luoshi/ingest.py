"""Ingest: read document files, extract their records and store them, with the items they propose.

Idempotent, and safe for work in progress. What it does with each file, by its SHA-256 and name:
- content already stored (under any name): nothing (`noop`);
- a new file name: a new document (`inserted`), version 1;
- a stored file name with new content: a new version (`updated`) linked to the one before. Items are
  matched across versions by kind and text (`fingerprint`): an item the new version repeats is kept as
  it is, whatever its state, and not created again; an item that is new or worded differently is added
  as a new draft (待确认) of the new version; items of earlier versions the new one no longer has are
  left alone, so nothing being worked on is ever changed by an ingest (the office cancels what is moot).
Each file is stored in its own transaction: a bad file is reported and skipped, the others are stored,
and nothing stored before is touched.

From meeting minutes, each decision that gives a unit something to do becomes a `decision` draft (one
per unit when it gives units distinct tasks), its directives kept with it as subtasks
(`luoshi.ledger.drafts`); general requirements naming no unit stay on the decision. Units named as owners
are matched to organisations (any alias) or proposed as new ones; attendees become people with
memberships. Work-report targets and commitments and congress suggestions are tracked by
`luoshi.store.tracking`.

The genre is detected unless the caller forces one (`genre=`, the user's correction); a stored document
whose genre the office changes is re-extracted into a new version (`change_genre`), under the same rules.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from luoshi import jobs
from luoshi.errors import LuoshiError, NotFound, ReadError
from luoshi.ledger import Actor, InvalidValue, Kind, Role
from luoshi.extract.titles import document_title
from luoshi.ledger.drafts import drafts as minutes_drafts
from luoshi.settings import Settings, get_settings
from luoshi.store.audit import append_admin
from luoshi.store.items import create_item, fingerprint
from luoshi.store import statistics
from luoshi.store.models import Document, ItemRow, Meeting
from luoshi.store.search_index import index_document
from luoshi.store.orgs import UnitResolver, is_collective, record_attendees
from luoshi.store.subtasks import write_subtasks
from luoshi.store.tracking import track_document
from luoshi.store.pages import store_pages
from luoshi.text.ocr import flag_doubtful

INGEST_ACTOR = Actor("luoshi-ingest", Role.SUPERVISOR, name="luoshi ingest")

Progress = Callable[[int, int, str], None]  # (files done, files in all, the file just done)


@dataclass
class FileResult:
    """What became of one file: `inserted`, `updated` (a new version), `noop` or `error`."""

    path: str
    status: str
    document_id: int | None = None
    version: int | None = None
    items_created: int = 0
    items_kept: int = 0
    error: str | None = None


@dataclass
class Report:
    files: list[FileResult] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def inserted(self) -> int:
        return self._count("inserted")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def noop(self) -> int:
        return self._count("noop")

    @property
    def errors(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "error"]

    @property
    def items(self) -> int:
        return sum(f.items_created for f in self.files)

    def summary(self) -> str:
        return (f"{len(self.files)} files: {self.inserted} new, {self.updated} new versions, {self.noop} unchanged, "
                f"{len(self.errors)} failed; {self.items} items created")


def ingest_paths(session: Session, paths: Iterable[str | os.PathLike[str]], *, progress: Progress | None = None,
                 actor: Actor = INGEST_ACTOR, settings: Settings | None = None,
                 now: datetime | None = None, genre: str | None = None) -> Report:
    """Ingest files and folders (their .txt, .docx and .pdf files); see the module docstring. `genre`
    forces the genre of every file (a `luoshi.extract.genre` name)."""
    from luoshi.text.readers import expand

    settings = settings or get_settings()
    files = expand([str(p) for p in paths])
    report = Report()
    for done, path in enumerate(files, 1):
        report.files.append(ingest_file(session, path, actor=actor, settings=settings, now=now, genre=genre))
        if progress:
            progress(done, len(files), path)
    if report.inserted or report.updated:
        statistics.refresh(session)  # many new rows: let the planner know
    return report


def ingest_upload(session: Session, *, name: str, data: bytes, actor: Actor = INGEST_ACTOR,
                  settings: Settings | None = None, now: datetime | None = None,
                  progress: Callable[[int, int], None] | None = None, genre: str | None = None) -> FileResult:
    """Ingest an uploaded file's bytes under its file name (the web's document upload); `progress` hears
    (pages done, pages to OCR) while a scan is read; `genre` forces the genre."""
    safe = upload_name(name)
    with tempfile.TemporaryDirectory(prefix="luoshi-upload-") as folder:
        path = Path(folder) / safe
        path.write_bytes(data)
        result = ingest_file(session, str(path), actor=actor, settings=settings, now=now, name=safe,
                             origin=f"upload:{safe}", progress=progress, genre=genre)
        if result.error:  # the reader names the file it read: the server's temporary folder, never shown
            result.error = result.error.replace(str(path), safe).replace(folder, "")
    result.path = safe
    return result


MAX_NAME_BYTES = 255
UPLOADS = "uploads"  # data_dir/uploads: where uploads waited for their job before 0016 (kept for those)


def queue_upload(session: Session, *, name: str, data: bytes, actor: Actor, settings: Settings,
                 genre: str | None = None) -> int:
    """Queue an upload's ingest as a background job; the job's id. The file waits in the job's row, not
    on this host's disk, so that a runner on any app host can do it; it is dropped once the job ends."""
    safe = upload_name(name)
    return jobs.enqueue(session, kind="ingest", by=actor.id, data=data, payload={
        "name": safe, "genre": genre, "actor": {"id": actor.id, "role": actor.role.value, "unit": actor.unit,
                                                "name": actor.name}})


@jobs.handler("ingest")
def _ingest_job(job: Any, report: Any, db: Any) -> dict[str, Any]:
    """The `ingest` job: read, extract and store a queued upload (the reading and extracting hold no
    write lock: the document is written in one short transaction at the end)."""
    from luoshi.ledger import Role

    settings = get_settings()
    who = job.payload["actor"]
    actor = Actor(who["id"], Role(who["role"]), who.get("unit"), who.get("name") or who["id"])
    report(10, "正在读取和抽取")
    data = _queued_bytes(job, db, settings)
    with db.session() as session:
        result = ingest_upload(session, name=job.payload["name"], data=data, actor=actor, settings=settings,
                               genre=job.payload.get("genre"))
    if "file" in job.payload:
        (settings.data_path / UPLOADS / job.payload["file"]).unlink(missing_ok=True)
    if result.status == "error" or result.document_id is None:
        raise ReadError(job.payload["name"], (result.error or "未能入库").removeprefix(f"{result.path}: "))
    return {"document_id": result.document_id, "outcome": result.status, "items_created": result.items_created}


def _queued_bytes(job: Any, db: Any, settings: Settings) -> bytes:
    """The upload of an ingest job: in its row, or (queued before 0016) in the data folder."""
    data = jobs.job_data(db, job.id)
    if data is not None:
        return data
    try:
        return (settings.data_path / UPLOADS / job.payload["file"]).read_bytes()
    except (KeyError, OSError):
        raise ReadError(job.payload["name"], "待处理的文件已不在数据库中：请重新上传") from None


def upload_name(name: str) -> str:
    """The file name an upload is stored under: its last path part; ReadError (422) for none, `.`, `..`,
    or one longer than 255 bytes (no file system holds it)."""
    safe = os.path.basename(name.replace("\\", "/")).strip()
    if safe in ("", ".", ".."):
        raise ReadError(name or "(无文件名)", "文件名无效：请使用带扩展名（.txt、.docx、.pdf）的普通文件名")
    if len(safe.encode("utf-8")) > MAX_NAME_BYTES:
        raise ReadError(safe[:40] + "…", f"文件名过长（超过 {MAX_NAME_BYTES} 字节）：请改短后再上传")
    return safe


def ingest_file(session: Session, path: str, *, actor: Actor = INGEST_ACTOR, settings: Settings | None = None,
                now: datetime | None = None, name: str | None = None, origin: str | None = None,
                progress: Callable[[int, int], None] | None = None, genre: str | None = None) -> FileResult:
    """Ingest one file and commit it; any failure is returned as an `error` result, never raised. A file
    stored already is left alone, unless `genre` differs from its latest version's: then that document is
    re-extracted as `genre` (`change_genre`)."""
    from luoshi.bounded import extract_bounded
    from luoshi.text.readers import read

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    data, sha = b"", ""
    try:
        data = _bytes(path)
        sha = hashlib.sha256(data).hexdigest()
        existing = session.scalars(select(Document).where(Document.sha256 == sha)).first() if data else None
        if existing is not None:
            latest = _latest(session, existing.name)
            if genre and latest.doc_type != genre:
                return change_genre(session, document_id=latest.id, genre=genre, actor=actor, settings=settings,
                                    now=now, path=path)
            return FileResult(path, "noop", existing.id, existing.version)
        source = read(path, progress=progress, ocr_budget=settings.ocr_page_budget)
        record = extract_bounded(source.text, name or source.name, genre, seconds=settings.extract_seconds,
                                 megabytes=settings.extract_memory_mb, above_chars=settings.extract_bounded_chars)
        if source.ocr is not None:
            flag_doubtful(record, source.ocr)
        result = _store(session, path=origin or path, name=name or source.name, sha=sha, text=source.text,
                        record=record, actor=actor, settings=settings, now=now)
        if source.ocr is not None:
            store_pages(session, result.document_id, source.ocr)
        session.commit()
        return result
    except LuoshiError as exc:
        session.rollback()
        return FileResult(path, "error", error=str(exc))
    except SQLAlchemyError as exc:
        session.rollback()
        # Another process may have stored the same file a moment before us: that is a noop, not an error.
        stored = session.scalars(select(Document).where(Document.sha256 == sha)).first() if data else None
        if stored is not None:
            return FileResult(path, "noop", stored.id, stored.version)
        return FileResult(path, "error", error=f"{path}: 未能存入数据库：请稍后重试，仍不成功请把以下详情交给系统管理员"
                                               f"（{type(exc).__name__}: {str(exc).splitlines()[0]}）")
    except Exception as exc:  # an extraction bug on one document must not stop the batch
        session.rollback()
        return FileResult(path, "error", error=f"{path}: 抽取出错，文件未入库：请把以下详情交给系统管理员"
                                               f"（{type(exc).__name__}: {exc}）")


def _bytes(path: str) -> bytes:
    """The file's bytes, for its hash (b"" when it is no file: `read` then says what is wrong)."""
    if not Path(path).is_file():
        return b""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        from luoshi.text.readers import unreadable

        raise ReadError(path, unreadable(exc)) from exc


def _latest(session: Session, name: str) -> Document:
    return session.scalars(select(Document).where(Document.name == name)
                           .order_by(Document.version.desc()).limit(1)).one()


def change_genre(session: Session, *, document_id: int, genre: str, actor: Actor = INGEST_ACTOR,
                 settings: Settings | None = None, now: datetime | None = None, path: str | None = None) -> FileResult:
    """Re-extract a stored document as `genre` (the office's correction) into a new version of it, and
    commit: its items are proposed as at ingest, items the new version repeats are kept as they are and
    nothing being worked on is changed. NotFound for no such document; InvalidValue for an unknown genre
    or the genre the document has already."""
    from luoshi.extract import genre as genres
    from luoshi.extract.override import LABELS, extract_as

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    if genre not in genres.GENRES:
        raise InvalidValue(f"文种“{genre}”无法识别；可选：{'、'.join(f'{g}（{LABELS[g]}）' for g in genres.GENRES)}",
                           "genre")
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"没有编号为 {document_id} 的文件；请从文件列表中选择")
    latest = _latest(session, doc.name)
    if latest.doc_type == genre:
        raise InvalidValue(f"该文件已是{LABELS[genre]}，无需更改；如需重新识别，请选择其他文种", "genre")
    record = extract_as(latest.text, latest.name, genre)
    # The same bytes under a new reading: the hash names the version, so the file itself stays `noop`.
    sha = hashlib.sha256(f"{latest.sha256}\ngenre={genre}\nversion={latest.version + 1}".encode()).hexdigest()
    try:
        result = _store(session, path=path or latest.path, name=latest.name, sha=sha, text=latest.text,
                        record=record, actor=actor, settings=settings, now=now, changed_from=latest.doc_type)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return result


def _store(session: Session, *, path: str, name: str, sha: str, text: str, record: dict[str, Any],
           actor: Actor, settings: Settings, now: datetime, changed_from: str | None = None) -> FileResult:
    previous = session.scalars(select(Document).where(Document.name == name)
                               .order_by(Document.version.desc()).limit(1)).first()
    doc = Document(name=name, path=path, sha256=sha, version=previous.version + 1 if previous else 1,
                   previous_id=previous.id if previous else None, doc_type=record.get("doc_type") or "other",
                   title=document_title(record, name), issued=_date(record.get("issued")), record=record, text=text,
                   ingested_at=now, ingested_by=actor.id)
    session.add(doc)
    session.flush()
    units = UnitResolver(session, now)
    if record.get("doc_type") == "meeting_minutes":
        meeting = _meeting(session, doc, record)
        if meeting is not None:
            record_attendees(session, meeting=meeting, attendees=record.get("attendees") or [], units=units)
    known = _known_fingerprints(session, name, doc.id)
    created = kept = 0
    for proposal in proposals(record, text):
        if fingerprint(proposal["kind"], proposal["text"] or proposal["title"]) in known:
            kept += 1
            continue
        owners = list(dict.fromkeys(str(units(o).id) for o in proposal.pop("owners") if not is_collective(o)))
        co = [str(units(o).id) for o in proposal.pop("co_owners") if not is_collective(o)]
        subtasks = proposal.pop("subtasks")
        row = create_item(session, actor=actor, document_id=doc.id, lead_units=owners,
                          co_units=[u for u in dict.fromkeys(co) if u not in owners], now=now, settings=settings,
                          commit=False, **proposal)
        write_subtasks(session, row.id, subtasks)
        created += 1
    track_document(session, document=doc, actor=actor, now=now, settings=settings)  # targets, suggestions, delivery
    index_document(session, doc.id)  # the document and its targets and suggestions (items: as created)
    append_admin(session, type="document_ingested", actor=actor, subject=f"document:{doc.id}", at=now,
                 settings=settings, data={"name": name, "sha256": sha, "version": doc.version,
                                          "previous_id": doc.previous_id, "items_created": created,
                                          "items_kept": kept, "doc_type": doc.doc_type,
                                          **({"genre_changed_from": changed_from} if changed_from else {})})
    return FileResult(path, "updated" if previous else "inserted", doc.id, doc.version, created, kept)


def _known_fingerprints(session: Session, name: str, new_id: int) -> set[str]:
    rows = session.scalars(select(ItemRow.fingerprint).join(Document, Document.id == ItemRow.document_id)
                           .where(Document.name == name, Document.id != new_id))
    return {f for f in rows if f}


def _meeting(session: Session, doc: Document, record: dict[str, Any]) -> Meeting | None:
    m = record.get("meeting")
    if not m and not record.get("attendees"):
        return None
    m = m or {}
    meeting = Meeting(document_id=doc.id, ordinal=m.get("ordinal"), held_on=_date(m.get("date")) or doc.issued,
                      part_of_day=m.get("part_of_day"), chair=m.get("chair"), chair_title=m.get("chair_title"))
    session.add(meeting)
    session.flush()
    return meeting


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def proposals(record: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The items a record proposes, as `create_item` arguments plus `owners` and `co_owners` (unit names as
    written) and `subtasks` (`luoshi.ledger.drafts.Subtask`).

    A pure function of the record: minutes give the drafts of `luoshi.ledger.drafts` (kind `decision`);
    other genres none (their targets and suggestions are tracked on their own).
    """
    return [dict(kind=Kind.DECISION.value, title=d.title, text=d.text, span=d.span, source_path=d.source_path,
                 owners=list(d.leads), co_owners=list(d.co_units), due=d.due, due_text=d.due_text,
                 subtasks=list(d.subtasks))
            for d in minutes_drafts(record, text)]
