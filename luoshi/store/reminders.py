"""Reminders (催办) stored per unit, and their delivery to the unit's webhook as a JSON POST.

A delivery that fails (no answer, an error status, a refused body) is recorded on the reminder with the
reason and never raised: the chase itself is already in the ledger. `deliver_reminders` is called right
after a REMIND by `act`, and can be run again by a worker for reminders still `pending` or `failed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger import Actor, Reminder, webhook_payload
from luoshi.settings import Settings, get_settings
from luoshi.store.models import ItemRow, Organisation, ReminderRow


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


def deliver_reminders(session: Session, *, reminder_ids: Sequence[int] | None = None,
                      settings: Settings | None = None, transport: httpx.BaseTransport | None = None,
                      now: datetime | None = None) -> list[ReminderView]:
    """POST each reminder (the given ones, else all pending or failed) to its unit's webhook; commit
    the outcome of each. A unit without a webhook gets `none`."""
    from luoshi.store.items import to_item, today_in
    from luoshi.store.orgs import as_unit

    settings = settings or get_settings()
    stmt = select(ReminderRow)
    stmt = (stmt.where(ReminderRow.id.in_(reminder_ids)) if reminder_ids is not None
            else stmt.where(ReminderRow.delivery.in_(("pending", "failed"))))
    rows = list(session.scalars(stmt.order_by(ReminderRow.id)))
    with httpx.Client(transport=transport, timeout=settings.webhook_timeout) as client:
        for r in rows:
            org = session.get(Organisation, r.unit_id)
            item_row = session.get(ItemRow, r.item_id)
            if org is None or item_row is None or not org.webhook_url:
                r.delivery, r.delivery_error = "none", None
                continue
            reminder = Reminder(str(r.item_id), (str(r.unit_id),), r.text, r.by, r.at, r.version)
            link = f"{settings.base_url.rstrip('/')}/items/{r.item_id}"
            body = webhook_payload(reminder, to_item(item_row, settings.zone), as_unit(org), link, today_in(settings, now))
            r.delivery_error = _post(client, org.webhook_url, body)
            r.delivery = "failed" if r.delivery_error else "sent"
            r.delivered_at = None if r.delivery_error else (now or datetime.now(UTC))
    session.commit()
    return [_view(r) for r in rows]


def _post(client: httpx.Client, url: str, body: dict) -> str | None:
    """None when the receiver took it, else why not (in words)."""
    try:
        response = client.post(url, json=body)
    except httpx.HTTPError as exc:
        return f"{url}: {type(exc).__name__}: {exc}"
    if response.status_code >= 300:
        return f"{url}: HTTP {response.status_code} {response.text[:200]}"
    # DingTalk and WeCom answer 200 with {"errcode": n, "errmsg": …} when they refuse a message.
    try:
        data = response.json()
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("errcode") not in (None, 0):
        return f"{url}: errcode {data.get('errcode')}: {data.get('errmsg')}"
    return None


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
