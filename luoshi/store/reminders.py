"""Reminders (催办) stored per unit, and what became of sending them.

A REMIND queues a notice to each channel of each unit chased (`luoshi.store.outbox`), in the same
transaction; the worker (`luoshi.notify`) sends it and records the outcome on the reminder: `none` (the unit
has no channel), `pending`, `sent`, or `failed` with the reason (retried with backoff). A failure is never
raised to the user: the chase itself is already in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger import Actor
from luoshi.store.models import ReminderRow


@dataclass(frozen=True)
class ReminderView:
    id: int
    item_id: int
    unit_id: int
    text: str | None
    by: str
    at: datetime
    delivery: str  # none (no webhook) | pending | sent | failed
    delivery_error: str | None


def _view(r: ReminderRow) -> ReminderView:
    return ReminderView(r.id, r.item_id, r.unit_id, r.text, r.by, r.at, r.delivery, r.delivery_error)


def reminders_for(session: Session, *, actor: Actor, item_id: int | None = None,
                  limit: int = 100) -> list[ReminderView]:
    """Reminders newest first: an item's (the caller has checked the actor may see it), or a unit user's
    own unit's, or all for the office and leaders."""
    stmt = select(ReminderRow).order_by(ReminderRow.at.desc(), ReminderRow.id.desc()).limit(limit)
    if item_id is not None:
        stmt = stmt.where(ReminderRow.item_id == item_id)
    if actor.unit:
        stmt = stmt.where(ReminderRow.unit_id == int(actor.unit))
    return [_view(r) for r in session.scalars(stmt)]
