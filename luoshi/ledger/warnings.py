"""Warning colours (预警): green on schedule, yellow when due soon, stale or behind, red when overdue.

A pure function of the item, the day and a `WarningPolicy`, so a dashboard, an export and a reminder
job all colour an item the same way. Items not yet handed out, done or cancelled have no colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from luoshi import glossary
from luoshi.ledger.errors import InvalidValue
from luoshi.ledger.items import Item
from luoshi.ledger.states import State


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        return glossary.zh(f"colour.{self.value}")


class Reason(StrEnum):
    OVERDUE = "overdue"  # red
    DUE_SOON = "due_soon"  # yellow
    STALE = "stale"  # yellow
    BEHIND = "behind"  # yellow

    @property
    def label(self) -> str:
        return glossary.zh(f"reason.{self.value}")


@dataclass(frozen=True)
class WarningPolicy:
    """Thresholds, in days and percentage points; `behind_points` None turns the behind-schedule test off.

    - near_days: yellow when the due date is this many days away or fewer (due today counts as 0).
    - stale_days: yellow when this many days or more have passed since the last progress report (or
      since assignment, when none was made).
    - behind_points: yellow when the share of the time gone exceeds the percent done by this many points
      (80 % of the time gone, 25 % done: 55 points behind).
    """

    near_days: int = 7
    stale_days: int = 30
    behind_points: int | None = 50

    def __post_init__(self) -> None:
        for name in ("near_days", "stale_days", "behind_points"):
            value = getattr(self, name)
            if value is None and name == "behind_points":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidValue(f"warning threshold {name} must be a whole number ≥ 0, not {value!r}", name)


@dataclass(frozen=True)
class ItemWarning:
    """An item's colour (None: no clock runs), why, and the day counts behind it."""

    colour: Colour | None
    reasons: tuple[Reason, ...] = ()
    days_left: int | None = None
    overdue_days: int = 0
    days_since_progress: int | None = None


NO_WARNING = ItemWarning(None)


def clock_runs(item: Item) -> bool:
    """Whether the item has a colour at all: handed out (assigned) and neither done nor cancelled."""
    return item.assigned_at is not None and not item.state.closed and item.state not in (State.DRAFT,
                                                                                          State.CONFIRMED)


def warning(item: Item, today: date, policy: WarningPolicy = WarningPolicy()) -> ItemWarning:
    """The warning of `item` on `today`.

    While completion is asked for, the clock stops at the day of the application: the unit is not
    blamed for the office's time to decide, and is not asked for progress meanwhile.
    """
    assigned = item.assigned_at
    if assigned is None or not clock_runs(item):
        return NO_WARNING
    asked = item.completion_requested_at if item.state is State.COMPLETION_REQUESTED else None
    waiting = asked is not None
    ref = min(today, asked.date()) if asked is not None else today
    days_left = (item.due - ref).days if item.due else None
    overdue = max(0, -days_left) if days_left is not None else 0
    reasons = []
    if overdue:
        reasons.append(Reason.OVERDUE)
    elif not waiting and days_left is not None and days_left <= policy.near_days:
        reasons.append(Reason.DUE_SOON)
    since = None
    if not waiting:
        since = (today - (item.last_progress_at or assigned).date()).days
        if since >= policy.stale_days:
            reasons.append(Reason.STALE)
        if not overdue and _behind(item, assigned.date(), today, policy):
            reasons.append(Reason.BEHIND)
    colour = Colour.RED if overdue else Colour.YELLOW if reasons else Colour.GREEN
    return ItemWarning(colour, tuple(reasons), days_left, overdue, since)


def _behind(item: Item, start: date, today: date, policy: WarningPolicy) -> bool:
    """Whether the share of the time from `start` (assignment) to the due date outruns the percent done."""
    if policy.behind_points is None or item.due is None:
        return False
    span = (item.due - start).days
    if span <= 0:
        return False
    time_gone = 100 * (today - start).days // span
    return time_gone - item.progress >= policy.behind_points


@dataclass(frozen=True)
class WarningDates:
    """The days on which an item, left as it is, turns yellow and red (None: never). The colour only
    ever darkens with time while the item is unchanged, so these two days hold the whole of `warning`'s
    colour: a database stores them and filters 100 000 items by colour with an index (`colour_on`)."""

    yellow: date | None = None
    red: date | None = None


def warning_dates(item: Item, policy: WarningPolicy = WarningPolicy()) -> WarningDates:
    """The first day of yellow and of red for `item` under `policy`: for every day,
    `colour_on(item, warning_dates(item, policy), day) == warning(item, day, policy).colour`."""
    assigned = item.assigned_at
    if assigned is None or not clock_runs(item):
        return WarningDates()
    asked = item.completion_requested_at if item.state is State.COMPLETION_REQUESTED else None
    # Red once the due date is behind the clock: the day after it; a clock stopped (completion asked
    # for) on or before the due date never turns red.
    red = _shift(item.due, 1) if item.due is not None and (asked is None or item.due < asked.date()) else None
    if asked is not None:
        return WarningDates(None, red)
    starts = [_shift((item.last_progress_at or assigned).date(), policy.stale_days)]
    if item.due is not None:
        starts.append(_shift(item.due, -policy.near_days))
        span = (item.due - assigned.date()).days
        if policy.behind_points is not None and span > 0:
            # 100 * gone // span - progress >= points  ⇔  gone >= ceil((progress + points) * span / 100)
            starts.append(_shift(assigned.date(), -(-(item.progress + policy.behind_points) * span // 100)))
    found = [d for d in starts if d is not None]
    return WarningDates(min(found) if found else None, red)


def colour_on(item: Item, dates: WarningDates, today: date) -> Colour | None:
    """The colour on `today` of an item whose `warning_dates` are `dates` (None: no clock runs)."""
    if not clock_runs(item):
        return None
    if dates.red is not None and today >= dates.red:
        return Colour.RED
    if dates.yellow is not None and today >= dates.yellow:
        return Colour.YELLOW
    return Colour.GREEN


def _shift(day: date, days: int) -> date | None:
    """`day` moved by `days`; None past the calendar's ends (a day that never comes)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else None
