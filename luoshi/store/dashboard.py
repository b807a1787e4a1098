"""The leader's dashboard (驾驶舱) in figures: completion, states, warning colours, the units with overdue and
due-soon items, targets against plan, deputies' suggestions and the last twelve months, as SQL aggregates.

Items are counted in the database (no item is loaded), with the store's SQL warning colours, so every
figure agrees with the ledger's filters: `overdue` is what `list_items(warning="red")` lists, `due_soon`
what `list_items(warning="yellow", due_from=today, due_to=today + near_days)` lists. A unit user's
figures are their unit's only; the office, leaders and admins see everything.

The item figures are read from the counts the writes keep (`luoshi.store.aggregates`: a few hundred rows);
the items themselves are counted (`kept=False`) only when those cannot answer: a day before the one they
are folded through, or a role that sees neither all items nor a unit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from luoshi.ledger import Actor, Role, State
from luoshi.ledger.suggestions import Satisfaction, SuggestionState
from luoshi.ledger.targets import Status
from luoshi.ledger.warnings import Colour
from luoshi.settings import Settings, get_settings
from luoshi.store.items import today_in, visible_to
from luoshi.store import aggregates
from luoshi.store.kept import built
from luoshi.store.models import Assignment, DashboardCount, ItemRow, Organisation
from luoshi.store.suggestions import _visible as suggestions_visible_to
from luoshi.store.targets import PER_PAGE_MAX as TARGETS_PAGE
from luoshi.store.targets import list_targets
from luoshi.store.tracking import SuggestionRound, SuggestionRow, TargetRow
from luoshi.store.types import local_date, one_of
from luoshi.store.warnings import clocked, colour_clause, ensure_current

MONTHS = 12


# -- what the web gets --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    """The figures across the top. `total`: items handed out and not cancelled (督办事项, as the monthly
    bulletin counts them); `done` of those completed, `on_time` of those completed by their due date
    (the one in force, extensions granted included; an item without one is on time)."""

    total: int
    done: int
    on_time: int
    open: int
    overdue: int
    due_soon: int
    drafts: int  # 待确认 and 待交办: proposed by extraction or confirmed, not handed out yet

    @property
    def completion_rate(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.done if self.done else 0.0


@dataclass(frozen=True)
class UnitLoad:
    """A unit's overdue and due-soon items (as lead or co-operating unit, as the ledger's unit filter)."""

    id: int
    name: str
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    created: int  # items recorded that month (extracted or entered)
    completed: int  # items whose completion was approved that month


@dataclass(frozen=True)
class TargetProgress:
    year: int | None  # the plan year shown: this year's targets, else the latest year's before it
    by_status: dict[str, int]  # every `luoshi.ledger.targets.Status`, in its order

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class SuggestionFigures:
    by_state: dict[str, int]  # every SuggestionState, in its order
    by_satisfaction: dict[str, int]  # satisfied, basically_satisfied, dissatisfied (latest evaluation), pending

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


@dataclass(frozen=True)
class Dashboard:
    today: date
    near_days: int  # due soon: due today or within this many days
    unit: int | None  # the unit the figures are limited to (a unit user's), else None
    headline: Headline
    by_state: dict[str, int]  # every item State, in its order
    by_warning: dict[str, int]  # red, yellow, green, and none (no clock runs)
    units: list[UnitLoad]  # most overdue first, then most due soon
    targets: TargetProgress
    suggestions: SuggestionFigures
    trend: list[Month]  # the last twelve months, oldest first, this month last


# -- the figures ------------------------------------------------------------------------------------

def _unit_of(actor: Actor) -> int | None:
    if actor.role is not Role.UNIT:
        return None
    try:
        return int(actor.unit or "")
    except ValueError:
        return None


def _scope(session: Session, actor: Actor, today: date, settings: Settings, kept: bool) -> int | None:
    """The scope of the kept counts that holds the items `actor` may see (0: all), or None: count the
    items themselves."""
    if not kept:
        return None
    visible = visible_to(actor)
    scope = 0 if visible is True else _unit_of(actor)
    if scope is None or not aggregates.ready(session, settings.timezone, settings.warning_policy.near_days, today):
        return None
    return scope


_C = DashboardCount


def _rows(session: Session, stmt: Any) -> list[Any]:
    """The rows of one of the dashboard's statements: sent as `luoshi.store.kept.built` sends a statement of a
    shape seen before (its plan kept by SQLAlchemy's cache key; on PostgreSQL prepared, rows as tuples)."""
    return built(session.connection(), stmt)


def _one(session: Session, stmt: Any) -> Any:
    rows = _rows(session, stmt)
    return rows[0][0] if rows else None


def _red_facts(today: date) -> list[Any]:
    """The kept facts of the items red on `today`."""
    return [_C.kind == "red", _C.day <= today]


def _due_soon_facts(today: date, soon: date) -> list[Any]:
    """The kept facts of the items due between `today` and `soon` that warn by `today` (yellow, due soon)."""
    return [_C.kind == "due", _C.day >= today, _C.day <= soon, _C.day2 <= today]


def _kept_item_figures(session: Session, scope: int, today: date,
                       settings: Settings) -> tuple[Headline, dict[str, int], dict[str, int]]:
    by_state, out = {s.value: 0 for s in State}, {s.value: 0 for s in State}
    on_time_n = red = warned = unwarned = 0
    past = case((_C.day <= today, 1), else_=0).label("past")
    stmt = (select(_C.kind, _C.key, past, func.sum(_C.n).label("n"))
            .where(_C.scope == scope, one_of(_C.kind, ("state", "handed", "on_time", "red", "warned")))
            .group_by(_C.kind, _C.key, past))
    for kind, key, before, n in _rows(session, stmt):
        n = int(n)
        if kind == "state":
            by_state[key] += n
        elif kind == "handed":
            out[key] += n
        elif kind == "on_time":
            on_time_n += n
        elif kind == "red":
            red += n if before else 0
        elif before:
            warned += n
        else:
            unwarned += n
    soon = today + timedelta(days=settings.warning_policy.near_days)
    due_soon = _one(session, select(func.coalesce(func.sum(_C.n), 0).label("n")).where(
        _C.scope == scope, *_due_soon_facts(today, soon)))
    by_warning = {Colour.RED.value: red, Colour.YELLOW.value: warned - red, Colour.GREEN.value: unwarned}
    by_warning["none"] = sum(by_state.values()) - sum(by_warning.values())
    return _headline(by_state, out, on_time_n, by_warning, int(due_soon or 0)), by_state, by_warning


def _headline(by_state: dict[str, int], out: dict[str, int], on_time: int, by_warning: dict[str, int],
              due_soon: int) -> Headline:
    total = sum(n for state, n in out.items() if state != State.CANCELLED.value)
    done = out[State.DONE.value]
    drafts = by_state[State.DRAFT.value] + by_state[State.CONFIRMED.value]
    return Headline(total=total, done=done, on_time=on_time, open=total - done,
                    overdue=by_warning[Colour.RED.value], due_soon=due_soon, drafts=drafts)


def _kept_units(session: Session, scope: int, today: date, settings: Settings,
                limit: int | None) -> list[UnitLoad]:
    """The units with overdue or due-soon items, most overdue first (then most due soon, then by name)."""
    soon = today + timedelta(days=settings.warning_policy.near_days)
    if not scope and limit is not None:
        top = _top_units(session, today, soon, limit)
        if len(top) == limit:
            return top
    units = [_C.scope == scope] if scope else [_C.scope > 0]
    flags = (select(_C.scope.label("unit"), _C.n.label("red"), literal(0).label("soon"))
             .where(*_red_facts(today), *units)
             .union_all(select(_C.scope, literal(0), _C.n).where(*_due_soon_facts(today, soon), *units))
             .subquery())
    # Summed per unit before the units' names are joined: a province has thousands of rows, a unit one.
    per_unit = (select(flags.c.unit, func.sum(flags.c.red).label("red"), func.sum(flags.c.soon).label("soon"))
                .group_by(flags.c.unit).having(func.sum(flags.c.red) + func.sum(flags.c.soon) > 0).subquery())
    stmt = (select(Organisation.id, Organisation.name, per_unit.c.red, per_unit.c.soon)
            .join(per_unit, per_unit.c.unit == Organisation.id)
            .order_by(per_unit.c.red.desc(), per_unit.c.soon.desc(), Organisation.name))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [UnitLoad(i, name, int(o), int(s)) for i, name, o, s in _rows(session, stmt)]


def _top_units(session: Session, today: date, soon: date, limit: int) -> list[UnitLoad]:
    """The first `limit` units of the ranking when at least `limit` units have overdue items: only the units
    with as many overdue items as the limit-th most overdue one can be among them, and only theirs of the
    due-soon facts are read (a province's due-soon facts, some ten thousand index entries, were summed for
    every unit to rank ten). Fewer rows when fewer units have overdue items: the whole ranking is needed."""
    red = (select(_C.scope.label("unit"), func.sum(_C.n).label("red"))
           .where(*_red_facts(today), _C.scope > 0)
           .group_by(_C.scope).having(func.sum(_C.n) > 0).cte("red"))
    bar = select(red.c.red).order_by(red.c.red.desc()).offset(limit - 1).limit(1).scalar_subquery()
    candidates = select(red.c.unit, red.c.red).where(red.c.red >= bar).subquery()
    # A candidate's due-soon facts are looked up by its own key (a scalar subquery for each, along the primary
    # key), not read in a range of every unit's and joined.
    soon_n = (select(func.coalesce(func.sum(_C.n), 0))
              .where(_C.scope == candidates.c.unit, *_due_soon_facts(today, soon))
              .scalar_subquery().label("soon"))
    stmt = (select(Organisation.id, Organisation.name, candidates.c.red, soon_n)
            .join(candidates, candidates.c.unit == Organisation.id)
            .order_by(candidates.c.red.desc(), soon_n.desc(), Organisation.name)
            .limit(limit))
    return [UnitLoad(i, name, int(o), int(s)) for i, name, o, s in _rows(session, stmt)]


def _kept_trend(session: Session, scope: int, firsts: list[date]) -> list[Month]:
    counts = {day: [0, 0] for day in firsts}
    stmt = (select(_C.kind, _C.day, func.sum(_C.n).label("n"))
            .where(_C.scope == scope, one_of(_C.kind, ("created", "completed")), _C.day >= firsts[0])
            .group_by(_C.kind, _C.day))
    for kind, day, n in _rows(session, stmt):
        if day in counts:
            counts[day][0 if kind == "created" else 1] = int(n)
    return [Month(day, created, completed) for day, (created, completed) in counts.items()]


def _where(actor: Actor) -> list[Any]:
    visible = visible_to(actor)
    if visible is True:
        return []
    return [literal(False) if visible is False else visible]


def _due_soon(today: date, settings: Settings) -> Any:
    """Yellow and due between today and `near_days` from now: exactly the items a clock runs for, not
    waiting for a completion decision, due in that window (the yellow of `luoshi.ledger.warnings`)."""
    policy = settings.warning_policy
    yellow = colour_clause(Colour.YELLOW, today)
    # The window first: most rows fail it, and then the yellow conditions are never evaluated.
    return and_(ItemRow.due >= today, ItemRow.due <= today + timedelta(days=policy.near_days), yellow)


def _unindexed(column: Any) -> Any:
    """The column as an expression no index answers (`state || ''`), for a condition most rows meet, where
    a scan of the table is cheaper than visiting its rows one by one through the index."""
    return column.concat("")


def _bucket(column: Any, edges: list[datetime]) -> Any:
    """Which of the months starting at `edges` (ascending) a time falls in: 0 … len-1, -1 before the first
    or NULL; a balanced CASE, so a row costs about log2(12) comparisons."""
    def pick(lo: int, hi: int) -> Any:  # the index in [lo, hi] for a time known to be ≥ edges[lo]
        if lo == hi:
            return literal(lo)
        mid = (lo + hi + 1) // 2
        return case((column < edges[mid], pick(lo, mid - 1)), else_=pick(mid, hi))
    return case((column.is_(None), -1), (column < edges[0], -1), else_=pick(0, len(edges) - 1))


def _by_state(session: Session, *, actor: Actor, settings: Settings) -> tuple[dict[str, int], dict[str, int], int]:
    """The items the actor may see by state; of those, handed out (by state); and done by the due date."""
    handed_out = ItemRow.assigned_at.isnot(None)
    on_time = and_(ItemRow.state == State.DONE.value, handed_out,
                   or_(ItemRow.due.is_(None), local_date(ItemRow.closed_at, settings.timezone) <= ItemRow.due))
    by_state, handed = {s.value: 0 for s in State}, {s.value: 0 for s in State}
    timely = 0
    stmt = (select(ItemRow.state, func.count(), func.sum(case((handed_out, 1), else_=0)),
                   func.sum(case((on_time, 1), else_=0))).where(*_where(actor)).group_by(ItemRow.state))
    for state, n, h, t in session.execute(stmt):
        by_state[state], handed[state], timely = n, int(h), timely + int(t)
    return by_state, handed, timely


def item_figures(session: Session, *, actor: Actor, today: date, settings: Settings,
                 kept: bool = True) -> tuple[Headline, dict[str, int], dict[str, int]]:
    """The headline, the items by state and by warning colour: from the kept counts, else one query over
    every item the actor may see (by state), one over the items a clock runs for (by colour)."""
    where = _where(actor)
    policy, zone = settings.warning_policy, settings.timezone
    ensure_current(session, policy, zone)
    if (scope := _scope(session, actor, today, settings, kept)) is not None:
        return _kept_item_figures(session, scope, today, settings)
    by_state, out, on_time_n = _by_state(session, actor=actor, settings=settings)
    red, yellow, green = (colour_clause(c, today) for c in (Colour.RED, Colour.YELLOW, Colour.GREEN))
    colour = case((red, Colour.RED.value), (yellow, Colour.YELLOW.value), (green, Colour.GREEN.value), else_="none")
    in_window = and_(ItemRow.due >= today, ItemRow.due <= today + timedelta(days=policy.near_days))
    by_warning = {c.value: 0 for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)}
    due_soon = 0
    colours = (select(colour.label("colour"), in_window.label("soon")).where(clocked(), *where)
               .subquery())
    for value, soon, n in session.execute(select(colours.c.colour, colours.c.soon, func.count())
                                          .group_by(colours.c.colour, colours.c.soon)):
        if value in by_warning:
            by_warning[value] += n
        if value == Colour.YELLOW.value and soon:
            due_soon += n
    by_warning["none"] = sum(by_state.values()) - sum(by_warning.values())
    return _headline(by_state, out, on_time_n, by_warning, due_soon), by_state, by_warning


