"""The warning colours of `luoshi.ledger.warnings` as SQL conditions, so the ledger can filter 100 000 items
by colour in the database and agree with `warning(item, today, policy)` on every item.

Dates are the office's (`zone`): the ledger's `warning` is given items whose times are in that zone
(`luoshi.store.items.to_item(row, zone)`), so "the day of the last report" is the local day on both
sides. A test compares the two on generated items; change them together.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, literal, not_, or_

from luoshi.ledger.states import State
from luoshi.ledger.warnings import Colour, WarningPolicy
from luoshi.store.models import ItemRow
from luoshi.store.types import day_number, local_date

CLOCKED = (State.ASSIGNED.value, State.IN_PROGRESS.value, State.COMPLETION_REQUESTED.value)


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone))


def _clock_runs() -> ColumnElement[bool]:
    return and_(ItemRow.state.in_(CLOCKED), ItemRow.assigned_at.isnot(None))


def _waiting() -> ColumnElement[bool]:
    """Completion asked for: the clock stopped on the day of the application."""
    return and_(ItemRow.state == State.COMPLETION_REQUESTED.value, ItemRow.completion_requested_at.isnot(None))


def _red(today: date, zone: str) -> ColumnElement[bool]:
    overdue_today = and_(ItemRow.due.isnot(None), ItemRow.due < today)
    stopped_in_time = and_(_waiting(), ItemRow.due >= local_date(ItemRow.completion_requested_at, zone))
    return and_(_clock_runs(), overdue_today, not_(stopped_in_time))


def _behind(today: date, points: int | None, zone: str) -> ColumnElement[bool]:
    """100 * gone // span - progress >= points, written without division: for whole numbers and span > 0,
    floor(100 * gone / span) >= k  ⇔  100 * gone >= k * span."""
    if points is None:
        return literal(False)
    start = day_number(local_date(ItemRow.assigned_at, zone))
    span = day_number(ItemRow.due) - start
    gone = day_number(literal(today)) - start
    return and_(ItemRow.due.isnot(None), span > 0, gone * 100 >= (ItemRow.progress + points) * span)


def _yellow_reason(today: date, policy: WarningPolicy, zone: str) -> ColumnElement[bool]:
    due_soon = and_(ItemRow.due.isnot(None), ItemRow.due <= today + timedelta(days=policy.near_days))
    # (today - last.date()).days >= stale_days  ⇔  last < local midnight of (today - stale_days + 1)
    stale_cut = _midnight(today - timedelta(days=policy.stale_days - 1), zone)
    stale = func.coalesce(ItemRow.last_progress_at, ItemRow.assigned_at) < stale_cut
    return and_(not_(_waiting()), or_(due_soon, stale, _behind(today, policy.behind_points, zone)))


def colour_clause(colour: Colour | str | None, today: date, policy: WarningPolicy,
                  zone: str = "UTC") -> ColumnElement[bool]:
    """The condition for items of `colour` on `today` in `zone`; None (or "none") for items without one."""
    if colour in (None, "none", ""):
        return not_(_clock_runs())
    colour = Colour(colour)
    red = _red(today, zone)
    if colour is Colour.RED:
        return red
    yellow = and_(_clock_runs(), not_(red), _yellow_reason(today, policy, zone))
    if colour is Colour.YELLOW:
        return yellow
    return and_(_clock_runs(), not_(red), not_(_yellow_reason(today, policy, zone)))
