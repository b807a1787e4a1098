"""The warning colours of `luoshi.ledger.warnings` as SQL conditions, so the ledger can filter 100 000 items
by colour in the database and agree with `warning(item, today, policy)` on every item.

A test compares the two on generated items; change them together.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, literal, not_, or_

from luoshi.ledger.states import State
from luoshi.ledger.warnings import Colour, WarningPolicy
from luoshi.store.models import ItemRow
from luoshi.store.types import day_number, utc_date

CLOCKED = (State.ASSIGNED.value, State.IN_PROGRESS.value, State.COMPLETION_REQUESTED.value)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def _clock_runs() -> ColumnElement[bool]:
    return and_(ItemRow.state.in_(CLOCKED), ItemRow.assigned_at.isnot(None))


def _waiting() -> ColumnElement[bool]:
    """Completion asked for: the clock stopped on the day of the application."""
    return and_(ItemRow.state == State.COMPLETION_REQUESTED.value, ItemRow.completion_requested_at.isnot(None))


def _red(today: date) -> ColumnElement[bool]:
    overdue_today = and_(ItemRow.due.isnot(None), ItemRow.due < today)
    stopped_in_time = and_(_waiting(), ItemRow.due >= utc_date(ItemRow.completion_requested_at))
    return and_(_clock_runs(), overdue_today, not_(stopped_in_time))


def _behind(today: date, points: int | None) -> ColumnElement[bool]:
    """100 * gone // span - progress >= points, written without division: for whole numbers and span > 0,
    floor(100 * gone / span) >= k  ⇔  100 * gone >= k * span."""
    if points is None:
        return literal(False)
    start = day_number(utc_date(ItemRow.assigned_at))
    span = day_number(ItemRow.due) - start
    gone = day_number(literal(today)) - start
    return and_(ItemRow.due.isnot(None), span > 0, gone * 100 >= (ItemRow.progress + points) * span)


def _yellow_reason(today: date, policy: WarningPolicy) -> ColumnElement[bool]:
    due_soon = and_(ItemRow.due.isnot(None), ItemRow.due <= today + timedelta(days=policy.near_days))
    # (today - last.date()).days >= stale_days  ⇔  last < midnight UTC of (today - stale_days + 1)
    stale_cut = _midnight(today - timedelta(days=policy.stale_days - 1))
    stale = func.coalesce(ItemRow.last_progress_at, ItemRow.assigned_at) < stale_cut
    return and_(not_(_waiting()), or_(due_soon, stale, _behind(today, policy.behind_points)))


def colour_clause(colour: Colour | str | None, today: date, policy: WarningPolicy) -> ColumnElement[bool]:
    """The condition for items of `colour` on `today`; None (or "none") for items without a colour."""
    if colour in (None, "none", ""):
        return not_(_clock_runs())
    colour = Colour(colour)
    red = _red(today)
    if colour is Colour.RED:
        return red
    yellow = and_(_clock_runs(), not_(red), _yellow_reason(today, policy))
    if colour is Colour.YELLOW:
        return yellow
    return and_(_clock_runs(), not_(red), not_(_yellow_reason(today, policy)))