def units_ranked(session: Session, *, actor: Actor, today: date, settings: Settings,
                 limit: int | None = None, kept: bool = True) -> list[UnitLoad]:
    """The units with overdue or due-soon items, most overdue first (then most due soon, then by name).

    An item counts for each of its units, lead or co-operating, as `/ledger?unit=` lists it; a unit user
    sees their own unit's line only.
    """
    policy = settings.warning_policy
    ensure_current(session, policy, settings.timezone)
    if (scope := _scope(session, actor, today, settings, kept)) is not None:
        return _kept_units(session, scope, today, settings, limit)
    red = colour_clause(Colour.RED, today)
    # Both need a running clock and a due date no later than the due-soon window: the (state, due) index.
    window = and_(clocked(), ItemRow.due <= today + timedelta(days=policy.near_days))
    flags = (select(ItemRow.id.label("item_id"), case((red, 1), else_=0).label("red"),
                    case((_due_soon(today, settings), 1), else_=0).label("soon"))
             .where(window, *_where(actor)).subquery())
    overdue_n, soon_n = func.sum(flags.c.red), func.sum(flags.c.soon)
    stmt = (select(Organisation.id, Organisation.name, overdue_n, soon_n)
            .select_from(flags).join(Assignment, Assignment.item_id == flags.c.item_id)
            .join(Organisation, Organisation.id == Assignment.organisation_id)
            .group_by(Organisation.id, Organisation.name).having(overdue_n + soon_n > 0)
            .order_by(overdue_n.desc(), soon_n.desc(), Organisation.name))
    unit = _unit_of(actor)
    if unit is not None:
        stmt = stmt.where(Assignment.organisation_id == unit)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [UnitLoad(i, name, int(o), int(s)) for i, name, o, s in session.execute(stmt)]


