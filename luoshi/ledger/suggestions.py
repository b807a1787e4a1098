"""Deputies' suggestions (代表建议) and their handling: assignment to a lead unit (主办) and co-operating
units (协办), the reply by a deadline, the deputy's satisfaction and re-handling when not satisfied.

The rules follow `workflow`: one table of transitions says which action moves a suggestion from which state
and who may take it; `apply` enforces it and returns the new suggestion with the event that records the
step (events subclass `events.Event`, so `audit.record` chains them like an item's). Each reply round has
its own deadline (three months from assignment by default, a month for re-handling); warnings reuse
`warnings.warning` with the round's dates, so a suggestion is coloured as an item is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from luoshi import glossary
from luoshi.ledger import events
from luoshi.ledger.actors import OFFICE, Actor, Role
from luoshi.ledger.due import RULE, by_rule
from luoshi.ledger.errors import Conflict, InvalidTransition, InvalidValue, MissingField, PermissionDenied
from luoshi.ledger.events import Event
from luoshi.ledger.items import Item, Kind, SourceRef
from luoshi.ledger.states import State
from luoshi.ledger.warnings import NO_WARNING, ItemWarning, WarningPolicy, warning as item_warning
from luoshi.ledger.workflow import FIELDS, checked_values


class SuggestionState(StrEnum):
    REGISTERED = "registered"  # 待交办: entered or extracted, not yet handed to a unit
    ASSIGNED = "assigned"  # 办理中: with its units, a reply due
    REPLIED = "replied"  # 已答复: waiting for the deputy's evaluation
    REHANDLING = "rehandling"  # 重新办理: the deputy was not satisfied; a new reply due
    CLOSED = "closed"  # 已办结

    @property
    def label(self) -> str:
        return glossary.zh(f"suggestion_state.{self.value}")


class SuggestionAction(StrEnum):
    ASSIGN = "assign"  # 交办
    REASSIGN = "reassign"  # 调整交办: other units, on a unit's request or the office's own
    CO_OPINION = "co_opinion"  # 协办意见: a co-operating unit's input to the lead
    REPLY = "reply"  # 答复
    EVALUATE = "evaluate"  # 满意度测评: the deputy's satisfaction, as recorded by the congress or office
    REMIND = "remind"  # 催办

    @property
    def label(self) -> str:
        return glossary.zh(f"suggestion_action.{self.value}")


class Procedure(StrEnum):
    """Which procedure a suggestion follows. A deputy's suggestion (代表建议) is answered within three
    months and the deputy evaluates the reply; a point of a congress review (审议意见, from the summary of
    how deputies reviewed the government's reports) gets a report on how it was studied and handled
    (研究处理情况报告) within its own deadline, and is then closed: no evaluation, no re-handling."""

    SUGGESTION = "suggestion"  # 代表建议
    REVIEW = "review"  # 审议意见

    @property
    def label(self) -> str:
        return glossary.zh(f"procedure.{self.value}")

    @property
    def reply_label(self) -> str:
        """What the lead unit's answer is called: 答复 or 研究处理情况报告."""
        return glossary.zh(f"procedure_reply.{self.value}")


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意

    @property
    def label(self) -> str:
        return glossary.zh(f"satisfaction.{self.value}")

    @classmethod
    def parse(cls, value: Any, name: str = "satisfaction") -> Satisfaction:
        """From the identifier or the Chinese label (满意, 基本满意, 不满意)."""
        by_label = {m.label: m for m in cls}
        if value in by_label:
            return by_label[value]
        try:
            return cls(value)
        except ValueError:
            raise _unknown(value, name, [(m.value, m.label) for m in cls]) from None


class Outcome(StrEnum):
    """How the reply disposes of the suggestion: the A/B/C classes units report (答复类别)."""

    SOLVED = "solved"  # A: solved or basically solved
    PLANNED = "planned"  # B: in a plan, to be solved
    EXPLAINED = "explained"  # C: cannot be done now, explained

    @property
    def label(self) -> str:
        return glossary.zh(f"outcome.{self.value}")


@dataclass(frozen=True)
class SuggestionPolicy:
    """Deadlines as due rules (`3m`, `30d`, …) counted from assignment; `max_rounds` replies in all (the
    first and the re-handlings), after which a dissatisfied evaluation closes the suggestion as it stands.
    `review_rule` is the deadline of a review point's report (审议意见的研究处理情况报告).
    Warnings: yellow within `warning.near_days` of the deadline or after `warning.stale_days` without a
    reply or co-operating opinion; red when overdue; no behind-schedule test (a reply has no percent)."""

    reply_rule: str = "3m"
    rehandle_rule: str = "1m"
    max_rounds: int = 2
    warning: WarningPolicy = WarningPolicy(near_days=15, stale_days=45, behind_points=None)
    review_rule: str = "2m"

    def first_rule(self, procedure: Procedure) -> str:
        """The deadline rule of the first round under `procedure`."""
        return self.review_rule if procedure is Procedure.REVIEW else self.reply_rule

    def __post_init__(self) -> None:
        for name in ("reply_rule", "rehandle_rule", "review_rule"):
            if not RULE.match(getattr(self, name)):
                raise InvalidValue(f"{name} is {getattr(self, name)!r}; write e.g. 3m, 90d or 8w", name)
        if isinstance(self.max_rounds, bool) or not isinstance(self.max_rounds, int) or self.max_rounds < 1:
            raise InvalidValue(f"max_rounds must be a whole number ≥ 1, not {self.max_rounds!r}", "max_rounds")


@dataclass(frozen=True)
class Opinion:
    """A co-operating unit's input to the lead during a round."""

    unit: str
    text: str
    at: datetime


@dataclass(frozen=True)
class Round:
    """One reply round: assigned (or re-opened) when, due when, the reply, and the deputy's evaluation."""

    no: int
    assigned_at: datetime
    due: date
    opinions: tuple[Opinion, ...] = ()
    reply: str | None = None
    outcome: Outcome | None = None
    replied_at: datetime | None = None
    replied_by: str | None = None
    satisfaction: Satisfaction | None = None
    comment: str | None = None
    evaluated_at: datetime | None = None

    @property
    def last_activity(self) -> datetime | None:
        times = [o.at for o in self.opinions] + ([self.replied_at] if self.replied_at else [])
        return max(times) if times else None

    @property
    def late_days(self) -> int:
        """Days the reply came after the deadline; 0 when on time or not yet replied."""
        return max(0, (self.replied_at.date() - self.due).days) if self.replied_at else 0


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """A deputy's suggestion and its handling; never changed in place (`apply` returns a new one)."""

    id: str
    title: str
    no: int | None = None
    category: str | None = None
    deputies: tuple[str, ...] = ()
    text: str = ""
    source: SourceRef | None = None
    procedure: Procedure = Procedure.SUGGESTION
    state: SuggestionState = SuggestionState.REGISTERED
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    rounds: tuple[Round, ...] = ()
    reminders: int = 0
    closed_at: datetime | None = None
    version: int = 1

    @property
    def current(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def due(self) -> date | None:
        return self.current.due if self.current else None

    @property
    def satisfaction(self) -> Satisfaction | None:
        """The latest evaluation: a suggestion re-handled to the deputy's satisfaction counts as satisfied."""
        rated = [r.satisfaction for r in self.rounds if r.satisfaction is not None]
        return rated[-1] if rated else None

    @property
    def rehandled(self) -> bool:
        return len(self.rounds) > 1

    def role_of(self, unit: str | None) -> str | None:
        """`"lead"` (主办), `"co_operating"` (协办) or None."""
        if unit is not None and unit == self.lead_unit:
            return "lead"
        if unit in self.co_units:
            return "co_operating"
        return None


# -- events -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class SuggestionEvent(Event):
    """An event of a suggestion: `item_id` is the suggestion's id; the states are suggestion states."""

    from_state: SuggestionState | None  # type: ignore[assignment]
    to_state: SuggestionState  # type: ignore[assignment]


@dataclass(frozen=True, kw_only=True)
class SuggestionCreated(SuggestionEvent):
    type: ClassVar[str] = "suggestion.create"
    title: str
    no: int | None = None
    category: str | None = None
    deputies: tuple[str, ...] = ()
    text: str = ""
    source: SourceRef | None = None
    procedure: Procedure = Procedure.SUGGESTION


@dataclass(frozen=True, kw_only=True)
class SuggestionAssigned(SuggestionEvent):
    type: ClassVar[str] = "suggestion.assign"
    lead_unit: str
    co_units: tuple[str, ...] = ()
    due: date
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class SuggestionReassigned(SuggestionEvent):
    type: ClassVar[str] = "suggestion.reassign"
    lead_unit: str
    co_units: tuple[str, ...] = ()
    previous_lead_unit: str | None = None
    due: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class CoOpinionGiven(SuggestionEvent):
    type: ClassVar[str] = "suggestion.co_opinion"
    round: int
    text: str


@dataclass(frozen=True, kw_only=True)
class SuggestionReplied(SuggestionEvent):
    type: ClassVar[str] = "suggestion.reply"
    round: int
    text: str
    outcome: Outcome | None = None
    late_days: int = 0


@dataclass(frozen=True, kw_only=True)
class SuggestionEvaluated(SuggestionEvent):
    """`next_due`: the deadline of the re-handling round opened by a dissatisfied evaluation (else None)."""

    type: ClassVar[str] = "suggestion.evaluate"
    round: int
    satisfaction: Satisfaction
    comment: str | None = None
    next_due: date | None = None


@dataclass(frozen=True, kw_only=True)
class SuggestionReminded(SuggestionEvent):
    type: ClassVar[str] = "suggestion.remind"
    units: tuple[str, ...]
    text: str | None = None


for _cls in (SuggestionCreated, SuggestionAssigned, SuggestionReassigned, CoOpinionGiven, SuggestionReplied,
             SuggestionEvaluated, SuggestionReminded):
    events.register(_cls)


# -- the transitions -------------------------------------------------------------------------------------

S, A = SuggestionState, SuggestionAction
CONGRESS_AND_OFFICE = OFFICE | {Role.CONGRESS}
HANDLING = (S.ASSIGNED, S.REHANDLING)
LEAD, CO = "lead", "co_operating"


@dataclass(frozen=True)
class Step:
    """One row: `action` from `source` by `roles` (a unit user standing as one of `units`), with the
    fields it requires and accepts; the target state is decided by the effect (an evaluation branches)."""

    action: SuggestionAction
    source: SuggestionState
    roles: frozenset[Role]
    units: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    accepts: tuple[str, ...] = ()


def _steps(action: SuggestionAction, sources: Iterable[SuggestionState], roles: Iterable[Role],
           **kw: Any) -> dict[tuple[SuggestionState, SuggestionAction], Step]:
    return {(s, action): Step(action, s, frozenset(roles), **kw) for s in sources}


STEPS: dict[tuple[SuggestionState, SuggestionAction], Step] = {
    **_steps(A.ASSIGN, [S.REGISTERED], OFFICE, requires=("lead_unit",), accepts=("co_units", "due", "note")),
    **_steps(A.REASSIGN, HANDLING, OFFICE, requires=("lead_unit", "reason"), accepts=("co_units", "due")),
    **_steps(A.CO_OPINION, HANDLING, [Role.UNIT], units=(CO,), requires=("text",)),
    **_steps(A.REPLY, HANDLING, [Role.UNIT], units=(LEAD,), requires=("text",), accepts=("outcome",)),
    **_steps(A.EVALUATE, [S.REPLIED], CONGRESS_AND_OFFICE, requires=("satisfaction",), accepts=("comment",)),
    **_steps(A.REMIND, HANDLING, CONGRESS_AND_OFFICE, accepts=("units", "text")),
}
WHO: dict[SuggestionAction, Step] = {a: t for (_, a), t in reversed(STEPS.items())}
TARGETS = {A.ASSIGN: S.ASSIGNED, A.REASSIGN: None, A.CO_OPINION: None, A.REPLY: S.REPLIED, A.REMIND: None}


def _lead(value: Any, name: str) -> str:
    text = FIELDS["text"](value, name)
    if not text:
        raise MissingField(f"{name} must name one unit", name)
    return text


PARSERS = {**FIELDS, "lead_unit": _lead, "comment": FIELDS["note"],
           "satisfaction": lambda v, n: Satisfaction.parse(v, n),
           "outcome": lambda v, n: _choice(Outcome, v, n)}


def _choice(enum: type[StrEnum], value: Any, name: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        raise _unknown(value, name, [(m.value, glossary.zh(f"{name}.{m.value}")) for m in enum]) from None


def _unknown(value: Any, name: str, choices: list[tuple[str, str]]) -> InvalidValue:
    """The Chinese refusal of a value that is none of `choices` ((value, label) pairs) for field `name`."""
    valid = "、".join(f"{label}（{v}）" for v, label in choices)
    return InvalidValue(f"“{value}”无法识别（{name}）：请从{valid}中选择", name)


def named(term: SuggestionState | SuggestionAction) -> str:
    return f"{term.value} ({term.label})"


def check_permission(s: Suggestion, action: SuggestionAction, actor: Actor) -> None:
    who = WHO[action]
    if actor.role not in who.roles:
        roles = "、".join(r.label for r in Role if r in who.roles)
        raise PermissionDenied(f"{actor.role.label}不能办理代表建议的“{action.label}”：只有{roles}可以")
    if actor.role is Role.UNIT and s.role_of(actor.unit) not in who.units:
        need = "主办单位" if who.units == (LEAD,) else "协办单位"
        raise PermissionDenied(f"只有{need}可以办理这件代表建议的“{action.label}”")


def _step(s: Suggestion, action: SuggestionAction) -> Step:
    step = STEPS.get((s.state, action))
    if step is None:
        sources = "、".join(f"「{st.label}」" for (st, a) in STEPS if a is action)
        raise InvalidTransition(f"这件代表建议当前为「{s.state.label}」，不能{action.label}；"
                                f"只有{sources}的建议可以{action.label}：请刷新后查看可做的操作")
    return step


def _values(step: Step, data: Mapping[str, Any]) -> dict[str, Any]:
    return checked_values(step.action.label, step.requires, step.accepts, data, PARSERS)


def _units(s: Suggestion, lead: str, co: tuple[str, ...] | None) -> tuple[str, ...]:
    co = s.co_units if co is None else co
    if lead in co:
        raise InvalidValue(f"{lead}不能既是主办单位又是协办单位：请从协办单位中去掉它", "co_units")
    return co


# -- what each action changes: (suggestion changes, target state or None to stay, event facts) -------------

Change = tuple[dict[str, Any], SuggestionState | None, dict[str, Any]]


def _assign(s: Suggestion, v: dict[str, Any], actor: Actor, now: datetime, policy: SuggestionPolicy) -> Change:
    co = _units(s, v["lead_unit"], v["co_units"])
    due = v["due"] or by_rule(policy.first_rule(s.procedure), now.date())
    rnd = Round(no=1, assigned_at=now, due=due)
    return ({"lead_unit": v["lead_unit"], "co_units": co, "rounds": (rnd,)}, None,
            {"lead_unit": v["lead_unit"], "co_units": co, "due": due, "note": v["note"]})


def _reassign(s: Suggestion, v: dict[str, Any], actor: Actor, now: datetime, policy: SuggestionPolicy) -> Change:
    """Other units take the round over; its deadline counts afresh from now unless one is given."""
    co = _units(s, v["lead_unit"], v["co_units"])
    rule = policy.first_rule(s.procedure) if len(s.rounds) == 1 else policy.rehandle_rule
    due = v["due"] or by_rule(rule, now.date())
    assert s.current is not None
    rnd = replace(s.current, assigned_at=now, due=due, opinions=())
    return ({"lead_unit": v["lead_unit"], "co_units": co, "rounds": s.rounds[:-1] + (rnd,)}, None,
            {"lead_unit": v["lead_unit"], "co_units": co, "previous_lead_unit": s.lead_unit, "due": due,
             "reason": v["reason"]})


def _co_opinion(s: Suggestion, v: dict[str, Any], actor: Actor, now: datetime, policy: SuggestionPolicy) -> Change:
    assert s.current is not None and actor.unit is not None
    rnd = replace(s.current, opinions=s.current.opinions + (Opinion(actor.unit, v["text"], now),))
    return {"rounds": s.rounds[:-1] + (rnd,)}, None, {"round": rnd.no, "text": v["text"]}


def _reply(s: Suggestion, v: dict[str, Any], actor: Actor, now: datetime, policy: SuggestionPolicy) -> Change:
    """The reply awaits the deputy's evaluation; a review point's report (研究处理情况报告) closes it."""
    assert s.current is not None
    rnd = replace(s.current, reply=v["text"], outcome=v["outcome"], replied_at=now, replied_by=actor.id)
    facts = {"round": rnd.no, "text": v["text"], "outcome": v["outcome"], "late_days": rnd.late_days}
    if s.procedure is Procedure.REVIEW:
        return {"rounds": s.rounds[:-1] + (rnd,), "closed_at": now}, S.CLOSED, facts
    return {"rounds": s.rounds[:-1] + (rnd,)}, None, facts


def _evaluate(s: Suggestion, v: dict[str, Any], actor: Actor, now: datetime, policy: SuggestionPolicy) -> Change:
    """满意 and 基本满意 close it; 不满意 opens a re-handling round, unless the rounds allowed are used up."""
    assert s.current is not None
    rated = replace(s.current, satisfaction=v["satisfaction"], comment=v["comment"], evaluated_at=now)
    rounds = s.rounds[:-1] + (rated,)
    facts = {"round": rated.no, "satisfaction": v["satisfaction"], "comment": v["comment"], "next_due": None}
    if v["satisfaction"] is Satisfaction.DISSATISFIED and len(s.rounds) < policy.max_rounds:
        due = by_rule(policy.rehandle_rule, now.date())
        rounds += (Round(no=rated.no + 1, assigned_at=now, due=due),)
        return {"rounds": rounds}, S.REHANDLING, {**facts, "next_due": due}
    return {"rounds": rounds, "closed_at": now}, S.CLOSED, facts


def _remind(s: Suggestion, v: dict[str, Any], actor: Actor, now: datetime, policy: SuggestionPolicy) -> Change:
    units = v["units"] or ((s.lead_unit,) if s.lead_unit else ())
    strangers = [u for u in units if s.role_of(u) is None]
    if strangers:
        raise InvalidValue(f"{', '.join(strangers)} not a unit of suggestion {s.id!r}", "units")
    return {"reminders": s.reminders + 1}, None, {"units": units, "text": v["text"]}


EFFECTS = {A.ASSIGN: _assign, A.REASSIGN: _reassign, A.CO_OPINION: _co_opinion, A.REPLY: _reply,
           A.EVALUATE: _evaluate, A.REMIND: _remind}
EVENTS: dict[SuggestionAction, type[SuggestionEvent]] = {
    A.ASSIGN: SuggestionAssigned, A.REASSIGN: SuggestionReassigned, A.CO_OPINION: CoOpinionGiven,
    A.REPLY: SuggestionReplied, A.EVALUATE: SuggestionEvaluated, A.REMIND: SuggestionReminded}


def _check_now(now: Any) -> None:
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidValue(f"now must be a timezone-aware datetime, not {now!r}", "now")


def apply(s: Suggestion, action: SuggestionAction | str, actor: Actor, now: datetime, *,
          policy: SuggestionPolicy = SuggestionPolicy(), expected_version: int | None = None,
          **data: Any) -> tuple[Suggestion, SuggestionEvent]:
    """Take `action` on suggestion `s` as `actor` at `now`: the new suggestion (version + 1) and its event.

    Checks, in order, as `workflow.apply` does: who may, the version read, the state, the data.
    """
    try:
        action = SuggestionAction(action)
    except ValueError:
        raise InvalidValue(f"操作“{action}”无法识别：可选{'、'.join(a.label for a in SuggestionAction)}",
                           "action") from None
    _check_now(now)
    check_permission(s, action, actor)
    if expected_version is not None and expected_version != s.version:
        raise Conflict("这件代表建议已被他人修改，请刷新后重试")
    step = _step(s, action)
    changes, branch, facts = EFFECTS[action](s, _values(step, data), actor, now, policy)
    target = branch or TARGETS.get(action) or s.state
    new = replace(s, state=target, version=s.version + 1, **changes)
    event = EVENTS[action](item_id=s.id, version=new.version, at=now, actor=actor.id, role=actor.role,
                           unit=actor.unit, from_state=s.state, to_state=target, **facts)
    return new, event


def available(s: Suggestion, actor: Actor) -> list[SuggestionAction]:
    """The actions `actor` can take on `s` now, in the order of `SuggestionAction`."""
    out = []
    for action in SuggestionAction:
        try:
            check_permission(s, action, actor)
            _step(s, action)
        except (PermissionDenied, InvalidTransition):
            continue
        out.append(action)
    return out


def new_suggestion(*, id: str, title: str, actor: Actor, now: datetime, no: int | None = None,
                   category: str | None = None, deputies: Iterable[str] = (), text: str = "",
                   source: SourceRef | None = None,
                   procedure: Procedure | str = Procedure.SUGGESTION) -> tuple[Suggestion, SuggestionCreated]:
    """A registered suggestion (version 1) and its creation event: extracted from a review summary or typed in."""
    _check_now(now)
    if actor.role not in CONGRESS_AND_OFFICE:
        raise PermissionDenied(f"{actor.role.label}不能录入代表建议：只有人大和督查室可以录入")
    heading = FIELDS["title"](title, "title")
    if not heading:
        raise MissingField("代表建议须有标题", "title")
    fields = dict(title=heading, no=no, category=category or None, deputies=FIELDS["units"](list(deputies), "deputies"),
                  text=FIELDS["text"](text, "text") or "", source=source,
                  procedure=_choice(Procedure, procedure, "procedure"))
    s = Suggestion(id=id, **fields)
    event = SuggestionCreated(item_id=id, version=1, at=now, actor=actor.id, role=actor.role, unit=actor.unit,
                              from_state=None, to_state=s.state, **fields)
    return s, event


def from_record(record: Mapping[str, Any], *, id: str, actor: Actor, now: datetime, category: str | None = None,
                document: str | None = None, path: str | None = None,
                procedure: Procedure = Procedure.REVIEW) -> tuple[Suggestion, SuggestionCreated]:
    """A point of a congress review summary's `suggestions[i]` record (审议意见 unless told otherwise)."""
    span = record.get("span")
    source = SourceRef(document, tuple(span), path) if document and span else None
    return new_suggestion(id=id, title=record.get("title") or (record.get("text") or "")[:30], actor=actor, now=now,
                          no=record.get("no"), category=category, deputies=record.get("deputies") or (),
                          text=record.get("text") or "", source=source, procedure=procedure)


def procedure_of(review: Mapping[str, Any]) -> Procedure:
    """A summary of deputies' suggestions (代表建议汇总, no 审议 in its title) holds suggestions; any other
    congress review summary holds review points (审议意见)."""
    title = str(review.get("title") or "")
    return Procedure.SUGGESTION if "代表建议" in title and "审议" not in title else Procedure.REVIEW


def from_review(review: Mapping[str, Any], *, actor: Actor, now: datetime,
                prefix: str | None = None) -> list[tuple[Suggestion, SuggestionCreated]]:
    """Every suggestion of a congress review summary, with its group's category: ids `{prefix}-{group}.{no}`
    (the document's name by default), as the numbering starts again in each group."""
    doc = review.get("source")
    prefix = prefix or doc or "suggestion"
    procedure = procedure_of(review)
    out = []
    for gi, group in enumerate(review.get("suggestion_groups") or []):
        for si, rec in enumerate(group.get("suggestions") or []):
            out.append(from_record(rec, id=f"{prefix}-{group.get('no', gi + 1)}.{rec.get('no', si + 1)}", actor=actor,
                                   now=now, category=group.get("category"), document=doc,
                                   path=f"suggestion_groups[{gi}].suggestions[{si}]", procedure=procedure))
    if out:
        return out
    return [from_record(rec, id=f"{prefix}-{rec.get('no', i + 1)}", actor=actor, now=now, document=doc,
                        path=f"suggestions[{i}]", procedure=procedure)
            for i, rec in enumerate(review.get("suggestions") or [])]


def can_view(actor: Actor, s: Suggestion) -> bool:
    """The office, leaders and the congress read all suggestions; a unit those it leads or co-operates on."""
    if actor.role is Role.UNIT:
        return s.state is not SuggestionState.REGISTERED and s.role_of(actor.unit) is not None
    return True


# -- warnings ------------------------------------------------------------------------------------------------

def warning(s: Suggestion, today: date, policy: SuggestionPolicy = SuggestionPolicy()) -> ItemWarning:
    """The round's colour by `warnings.warning`: the reply deadline is the due date; while the deputy's
    evaluation is awaited the unit's clock is stopped at its reply (a late reply stays red)."""
    rnd = s.current
    if rnd is None or s.state in (SuggestionState.REGISTERED, SuggestionState.CLOSED):
        return NO_WARNING
    waiting = s.state is SuggestionState.REPLIED
    proxy = Item(id=s.id, kind=Kind.SUGGESTION, title=s.title,
                 state=State.COMPLETION_REQUESTED if waiting else State.IN_PROGRESS,
                 lead_units=(s.lead_unit,) if s.lead_unit else (), co_units=s.co_units, due=rnd.due,
                 assigned_at=rnd.assigned_at, last_progress_at=rnd.last_activity,
                 completion_requested_at=rnd.replied_at if waiting else None)
    return item_warning(proxy, today, policy.warning)


# -- statistics ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """Counts over a group of suggestions; `satisfied_rate` is (满意 + 基本满意) / evaluated, in whole percent."""

    total: int = 0
    registered: int = 0
    handling: int = 0
    replied: int = 0
    closed: int = 0
    overdue: int = 0
    rehandled: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0

    @property
    def evaluated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def satisfied_rate(self) -> int | None:
        if not self.evaluated:
            return None
        return round(100 * (self.satisfied + self.basically_satisfied) / self.evaluated)


def _tally(group: Iterable[Suggestion], today: date | None, policy: SuggestionPolicy) -> Tally:
    c: Counter[str] = Counter()
    for s in group:
        c["total"] += 1
        c[{S.REGISTERED: "registered", S.ASSIGNED: "handling", S.REHANDLING: "handling", S.REPLIED: "replied",
           S.CLOSED: "closed"}[s.state]] += 1
        c["rehandled"] += s.rehandled
        if s.satisfaction is not None:
            c[s.satisfaction.value] += 1
        if today is not None and warning(s, today, policy).overdue_days > 0:
            c["overdue"] += 1
    return Tally(**{k: c[k] for k in ("total", "registered", "handling", "replied", "closed", "overdue",
                                      "rehandled", "satisfied", "basically_satisfied", "dissatisfied")})


def by_category(suggestions: Iterable[Suggestion], today: date | None = None,
                policy: SuggestionPolicy = SuggestionPolicy()) -> dict[str, Tally]:
    """A tally per category (uncategorised under ""), categories in order of first appearance."""
    groups: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        groups.setdefault(s.category or "", []).append(s)
    return {k: _tally(v, today, policy) for k, v in groups.items()}


def by_unit(suggestions: Iterable[Suggestion], today: date | None = None, policy: SuggestionPolicy = SuggestionPolicy(),
            *, co_operating: bool = False) -> dict[str, Tally]:
    """A tally per lead unit (主办), ranked by most overdue then most handled; with `co_operating`, per
    co-operating unit (协办) instead. Unassigned suggestions are left out."""
    groups: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        for unit in (s.co_units if co_operating else ((s.lead_unit,) if s.lead_unit else ())):
            groups.setdefault(unit, []).append(s)
    tallies = {k: _tally(v, today, policy) for k, v in groups.items()}
    return dict(sorted(tallies.items(), key=lambda kv: (-kv[1].overdue, -kv[1].total, kv[0])))


def by_satisfaction(suggestions: Iterable[Suggestion]) -> dict[str, int]:
    """How many are 满意, 基本满意, 不满意 (by the latest evaluation) and not yet evaluated (`pending`);
    review points (审议意见) are never evaluated, so they are not counted."""
    c = Counter(s.satisfaction.value if s.satisfaction else "pending" for s in suggestions
                if s.procedure is Procedure.SUGGESTION)
    return {k: c[k] for k in (*(m.value for m in Satisfaction), "pending")}
