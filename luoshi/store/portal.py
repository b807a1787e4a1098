"""The public portal's store: which documents the office published (off by default, one document at a
time) and what the public may read of them — decisions, commitments and targets with their status, and
the confirmed promise-versus-delivery links — never internal notes, progress texts or staff names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from luoshi.errors import NotFound
from luoshi.ledger import Actor, PermissionDenied, Role, State
from luoshi.ledger.actors import OFFICE
from luoshi.settings import Settings, get_settings
from luoshi.store.audit import append_admin
from luoshi.store.items import utcnow
from luoshi.store.models import Assignment, Base, Document, ItemRow, Organisation
from luoshi.store.tracking import DeliveryLinkRow, SuggestionRow, TargetRow

# Whom the portal reads the ledger as: a leader sees every target's status, and acts on nothing.
PUBLIC = Actor("public", Role.LEADER, name="公众")
HIDDEN_STATES = (State.DRAFT.value, State.CANCELLED.value)  # unreviewed proposals and withdrawn items


class Publication(Base):
    """A document the office published on the portal; no row: not published."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(100))


# -- publishing ----------------------------------------------------------------------------------------

def _require_office(actor: Actor) -> None:
    if actor.role not in OFFICE:
        raise PermissionDenied(f"{actor.role.label}不能公开文件：只有督查室可以")


def _document(session: Session, document_id: int | str) -> Document:
    try:
        doc = session.get(Document, int(document_id))
    except (TypeError, ValueError):
        doc = None
    if doc is None:
        raise NotFound.of("document")
    return doc


def is_published(session: Session, document_id: int) -> bool:
    return session.scalar(select(Publication.id).where(Publication.document_id == document_id)) is not None


def set_published(session: Session, *, document_id: int | str, actor: Actor, published: bool,
                  settings: Settings | None = None, now: datetime | None = None) -> bool:
    """Publish or withdraw a document (office only), logged in the administrative audit chain, and commit.
    Idempotent; returns whether the document is published now."""
    _require_office(actor)
    doc = _document(session, document_id)
    now = now or utcnow()
    if published == is_published(session, doc.id):
        return published
    if published:
        session.add(Publication(document_id=doc.id, published_at=now, published_by=actor.id))
    else:
        session.execute(delete(Publication).where(Publication.document_id == doc.id))
    append_admin(session, type="document_published" if published else "document_unpublished", actor=actor,
                 subject=f"document:{doc.id}", at=now, settings=settings, data={"published": published})
    session.commit()
    return published


def published_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Publication.document_id)))


# -- what the public reads ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicDocument:
    id: int
    title: str
    doc_type: str
    issued: date | None
    published_at: datetime


@dataclass(frozen=True)
class PublicItem:
    """A decision or task as the public sees it: what, who leads, by when, and where it stands."""

    title: str
    kind: str
    units: list[str]
    due: date | None
    state: State
    progress: int


@dataclass(frozen=True)
class PublicTarget:
    indicator: str
    text: str
    kind: str
    year: int
    status: str
    status_label: str
    rule: str


@dataclass(frozen=True)
class PublicSuggestion:
    title: str
    category: str | None
    unit: str | None
    state_label: str


@dataclass(frozen=True)
class PublicLink:
    """A promise and the result a later report states for it, both quoted, with the verdict."""

    year: int
    promise: str
    promise_document: PublicDocument
    result: str
    result_document: PublicDocument
    verdict: str
    verdict_label: str


@dataclass(frozen=True)
class PublicView:
    document: PublicDocument
    items: list[PublicItem] = field(default_factory=list)
    targets: list[PublicTarget] = field(default_factory=list)
    suggestions: list[PublicSuggestion] = field(default_factory=list)
    delivery: list[PublicLink] = field(default_factory=list)


def list_published(session: Session) -> list[PublicDocument]:
    """The published documents, newest first."""
    rows = session.execute(select(Document, Publication.published_at)
                           .join(Publication, Publication.document_id == Document.id)
                           .order_by(Document.issued.desc().nulls_last(), Document.id.desc())).all()
    return [PublicDocument(d.id, d.title or d.name, d.doc_type, d.issued, at) for d, at in rows]


def _published(session: Session, document_id: int | str) -> PublicDocument:
    """The published document, or NotFound — the same answer as for no document at all."""
    try:
        key = int(document_id)
    except (TypeError, ValueError):
        raise NotFound.of("published") from None
    for doc in list_published(session):
        if doc.id == key:
            return doc
    raise NotFound.of("published")


def _items(session: Session, document_id: int) -> list[PublicItem]:
    rows = session.scalars(select(ItemRow).where(ItemRow.document_id == document_id,
                                                 ItemRow.state.not_in(HIDDEN_STATES))
                           .order_by(ItemRow.span_start, ItemRow.id)).all()
    leads = session.execute(select(Assignment.item_id, Organisation.name)
                            .join(Organisation, Organisation.id == Assignment.organisation_id)
                            .where(Assignment.item_id.in_([r.id for r in rows]), Assignment.role == "lead")
                            .order_by(Assignment.position)).all()
    return [PublicItem(r.title, r.kind, [n for i, n in leads if i == r.id], r.due, State(r.state), r.progress)
            for r in rows]


def _targets(session: Session, document_id: int, settings: Settings, now: datetime | None) -> list[PublicTarget]:
    from luoshi.store.targets import every_target

    views = every_target(session, actor=PUBLIC, document=document_id, settings=settings, now=now)
    return [PublicTarget(v.target.indicator, v.target.text, v.target.kind.value, v.target.year,
                         v.status.status.value, v.status.status.label, v.status.rule) for v in views]


def _suggestions(session: Session, document_id: int) -> list[PublicSuggestion]:
    from luoshi.ledger.suggestions import SuggestionState

    rows = session.execute(select(SuggestionRow, Organisation.name)
                           .outerjoin(Organisation, Organisation.id == SuggestionRow.lead_unit_id)
                           .where(SuggestionRow.document_id == document_id)
                           .order_by(SuggestionRow.no, SuggestionRow.id)).all()
    return [PublicSuggestion(s.title, s.category, unit, SuggestionState(s.state).label) for s, unit in rows]


def public_delivery(session: Session, *, document_id: int | str) -> list[PublicLink]:
    """The confirmed links of a published report — its promises met by a later report's results, or its
    results answering an earlier report's promises — where both reports are published."""
    from luoshi.ledger.delivery import Verdict

    doc = _published(session, document_id)
    shown = {d.id: d for d in list_published(session)}
    rows = session.execute(select(DeliveryLinkRow, TargetRow).join(TargetRow, TargetRow.id == DeliveryLinkRow.target_id)
                           .where(DeliveryLinkRow.state == "confirmed",
                                  (TargetRow.document_id == doc.id) | (DeliveryLinkRow.result_document_id == doc.id))
                           .order_by(TargetRow.document_id, TargetRow.id)).all()
    return [PublicLink(link.year, target.text, shown[target.document_id], link.result_text,
                       shown[link.result_document_id], link.verdict, Verdict(link.verdict).label)
            for link, target in rows if target.document_id in shown and link.result_document_id in shown]


def public_document(session: Session, *, document_id: int | str, settings: Settings | None = None,
                    now: datetime | None = None) -> PublicView:
    """A published document's decisions and tasks (handed out or further), targets and commitments, and
    suggestions, each with its status today; NotFound when the document is not published."""
    settings = settings or get_settings()
    doc = _published(session, document_id)
    return PublicView(doc, _items(session, doc.id), _targets(session, doc.id, settings, now),
                      _suggestions(session, doc.id), public_delivery(session, document_id=doc.id))
