"""The warning colours of `luoshi.ledger.warnings` in the database, so the ledger can filter and count
100 000 items by colour with an index and agree with `warning(item, today, policy)` on every item.

An item left as it is only darkens with time (green → yellow → red), so two days hold its colour on any
day: `yellow_on` and `red_on` (`luoshi.ledger.warning_dates`; `NEVER` for never, NULL without a clock). They are written with every change of
the item (`warning_columns`), under the rule of the thresholds and the office's time zone; the rule's
name is kept on the row (`warning_rule`), and rows written under another rule (the thresholds changed,
or rows were written without the service) are recomputed before the first query of a process
(`ensure_current`). A test compares the SQL colours with the ledger's on generated items.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, not_, or_, select, update
from sqlalchemy.orm import Session

from luoshi.ledger import Item, Kind, State
from luoshi.ledger.warnings import Colour, WarningPolicy, clock_runs, warning_dates
from luoshi.store import statistics
from luoshi.store.db import engine_of
from luoshi.store.models import Assignment, ItemRow
from luoshi.store.types import one_of

CLOCKED = (State.ASSIGNED.value, State.IN_PROGRESS.value, State.COMPLETION_REQUESTED.value)
# Of those, the states with no completion asked for: red from the day after the due date (`warning_dates`).
UNASKED = frozenset({State.ASSIGNED.value, State.IN_PROGRESS.value})
# The day that never comes: an item whose clock runs stores it for "never yellow" or "never red", so
# that every colour is one range of an index and NULL is left to the items without a colour.
NEVER = date.max
BATCH = 5000
FORMAT = "days1"  # change it when the computation changes: every row is then computed again


def rule_of(policy: WarningPolicy, zone: str) -> str:
    """The name of a warning rule: how the days are computed (`FORMAT`), the thresholds and the zone whose
    local days they are."""
    return f"{FORMAT};near={policy.near_days};stale={policy.stale_days};behind={policy.behind_points};zone={zone}"


def warning_columns(item: Item, policy: WarningPolicy, zone: str) -> dict[str, Any]:
    """The stored warning days of `item` (its times are read as local times of `zone`)."""
    tz = ZoneInfo(zone)
    local = dataclasses.replace(item, **{name: value.astimezone(tz) for name in
                                         ("assigned_at", "last_progress_at", "completion_requested_at")
                                         if (value := getattr(item, name)) is not None})
    if not clock_runs(local):
        return {"yellow_on": None, "red_on": None, "warning_rule": rule_of(policy, zone)}
    dates = warning_dates(local, policy)
    return {"yellow_on": dates.yellow or NEVER, "red_on": dates.red or NEVER, "warning_rule": rule_of(policy, zone)}


# -- keeping the stored days current ------------------------------------------------------------------

_CURRENT: WeakKeyDictionary[Any, str] = WeakKeyDictionary()  # engine → the rule its rows were last checked for


def ensure_current(session: Session, policy: WarningPolicy, zone: str) -> int:
    """Recompute the warning days of every row not written under this rule; commits when it changed
    any. Checked once per database, process and rule: later calls cost nothing. Returns the rows changed."""
    rule = rule_of(policy, zone)
    engine = engine_of(session)
    if _CURRENT.get(engine) == rule:
        return 0
    changed = 0
    columns = (ItemRow.id, ItemRow.state, ItemRow.due, ItemRow.progress, ItemRow.assigned_at,
               ItemRow.last_progress_at, ItemRow.completion_requested_at)
    while True:
        # Not `!= rule`: written as two ranges and NULL, the check reads the index instead of every row.
        other = or_(ItemRow.warning_rule.is_(None), ItemRow.warning_rule < rule, ItemRow.warning_rule > rule)
        rows = session.execute(select(*columns).where(other).limit(BATCH)).all()
        if not rows:
            break
        values = []
        for r in rows:
            item = Item(id=str(r.id), kind=Kind.TASK, title="", state=State(r.state), due=r.due, progress=r.progress,
                        assigned_at=r.assigned_at, last_progress_at=r.last_progress_at,
                        completion_requested_at=r.completion_requested_at)
            values.append({"key": r.id, "state": r.state, "due": r.due, "assigned_at": r.assigned_at,
                           **warning_columns(item, policy, zone)})
        table = ItemRow.__table__
        session.execute(update(table).where(table.c.id == bindparam("key"))
                        .values(yellow_on=bindparam("yellow_on"), red_on=bindparam("red_on"),
                                warning_rule=bindparam("warning_rule")), values)
        units = Assignment.__table__  # and the copies a unit's ledger reads (luoshi.store.models.UNIT_COPY)
        session.execute(update(units).where(units.c.item_id == bindparam("key"))
                        .values(state=bindparam("state"), due=bindparam("due"), yellow_on=bindparam("yellow_on"),
                                red_on=bindparam("red_on"), assigned_at=bindparam("assigned_at")), values)
        changed += len(values)
        # A batch a transaction: the kept counts (luoshi.store.aggregates) are rows its triggers update again
        # and again, and the versions one transaction leaves cannot be pruned before it ends.
        session.commit()
    if changed:
        statistics.refresh(session)  # the days' distribution changed: the planner's estimates with it
    _CURRENT[engine] = rule
    return changed


def written(session: Session, policy: WarningPolicy, zone: str) -> None:
    """Rows were written under this rule: if it is not the one last checked, check again next time."""
    engine = engine_of(session)
    if _CURRENT.get(engine, None) not in (None, rule_of(policy, zone)):
        del _CURRENT[engine]


# -- the colours as SQL ---------------------------------------------------------------------------------

def clocked(on: type[ItemRow] | type[Assignment] = ItemRow) -> ColumnElement[bool]:
    """The condition for items (or an assignment's copies) in a state whose clock runs: the states are
    constants in the SQL (`one_of`), so a statement holding it is kept and prepared."""
    return one_of(on.state, CLOCKED)


def _clock_runs() -> ColumnElement[bool]:
    return and_(clocked(), ItemRow.assigned_at.isnot(None))


@lru_cache(maxsize=64)
def colour_clause(colour: Colour | str | None, today: date,
                  on: type[ItemRow] | type[Assignment] = ItemRow) -> ColumnElement[bool]:
    """The condition for items of `colour` on `today`; None (or "none") for items without one. It reads
    the stored days, which embody the thresholds and the zone: `ensure_current(session, policy, zone)` must
    have run for the rule in force. `on=Assignment` reads an assignment's copies instead (red, yellow and
    green only).
    Built once per day and colour: a clause is immutable, and building it costs a millisecond."""
    if colour in (None, "none", ""):
        if on is not ItemRow:
            raise ValueError("an assignment's copies know the colours, not whether a clock runs")
        return not_(_clock_runs())
    colour = Colour(colour)
    running = clocked(on)
    if colour is Colour.RED:
        return and_(running, on.red_on <= today)
    if colour is Colour.YELLOW:
        return and_(running, on.yellow_on <= today, on.red_on > today)
    return and_(running, on.yellow_on > today, on.red_on > today)
