"""The leader's dashboard (驾驶舱) in figures: completion, states, warning colours, the units with overdue and
due-soon items, targets against plan, deputies' suggestions and the last twelve months, as SQL aggregates.

Items are counted in the database (no item is loaded), with the store's SQL warning colours, so every
figure agrees with the ledger's filters: `overdue` is what `list_items(warning="red")` lists, `due_soon`
what `list_items(warning="yellow", due_from=today, due_to=today + near_days)` lists. A unit user's
figures are their unit's only; the office, leaders and admins see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, extract, func, literal, or_, select
from sqlalchemy.orm import Session

from luoshi.ledger import Actor, Role, State
from luoshi.ledger.suggestions import Satisfaction, SuggestionState
from luoshi.ledger.targets import Status
from luoshi.ledger.warnings import Colour
from luoshi.settings import Settings, get_settings
from luoshi.store.items import today_in, visible_to
from luoshi.store.models import Assignment, ItemRow, Organisation
from luoshi.store.suggestions import _visible as suggestions_visible_to
from luoshi.store.targets import PER_PAGE_MAX as TARGETS_PAGE
from luoshi.store.targets import list_targets
from luoshi.store.tracking import SuggestionRound, SuggestionRow, TargetRow
from luoshi.store.types import local_date
from luoshi.store.warnings import CLOCKED, colour_clause

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


def _where(actor: Actor) -> list[Any]:
    visible = visible_to(actor)
    if visible is True:
        return []
    return [literal(False) if visible is False else visible]


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _due_soon(today: date, settings: Settings) -> Any:
    """Yellow and due between today and `near_days` from now: exactly the items a clock runs for, not
    waiting for a completion decision, due in that window (the yellow of `luoshi.ledger.warnings`)."""
    policy = settings.warning_policy
    yellow = colour_clause(Colour.YELLOW, today, policy, settings.timezone)
    return and_(yellow, ItemRow.due >= today, ItemRow.due <= today + timedelta(days=policy.near_days))


def item_figures(session: Session, *, actor: Actor, today: date,
                 settings: Settings) -> tuple[Headline, dict[str, int], dict[str, int]]:
    """The headline, the items by state and by warning colour, in two queries."""
    where = _where(actor)
    by_state = {s.value: 0 for s in State}
    for state, n in session.execute(select(ItemRow.state, func.count()).where(*where).group_by(ItemRow.state)):
        by_state[state] = n
    policy, zone = settings.warning_policy, settings.timezone
    handed_out = and_(ItemRow.assigned_at.isnot(None), ItemRow.state != State.CANCELLED.value)
    done = and_(handed_out, ItemRow.state == State.DONE.value)
    on_time = and_(done, or_(ItemRow.due.is_(None), local_date(ItemRow.closed_at, zone) <= ItemRow.due))
    colours = [Colour.RED, Colour.YELLOW, Colour.GREEN]
    row = session.execute(select(
        _count(handed_out), _count(done), _count(on_time), _count(_due_soon(today, settings)),
        *(_count(colour_clause(c, today, policy, zone)) for c in colours)).where(*where)).one()
    total, done_n, on_time_n, due_soon = (int(v) for v in row[:4])
    by_warning = {c.value: int(n) for c, n in zip(colours, row[4:])}
    by_warning["none"] = sum(by_state.values()) - sum(by_warning.values())
    drafts = by_state[State.DRAFT.value] + by_state[State.CONFIRMED.value]
    headline = Headline(total=total, done=done_n, on_time=on_time_n, open=total - done_n,
                        overdue=by_warning[Colour.RED.value], due_soon=due_soon, drafts=drafts)
    return headline, by_state, by_warning


def units_ranked(session: Session, *, actor: Actor, today: date, settings: Settings,
                 limit: int | None = None) -> list[UnitLoad]:
    """The units with overdue or due-soon items, most overdue first (then most due soon, then by name).

    An item counts for each of its units, lead or co-operating, as `/ledger?unit=` lists it; a unit user
    sees their own unit's line only.
    """
    policy, zone = settings.warning_policy, settings.timezone
    red = colour_clause(Colour.RED, today, policy, zone)
    soon = _due_soon(today, settings)
    overdue_n, soon_n = _count(red), _count(soon)
    # Both need a running clock and a due date no later than the due-soon window: the (state, due) index.
    window = and_(ItemRow.state.in_(CLOCKED), ItemRow.due <= today + timedelta(days=policy.near_days))
    stmt = (select(Organisation.id, Organisation.name, overdue_n, soon_n)
            .select_from(ItemRow).join(Assignment, Assignment.item_id == ItemRow.id)
            .join(Organisation, Organisation.id == Assignment.organisation_id)
            .where(window, or_(red, soon), *_where(actor))
            .group_by(Organisation.id, Organisation.name)
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
                  months: int = MONTHS) -> list[Month]:
    """Items recorded and items completed (approved) in each of the last `months` months, in the
    office's time zone, oldest first; this month is the last."""
    first = _month_start(today, months - 1)
    since = datetime.combine(first, time(0), settings.zone)
    zone, where = settings.timezone, _where(actor)
    out = {_month_start(today, k): [0, 0] for k in range(months - 1, -1, -1)}
    for column, index, extra in ((ItemRow.created_at, 0, []),
                                 (ItemRow.closed_at, 1, [ItemRow.state == State.DONE.value])):
        day = local_date(column, zone)
        year, month = extract("year", day), extract("month", day)
        stmt = (select(year, month, func.count()).where(column >= since, *extra, *where).group_by(year, month))
        for y, m, n in session.execute(stmt):
            key = date(int(y), int(m), 1)
            if key in out:
                out[key][index] = n
    return [Month(key, created, completed) for key, (created, completed) in out.items()]


