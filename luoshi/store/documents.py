"""Stored documents: one row per version of a file, with its text and extraction record, and the items
read from it (for the document page that highlights every extracted record).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from luoshi.errors import NotFound
from luoshi.keys import session_secret
from luoshi.ledger import Actor, can_view
from luoshi.settings import Settings, get_settings
from luoshi.store import paging
from luoshi.store.models import Document, ItemRow, Meeting
from luoshi.store.paging import Key, Order, Page

PER_PAGE_MAX = 500
ORDER = Order("documents", (Key(Document.ingested_at, True), Key(Document.id, True)))  # newest first


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


DocumentPage = Page[DocumentSummary]

# What a list row reads of a document (not its text or record), and the number of items read from it, counted
# in the items' document index for the page's rows only.
_LISTED = select(Document.id, Document.name, Document.version, Document.doc_type, Document.title, Document.issued,
                 Document.ingested_at,
                 select(func.count()).where(ItemRow.document_id == Document.id).scalar_subquery().label("items"))


def list_documents(session: Session, *, doc_type: str | None = None, latest_only: bool = False,
                   page: int = 1, per_page: int = 50, cursor: str | None = None,
                   settings: Settings | None = None) -> DocumentPage:
    """Documents newest first, with the number of items read from each, and the total.

    page: pages 1 to `paging.MAX_OFFSET_PAGE` by number; cursor: a page's `next_cursor` or `prev_cursor`
    (then `page` is ignored; InvalidCursor: not one luoshi issued for this list)."""
    secret = session_secret(settings or get_settings())
    at = paging.start(ORDER, cursor=cursor, page=page, per_page=per_page, per_page_max=PER_PAGE_MAX, secret=secret)
    where = []
    if doc_type:
        where.append(Document.doc_type == doc_type)
    if latest_only:  # no later version names it (a look-up in the index of `previous_id` per row listed)
        later = aliased(Document)
        where.append(~select(later.id).where(later.previous_id == Document.id).exists())
    return paging.listed(
        session, _LISTED.where(*where), ORDER, at, page=page, per_page=per_page, secret=secret,
        count=lambda: session.scalar(select(func.count(Document.id)).where(*where)),
        views=lambda rows: [DocumentSummary(d.id, d.name, d.version, d.doc_type, d.title, d.issued, d.ingested_at,
                                            d.items) for d in rows])


def every_document(session: Session, **filters: Any) -> list[DocumentSummary]:
    """Every document under `filters` (those of `list_documents`), newest first, read page by page by cursor."""
    return paging.walk(lambda cursor: list_documents(session, per_page=PER_PAGE_MAX, cursor=cursor, **filters))


def document_titles(session: Session, document_ids: Iterable[int]) -> dict[int, str]:
    """`{id: title (the file name when it has none)}` of the documents named that still exist."""
    ids = sorted(set(document_ids))
    rows = session.execute(select(Document.id, Document.title, Document.name).where(Document.id.in_(ids))) if ids \
        else []
    return {i: title or name for i, title, name in rows}


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
