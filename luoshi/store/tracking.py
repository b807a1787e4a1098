"""The tables of tracking: targets and commitments of work reports with their actual values, deputies'
suggestions with their reply rounds, and promise-versus-delivery links; and `track_document`, the one call
that turns a stored document's record into them (ingest calls it after storing a document).

Figures are stored as exact decimal text (`"4.8"`, `"17000"`), never floats, so a value reads back as it
was written on SQLite and PostgreSQL alike. Every table has its own optimistic lock where users act on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from luoshi.store.models import Base, Document

FIGURE = String(40)  # a Decimal as text, as `luoshi.ledger.targets.fmt` writes it


class TargetRow(Base):
    """A target (主要预期目标) or quantified commitment (量化任务) of a work report's plan year."""

    __tablename__ = "targets"
    # The list's order (their reports', targets before commitments) in one index on PostgreSQL; SQLite sorts
    # the few rows of a year itself.
    __table_args__ = (UniqueConstraint("document_id", "source_path"), Index("ix_targets_year_kind", "year", "kind"),
                      Index("ix_targets_report_order", "year", "document_id", text("kind DESC"), "id").ddl_if(
                          dialect="postgresql"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # target | commitment
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(500))
    measure: Mapped[str | None] = mapped_column(String(50))
    value: Mapped[str | None] = mapped_column(FIGURE)
    value_max: Mapped[str | None] = mapped_column(FIGURE)
    unit: Mapped[str | None] = mapped_column(String(50))
    bound: Mapped[str | None] = mapped_column(String(16))  # a `luoshi.ledger.targets.Bound` value
    text: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    source_path: Mapped[str] = mapped_column(String(100))  # `targets[2]`, `commitments[0]`
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # kind + year + text, across versions
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    units: Mapped[list[TargetUnit]] = relationship(order_by="TargetUnit.position", cascade="all, delete-orphan",
                                                   lazy="selectin")


class TargetUnit(Base):
    """A unit responsible for a target: `lead` (牵头) or `co_operating` (配合)."""

    __tablename__ = "target_units"
    __table_args__ = (UniqueConstraint("target_id", "organisation_id"),
                      Index("ix_target_units_organisation_id_target_id", "organisation_id", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ActualRow(Base):
    """An actual value of a target for a month or quarter; a later entry for the same period corrects the
    earlier one, and all are kept."""

    __tablename__ = "target_actuals"
    __table_args__ = (Index("ix_target_actuals_target_id_period", "target_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))  # `2024-03` or `2024-Q3`
    value: Mapped[str] = mapped_column(FIGURE)  # in the target's unit
    note: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))  # form | import


class SuggestionRow(Base):
    """A deputy's suggestion (代表建议) and its handling; the columns of `luoshi.ledger.suggestions.Suggestion`."""

    __tablename__ = "suggestions"
    # The list's order: by reply deadline (none last: PostgreSQL's own order of this index), then id.
    __table_args__ = (UniqueConstraint("document_id", "source_path"), Index("ix_suggestions_state_due", "state", "due"),
                      Index("ix_suggestions_due_id", "due", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(200), index=True)
    deputies: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    source_path: Mapped[str | None] = mapped_column(String(100))
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    # suggestion (代表建议: reply and evaluation) | review (审议意见: a handling report closes it)
    procedure: Mapped[str] = mapped_column(String(16), default="suggestion", server_default="suggestion", index=True)
    state: Mapped[str] = mapped_column(String(16))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    due: Mapped[date | None] = mapped_column(Date)  # the current round's reply deadline, for queries
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    co_units: Mapped[list[SuggestionCoUnit]] = relationship(
        order_by="SuggestionCoUnit.position", cascade="all, delete-orphan", lazy="selectin")
    rounds: Mapped[list[SuggestionRound]] = relationship(
        order_by="SuggestionRound.no", cascade="all, delete-orphan", lazy="selectin")


class SuggestionCoUnit(Base):
    """A co-operating unit (协办) of a suggestion, in the order given."""

    __tablename__ = "suggestion_co_units"
    __table_args__ = (UniqueConstraint("suggestion_id", "organisation_id"),
                      Index("ix_suggestion_co_units_organisation_id", "organisation_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SuggestionRound(Base):
    """One reply round: assigned when, due when, the co-operating units' opinions, the reply and the
    deputy's satisfaction (满意/基本满意/不满意)."""

    __tablename__ = "suggestion_rounds"
    __table_args__ = (UniqueConstraint("suggestion_id", "no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"))
    no: Mapped[int] = mapped_column(Integer)
    assigned_at: Mapped[datetime]
    due: Mapped[date] = mapped_column(Date)
    opinions: Mapped[list[Any]] = mapped_column(default=list)  # [{unit, text, at}]
    reply: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))
    replied_at: Mapped[datetime | None]
    replied_by: Mapped[str | None] = mapped_column(String(100))
    satisfaction: Mapped[str | None] = mapped_column(String(32), index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    evaluated_at: Mapped[datetime | None]


class DeliveryLinkRow(Base):
    """A promise of year Y (a target) linked to the result a later report states for Y: proposed by
    `luoshi.ledger.delivery.match`, then confirmed or rejected by the office."""

    __tablename__ = "delivery_links"
    __table_args__ = (UniqueConstraint("target_id", "result_document_id"),
                      Index("ix_delivery_links_year_state", "year", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    result_document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    result_path: Mapped[str | None] = mapped_column(String(100))  # `achievements[4]`
    result_text: Mapped[str] = mapped_column(Text)
    result_span_start: Mapped[int | None]
    result_span_end: Mapped[int | None]
    result_value: Mapped[str | None] = mapped_column(FIGURE)
    result_unit: Mapped[str | None] = mapped_column(String(50))
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    verdict: Mapped[str] = mapped_column(String(16))  # achieved | missed | unclear
    rule: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # proposed | confirmed | rejected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]


# -- tracking a stored document ----------------------------------------------------------------------

@dataclass
class Tracked:
    """What tracking a document did: rows `inserted`, `kept` (already there, from this or an earlier
    version of the document) and delivery links `proposed`."""

    inserted: int = 0
    kept: int = 0
    proposed: int = 0
    ids: list[int] = field(default_factory=list)


def track_document(session: Session, *, document: Document | int, actor: Any = None, now: datetime | None = None,
                   settings: Any = None, commit: bool = False) -> Tracked:
    """Track what a stored document records: a work report's targets and commitments (and delivery
    proposals for the year it reviews), a congress review's suggestions; other genres: nothing."""
    from luoshi.store.suggestions import track_review
    from luoshi.store.targets import track_report

    doc = document if isinstance(document, Document) else session.get(Document, int(document))
    kw = dict(document=doc, now=now, settings=settings, commit=commit) | ({"actor": actor} if actor else {})
    if doc is not None and doc.doc_type == "work_report":
        return track_report(session, **kw)
    if doc is not None and doc.doc_type == "congress_review":
        return track_review(session, **kw)
    return Tracked()


def track_stored(session: Session, *, actor: Any = None, now: datetime | None = None, settings: Any = None) -> Tracked:
    """Track every stored work report and congress review, oldest first, and commit: for a database whose
    documents were ingested before tracking existed (idempotent, so running it again changes nothing)."""
    from sqlalchemy import select

    total = Tracked()
    ids = session.scalars(select(Document.id).where(Document.doc_type.in_(("work_report", "congress_review")))
                          .order_by(Document.id)).all()
    for doc_id in ids:
        done = track_document(session, document=doc_id, actor=actor, now=now, settings=settings, commit=True)
        total.inserted, total.kept, total.proposed = (total.inserted + done.inserted, total.kept + done.kept,
                                                      total.proposed + done.proposed)
    return total
