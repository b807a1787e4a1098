"""The escalation of an item a unit leaves undone — 提醒 (the automatic reminders) → 催办 (the office's chase)
→ 督办通知 (a formal notice, a Word letter) → 约谈 (the unit's head summoned, the talk recorded) — and how
many of each every unit has had. The 督办通知 and 约谈 are item events (`luoshi.ledger.workflow`); this
table keeps one row per unit of each, written with the event, so that counting them is one GROUP BY.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from luoshi.store.models import Base, Organisation, ReminderRow

AUTOMATIC = ("due_soon", "overdue", "stale")  # the outbox kinds that count as 提醒


class EscalationRow(Base):
    """One 督办通知 or 约谈 (`step`: notify | interview) of one unit on one item."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_unit_id_step", "unit_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the item version of the event
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    step: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(100))  # a notice's 文号
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


def record(session: Session, *, item_id: int, data: dict[str, Any], by: str, at: datetime) -> None:
    """The rows of a NOTIFY or INTERVIEW event (in its transaction)."""
    session.add_all(EscalationRow(item_id=item_id, version=data["version"], unit_id=int(u), step=data["type"],
                                  number=data.get("number"), text=data["text"], by=by, at=at)
                    for u in data["units"])


@dataclass(frozen=True)
class UnitEscalation:
    unit_id: int
    unit_name: str
    reminders: int  # 提醒 sent
    chases: int  # 催办
    notices: int  # 督办通知
    interviews: int  # 约谈

    def to_dict(self) -> dict[str, Any]:
        return {"unit": {"id": self.unit_id, "name": self.unit_name}, "reminders": self.reminders,
                "chases": self.chases, "notices": self.notices, "interviews": self.interviews}


def counts(session: Session, *, unit_id: int | None = None) -> list[UnitEscalation]:
    """Each unit's count of every step (units with none left out), most escalated first."""
    from luoshi.store.outbox import OutboxRow

    tallies: dict[int, dict[str, int]] = {}

    def add(rows: Any, field: str) -> None:
        for unit, n in rows:
            tallies.setdefault(unit, {"reminders": 0, "chases": 0, "notices": 0, "interviews": 0})[field] += n

    def by_unit(column: Any, *where: Any) -> Any:
        stmt = select(column, func.count()).where(*where).group_by(column)
        return session.execute(stmt.where(column == unit_id) if unit_id is not None else stmt).all()

    # A notice sent on two channels is one reminder: the rows of one notice share item, kind and time.
    sent = (select(OutboxRow.unit_id, OutboxRow.item_id, OutboxRow.kind, OutboxRow.created_at).distinct()
            .where(OutboxRow.kind.in_(AUTOMATIC), OutboxRow.state == "sent",
                   *(() if unit_id is None else (OutboxRow.unit_id == unit_id,))).subquery())
    add(session.execute(select(sent.c.unit_id, func.count()).group_by(sent.c.unit_id)).all(), "reminders")
    add(by_unit(ReminderRow.unit_id), "chases")
    add(by_unit(EscalationRow.unit_id, EscalationRow.step == "notify"), "notices")
    add(by_unit(EscalationRow.unit_id, EscalationRow.step == "interview"), "interviews")
    names = {o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(list(tallies))))}
    out = [UnitEscalation(u, names.get(u, str(u)), **t) for u, t in tallies.items()]
    return sorted(out, key=lambda e: (-e.interviews, -e.notices, -e.chases, -e.reminders, e.unit_name))


def notice_file(session: Session, *, item_id: int | str, version: int, actor: Any,
                settings: Any) -> tuple[str, bytes]:
    """The 督办通知 an item's NOTIFY event (at `version`) issued, as (file name, DOCX bytes); NotFound — the
    item's 404 — when the item is not the actor's to see or that version is no notice."""
    import json

    from luoshi.errors import NotFound
    from luoshi.exports.notice import NoticeContent, notice_docx
    from luoshi.exports.rows import Letterhead
    from luoshi.store.items import load_item, visible_id
    from luoshi.store.models import AuditEntryRow

    key = visible_id(session, item_id, actor)
    raw = session.scalar(select(AuditEntryRow.event).where(AuditEntryRow.item_id == key, AuditEntryRow.seq == version,
                                                           AuditEntryRow.type == "notify"))
    if raw is None:
        raise NotFound.of("item")
    data = json.loads(raw)
    item = load_item(session, item_id=key, actor=actor)
    issued = datetime.fromisoformat(data["at"]).astimezone(settings.zone).date()
    names = {o.id: o.name for o in session.scalars(select(Organisation).where(
        Organisation.id.in_([int(u) for u in data["units"]])))}
    assigned = item.assigned_at.astimezone(settings.zone).date() if item.assigned_at else None
    content = NoticeContent(item.title, item.text, [names.get(int(u), u) for u in data["units"]], item.due, issued,
                            data["text"], assigned)
    letterhead = Letterhead(issuer=settings.bulletin_issuer, number=data.get("number") or "", issued=issued)
    return f"督办通知-{key}-{version}.docx", notice_docx(content, letterhead)