def target_year(session: Session, *, today: date) -> int | None:
    """The plan year the dashboard shows: this year if it has targets, else the latest year before it
    that has, else the earliest year to come."""
    past = session.scalar(select(func.max(TargetRow.year)).where(TargetRow.year <= today.year))
    return past if past is not None else session.scalar(select(func.min(TargetRow.year)))


def target_progress(session: Session, *, actor: Actor, settings: Settings, now: datetime | None = None,
                    year: int | None = None) -> TargetProgress:
    """The targets and commitments of `year` (default: `target_year`) by status against plan today, as
    `luoshi.store.targets.list_targets` judges them (a unit user: their unit's)."""
    year = year if year is not None else target_year(session, today=today_in(settings, now))
    counts = {s.value: 0 for s in Status}
    if year is None:
        return TargetProgress(None, counts)
    unit, page, seen = _unit_of(actor), 1, 0
    while True:
        result = list_targets(session, actor=actor, year=year, unit=unit, page=page, per_page=TARGETS_PAGE,
                              settings=settings, now=now)
        for view in result.rows:
            counts[view.status.status.value] += 1
        seen += len(result.rows)
        if seen >= result.total or not result.rows:
            return TargetProgress(year, counts)
        page += 1


def suggestion_figures(session: Session, *, actor: Actor) -> SuggestionFigures:
    """Deputies' suggestions the actor may see, by state and by the deputy's latest evaluation."""
    visible = suggestions_visible_to(actor)
    where = [] if visible is True else [literal(False) if visible is False else visible]
    by_state = {s.value: 0 for s in SuggestionState}
    for state, n in session.execute(select(SuggestionRow.state, func.count()).where(*where)
                                    .group_by(SuggestionRow.state)):
        by_state[state] = n
    latest = (select(SuggestionRound.suggestion_id, func.max(SuggestionRound.no).label("no"))
              .where(SuggestionRound.satisfaction.isnot(None)).group_by(SuggestionRound.suggestion_id).subquery())
    stmt = (select(SuggestionRound.satisfaction, func.count())
            .join(latest, and_(latest.c.suggestion_id == SuggestionRound.suggestion_id,
                               latest.c.no == SuggestionRound.no))
            .join(SuggestionRow, SuggestionRow.id == SuggestionRound.suggestion_id)
            .where(*where).group_by(SuggestionRound.satisfaction))
    by_satisfaction = {s.value: 0 for s in Satisfaction}
    for value, n in session.execute(stmt):
        by_satisfaction[Satisfaction.parse(value).value] += n
    by_satisfaction["pending"] = sum(by_state.values()) - sum(by_satisfaction.values())
    return SuggestionFigures(by_state, by_satisfaction)


def dashboard(session: Session, *, actor: Actor, settings: Settings | None = None, now: datetime | None = None,
              year: int | None = None) -> Dashboard:
    """Every figure of the dashboard as `actor` may see them, on the office's today."""
    settings = settings or get_settings()
    today = today_in(settings, now)
    headline, by_state, by_warning = item_figures(session, actor=actor, today=today, settings=settings)
    return Dashboard(
        today=today, near_days=settings.warning_policy.near_days, unit=_unit_of(actor), headline=headline,
        by_state=by_state, by_warning=by_warning,
        units=units_ranked(session, actor=actor, today=today, settings=settings),
        targets=target_progress(session, actor=actor, settings=settings, now=now, year=year),
        suggestions=suggestion_figures(session, actor=actor),
        trend=monthly_trend(session, actor=actor, today=today, settings=settings))