def _month_start(day: date, back: int = 0) -> date:
    n = day.year * 12 + day.month - 1 - back
    return date(n // 12, n % 12 + 1, 1)


def monthly_trend(session: Session, *, actor: Actor, today: date, settings: Settings,
                  months: int = MONTHS, kept: bool = True) -> list[Month]:
    """Items recorded and items completed (approved) in each of the last `months` months, in the office's
    time zone, oldest first; this month is the last. A row falls in a month by comparing its time with
    the months' first instants (local midnight of the 1st): exact in any time zone, no date function."""
    firsts = [_month_start(today, k) for k in range(months - 1, -1, -1)]
    if (scope := _scope(session, actor, today, settings, kept)) is not None:
        return _kept_trend(session, scope, firsts)
    edges = [datetime.combine(day, time(0), settings.zone) for day in firsts]
    counts = {day: [0, 0] for day in firsts}
    # Half the items may be done: reading the table through the state index would cost more than a scan.
    done = _unindexed(ItemRow.state) == State.DONE.value
    for index, column, extra in ((0, ItemRow.created_at, []), (1, ItemRow.closed_at, [done])):
        bucket = _bucket(column, edges)
        stmt = select(bucket, func.count()).where(column >= edges[0], *extra, *_where(actor)).group_by(bucket)
        for k, n in session.execute(stmt):
            if k >= 0:
                counts[firsts[int(k)]][index] = n
    return [Month(day, created, completed) for day, (created, completed) in counts.items()]


def target_year(session: Session, *, today: date) -> int | None:
    """The plan year the dashboard shows: this year if it has targets, else the latest year before it
    that has, else the earliest year to come."""
    past = _one(session, select(func.max(TargetRow.year).label("year")).where(TargetRow.year <= today.year))
    return past if past is not None else _one(session, select(func.min(TargetRow.year).label("year")))


def target_progress(session: Session, *, actor: Actor, settings: Settings, now: datetime | None = None,
                    year: int | None = None) -> TargetProgress:
    """The targets and commitments of `year` (default: `target_year`) by status against plan today, as
    `luoshi.store.targets.list_targets` judges them (a unit user: their unit's)."""
    year = year if year is not None else target_year(session, today=today_in(settings, now))
    counts = {s.value: 0 for s in Status}
    if year is None:
        return TargetProgress(None, counts)
    result = list_targets(session, actor=actor, year=year, unit=_unit_of(actor), per_page=TARGETS_PAGE,
                          settings=settings, now=now)
    while True:
        for view in result.rows:
            counts[view.status.status.value] += 1
        if result.next_cursor is None:
            return TargetProgress(year, counts)
        result = list_targets(session, actor=actor, year=year, unit=_unit_of(actor), per_page=TARGETS_PAGE,
                              cursor=result.next_cursor, settings=settings, now=now)


def suggestion_figures(session: Session, *, actor: Actor) -> SuggestionFigures:
    """Deputies' suggestions the actor may see, by state and by the deputy's latest evaluation."""
    visible = suggestions_visible_to(actor)
    where = [] if visible is True else [literal(False) if visible is False else visible]
    by_state = {s.value: 0 for s in SuggestionState}
    for state, n in _rows(session, select(SuggestionRow.state, func.count().label("n")).where(*where)
                                   .group_by(SuggestionRow.state)):
        by_state[state] = n
    latest = (select(SuggestionRound.suggestion_id, func.max(SuggestionRound.no).label("no"))
              .where(SuggestionRound.satisfaction.isnot(None)).group_by(SuggestionRound.suggestion_id).subquery())
    stmt = (select(SuggestionRound.satisfaction, func.count().label("n"))
            .join(latest, and_(latest.c.suggestion_id == SuggestionRound.suggestion_id,
                               latest.c.no == SuggestionRound.no))
            .join(SuggestionRow, SuggestionRow.id == SuggestionRound.suggestion_id)
            .where(*where).group_by(SuggestionRound.satisfaction))
    by_satisfaction = {s.value: 0 for s in Satisfaction}
    for value, n in _rows(session, stmt):
        by_satisfaction[Satisfaction.parse(value).value] += n
    by_satisfaction["pending"] = sum(by_state.values()) - sum(by_satisfaction.values())
    return SuggestionFigures(by_state, by_satisfaction)


def dashboard(session: Session, *, actor: Actor, settings: Settings | None = None, now: datetime | None = None,
              year: int | None = None, kept: bool = True, units: int | None = None) -> Dashboard:
    """Every figure of the dashboard as `actor` may see them, on the office's today (`kept=False`: counted
    from the items, not read from the kept counts); `units`: only the first so many of the units' ranking."""
    settings = settings or get_settings()
    today = today_in(settings, now)
    headline, by_state, by_warning = item_figures(session, actor=actor, today=today, settings=settings, kept=kept)
    return Dashboard(
        today=today, near_days=settings.warning_policy.near_days, unit=_unit_of(actor), headline=headline,
        by_state=by_state, by_warning=by_warning,
        units=units_ranked(session, actor=actor, today=today, settings=settings, kept=kept, limit=units),
        targets=target_progress(session, actor=actor, settings=settings, now=now, year=year),
        suggestions=suggestion_figures(session, actor=actor),
        trend=monthly_trend(session, actor=actor, today=today, settings=settings, kept=kept))
