"""Stored documents: one row per version of a file, with its text and extraction record, and the items
read from it (for the document page that highlights every extracted record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import Actor, can_view
from luoshi.store.models import Document, ItemRow, Meeting


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    name: str
    version: int
    doc_type: str
    title: str | None
    issued: date | None
    ingested_at: datetime
    items: int


@dataclass(frozen=True)
class ItemSpan:
    """An item read from the document: where (`span` into `text`), what, and its state now."""

    item_id: int
    span: tuple[int, int] | None
    path: str | None
    title: str
    state: str
    kind: str


@dataclass(frozen=True)
class DocumentView:
    id: int
    name: str
    path: str
    sha256: str
    version: int
    previous_id: int | None
    versions: list[tuple[int, int]]  # (document id, version) of every version of this file name
    doc_type: str
    title: str | None
    issued: date | None
    ingested_at: datetime
    ingested_by: str
    record: dict[str, Any]
    text: str
    items: list[ItemSpan]
    meeting_id: int | None


def list_documents(session: Session, *, doc_type: str | None = None, latest_only: bool = False,
                   page: int = 1, per_page: int = 50) -> tuple[list[DocumentSummary], int]:
    """Documents newest first, with the number of items read from each, and the total."""
    counts = (select(ItemRow.document_id, func.count().label("n")).group_by(ItemRow.document_id).subquery())
    stmt = select(Document, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.document_id == Document.id)
    where = []
    if doc_type:
        where.append(Document.doc_type == doc_type)
    if latest_only:
        superseded = select(Document.previous_id).where(Document.previous_id.isnot(None))
        where.append(Document.id.not_in(superseded))
    total = session.scalar(select(func.count(Document.id)).where(*where)) or 0
    rows = session.execute(stmt.where(*where).order_by(Document.ingested_at.desc(), Document.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return [DocumentSummary(d.id, d.name, d.version, d.doc_type, d.title, d.issued, d.ingested_at, n)
            for d, n in rows], total


def get_document(session: Session, *, document_id: int, actor: Actor | None = None) -> DocumentView:
    """A document with its text, record and the items read from it (only those `actor` may see)."""
    from luoshi.store.items import to_item

    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound.of("document")
    rows = session.scalars(select(ItemRow).where(ItemRow.document_id == doc.id).order_by(ItemRow.span_start,
                                                                                          ItemRow.id)).all()
    if actor is not None:
        rows = [r for r in rows if can_view(actor, to_item(r))]
    items = [ItemSpan(r.id, (r.span_start, r.span_end) if r.span_start is not None else None, r.source_path,
                      r.title, r.state, r.kind) for r in rows]
    versions = [(i, v) for i, v in session.execute(select(Document.id, Document.version)
                                                   .where(Document.name == doc.name).order_by(Document.version))]
    meeting_id = session.scalar(select(Meeting.id).where(Meeting.document_id == doc.id))
    return DocumentView(doc.id, doc.name, doc.path, doc.sha256, doc.version, doc.previous_id, versions,
                        doc.doc_type, doc.title, doc.issued, doc.ingested_at, doc.ingested_by, doc.record,
                        doc.text, items, meeting_id)
