"""Deputies' suggestions (代表建议) in the database: tracking a congress review summary's suggestions, entering
one by hand, acting on one (assign, reply, evaluate, re-handle…) with optimistic locking, the list with its
reply-deadline warnings, statistics by category, unit and satisfaction, and each suggestion's history.

The rules are `luoshi.ledger.suggestions`'; a suggestion's id in them is `str(row.id)`, a unit's
`str(organisation.id)`. Every event goes into the hash-chained audit log (`append_admin`, subject
`suggestion:{id}`), in the transaction that changes the suggestion.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.ledger import Actor, Conflict, InvalidValue, Role, SourceRef
from luoshi.ledger.due import by_rule
from luoshi.ledger.suggestions import (CONGRESS_AND_OFFICE, Opinion, Outcome, Procedure, Round, Satisfaction, Suggestion,
                                       SuggestionAction, SuggestionEvent, SuggestionPolicy, SuggestionState, Tally,
                                       apply, available, by_category, by_satisfaction, by_unit, can_view, from_review,
                                       new_suggestion, warning)
from luoshi.ledger.warnings import ItemWarning
from luoshi.settings import Settings, get_settings
from luoshi.keys import session_secret
from luoshi.store import paging, search_index
from luoshi.store.audit import append_admin
from luoshi.store.items import DocumentRef, today_in, unit_ids, utcnow
from luoshi.store.models import AdminEntryRow, Document, Organisation
from luoshi.store.targets import _document, _documents, _system
from luoshi.store.paging import Key, Order, Page
from luoshi.store.tracking import SuggestionCoUnit, SuggestionRound, SuggestionRow, Tracked

PER_PAGE_MAX = 200
WARNINGS = ("red", "yellow", "green", "none")
# By reply deadline (none last), then id.
ORDER = Order("suggestions", (Key(SuggestionRow.due, nullable=True), Key(SuggestionRow.id)))


def policy_of(settings: Settings) -> SuggestionPolicy:
    """The suggestion rules with the configured reply period (`due_suggestion`, three months by default)
    and review points' report period (`due_review`, two months by default)."""
    try:
        return SuggestionPolicy(reply_rule=settings.due_suggestion, review_rule=settings.due_review)
    except InvalidValue:
        return SuggestionPolicy()


# -- what the web gets ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SuggestionView:
    """A suggestion with its reply-deadline warning today, the viewer's actions, its document and the
    names of its units (`units[id] = name`)."""

    suggestion: Suggestion
    warning: ItemWarning
    actions: list[SuggestionAction]
    document: DocumentRef | None
    units: dict[str, str]

    @property
    def id(self) -> int:
        return int(self.suggestion.id)


SuggestionPage = Page[SuggestionView]


@dataclass(frozen=True)
class SuggestionStatistics:
    """Tallies by category, by lead unit (keyed by unit name) and counts by satisfaction."""

    by_category: dict[str, Tally]
    by_unit: dict[str, Tally]
    by_satisfaction: dict[str, int]


# -- rows ↔ ledger suggestions ----------------------------------------------------------------------------

def to_suggestion(row: SuggestionRow) -> Suggestion:
    source = None
    if row.document_id is not None and row.span_start is not None and row.span_end is not None:
        source = SourceRef(str(row.document_id), (row.span_start, row.span_end), row.source_path)
    return Suggestion(id=str(row.id), title=row.title, no=row.no, category=row.category,
                      deputies=tuple(row.deputies or ()), text=row.text, source=source,
                      procedure=Procedure(row.procedure), state=SuggestionState(row.state),
                      lead_unit=str(row.lead_unit_id) if row.lead_unit_id is not None else None,
                      co_units=tuple(str(c.organisation_id) for c in row.co_units),
                      rounds=tuple(_round(r) for r in row.rounds), reminders=row.reminders,
                      closed_at=row.closed_at, version=row.version)


def _round(r: SuggestionRound) -> Round:
    opinions = tuple(Opinion(o["unit"], o["text"], datetime.fromisoformat(o["at"])) for o in r.opinions or ())
    return Round(no=r.no, assigned_at=r.assigned_at, due=r.due, opinions=opinions, reply=r.reply,
                 outcome=Outcome(r.outcome) if r.outcome else None, replied_at=r.replied_at, replied_by=r.replied_by,
                 satisfaction=Satisfaction(r.satisfaction) if r.satisfaction else None, comment=r.comment,
                 evaluated_at=r.evaluated_at)


def _round_columns(r: Round) -> dict[str, Any]:
    return dict(no=r.no, assigned_at=r.assigned_at, due=r.due,
                opinions=[{"unit": o.unit, "text": o.text, "at": o.at.isoformat()} for o in r.opinions],
                reply=r.reply, outcome=r.outcome.value if r.outcome else None, replied_at=r.replied_at,
                replied_by=r.replied_by, satisfaction=r.satisfaction.value if r.satisfaction else None,
                comment=r.comment, evaluated_at=r.evaluated_at)


def _columns(s: Suggestion, now: datetime) -> dict[str, Any]:
    return dict(state=s.state.value, lead_unit_id=int(s.lead_unit) if s.lead_unit else None, due=s.due,
                reminders=s.reminders, closed_at=s.closed_at, version=s.version, updated_at=now)


def fingerprint(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\0{''.join(text.split())}".encode("utf-8")).hexdigest()


def _log(session: Session, event: SuggestionEvent, settings: Settings | None) -> None:
    append_admin(session, type=event.type, actor=event.actor, subject=f"suggestion:{event.item_id}", at=event.at,
                 settings=settings, data=event.to_dict())


# -- creating --------------------------------------------------------------------------------------------

def _insert(session: Session, s: Suggestion, now: datetime, document_id: int | None = None) -> SuggestionRow:
    row = SuggestionRow(no=s.no, title=s.title, category=s.category, deputies=list(s.deputies), text=s.text,
                        document_id=document_id, span_start=s.source.span[0] if s.source else None,
                        span_end=s.source.span[1] if s.source else None,
                        source_path=s.source.path if s.source else None, fingerprint=fingerprint(s.title, s.text),
                        procedure=s.procedure.value, state=s.state.value, reminders=0, version=1, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def _created(session: Session, row: SuggestionRow, actor: Actor, now: datetime, settings: Settings | None) -> None:
    """The creation event under the row's id, now that it has one."""
    s = to_suggestion(row)
    _, event = new_suggestion(id=s.id, title=s.title, actor=actor, now=now, no=s.no, category=s.category,
                              deputies=s.deputies, text=s.text, source=s.source, procedure=s.procedure)
    _log(session, event, settings)


def track_review(session: Session, *, document: Document | int, actor: Actor | None = None,
                 now: datetime | None = None, settings: Settings | None = None, commit: bool = True) -> Tracked:
    """Turn a stored congress review summary's suggestions into registered suggestions (待交办), each with
    its group's category, deputies and source sentence. Idempotent: a suggestion this document or an
    earlier version of it already gave (same title and text) is `kept`."""
    doc = _document(session, document)
    now = now or utcnow()
    # Whoever stored the document, the suggestions are registered as the system's (only the office and
    # the congress may register them; an upload by anyone else must not fail for that).
    actor = actor if actor is not None and actor.role in CONGRESS_AND_OFFICE else _system()
    result = Tracked()
    if doc.doc_type != "congress_review":
        return result
    known = set(session.scalars(select(SuggestionRow.fingerprint)
                                .join(Document, Document.id == SuggestionRow.document_id)
                                .where(Document.name == doc.name)))
    record = {"title": doc.title, **(doc.record or {}), "source": str(doc.id)}
    for s, _ in from_review(record, actor=actor, now=now):
        key = fingerprint(s.title, s.text)
        if key in known:
            result.kept += 1
            continue
        known.add(key)
        row = _insert(session, s, now, doc.id)
        _created(session, row, actor, now, settings)
        result.inserted += 1
        result.ids.append(row.id)
    if commit:
        session.commit()
    return result


def create_suggestion(session: Session, *, actor: Actor, title: str, no: int | None = None,
                      category: str | None = None, deputies: Iterable[str] = (), text: str = "",
                      procedure: Procedure | str = Procedure.SUGGESTION, settings: Settings | None = None,
                      now: datetime | None = None) -> SuggestionView:
    """A suggestion (or, with `procedure` review, a review point) entered by hand (the office or the
    congress office). Commits."""
    now = now or utcnow()
    s, _ = new_suggestion(id="new", title=title, actor=actor, now=now, no=no, category=category, deputies=deputies,
                          text=text, procedure=procedure)
    row = _insert(session, s, now)
    _created(session, row, actor, now, settings)
    search_index.index_suggestions(session, [row.id])
    session.commit()
    return get_suggestion(session, suggestion_id=row.id, actor=actor, settings=settings, now=now)


# -- reading ----------------------------------------------------------------------------------------------

def _row(session: Session, suggestion_id: int | str) -> SuggestionRow:
    try:
        key = int(suggestion_id)
    except (TypeError, ValueError):
        raise NotFound.of("suggestion") from None
    row = session.scalars(select(SuggestionRow).where(SuggestionRow.id == key)
                          .execution_options(populate_existing=True)).first()
    if row is None:
        raise NotFound.of("suggestion")
    return row


def load_suggestion(session: Session, *, suggestion_id: int | str, actor: Actor) -> Suggestion:
    """The ledger `Suggestion` as `actor` may see it; NotFound when absent or not theirs to see."""
    s = to_suggestion(_row(session, suggestion_id))
    if not can_view(actor, s):
        raise NotFound.of("suggestion")
    return s


def _names(session: Session, items: Sequence[Suggestion]) -> dict[str, str]:
    ids = {int(u) for s in items for u in ((s.lead_unit,) if s.lead_unit else ()) + s.co_units}
    if not ids:
        return {}
    return {str(i): n for i, n in session.execute(select(Organisation.id, Organisation.name)
                                                   .where(Organisation.id.in_(ids)))}


def _views(session: Session, items: Sequence[Suggestion], actor: Actor, today: date,
           policy: SuggestionPolicy) -> list[SuggestionView]:
    names = _names(session, items)
    docs = _documents(session, {int(s.source.document) for s in items if s.source})
    return [SuggestionView(s, warning(s, today, policy), available(s, actor),
                           docs.get(int(s.source.document)) if s.source else None,
                           {u: names.get(u, u) for u in ((s.lead_unit,) if s.lead_unit else ()) + s.co_units})
            for s in items]


def get_suggestion(session: Session, *, suggestion_id: int | str, actor: Actor, settings: Settings | None = None,
                   now: datetime | None = None) -> SuggestionView:
    settings = settings or get_settings()
    s = load_suggestion(session, suggestion_id=suggestion_id, actor=actor)
    return _views(session, [s], actor, today_in(settings, now), policy_of(settings))[0]


def _visible(actor: Actor) -> Any:
    """The SQL condition for the suggestions `actor` may see (as `suggestions.can_view` decides)."""
    if actor.role is not Role.UNIT:
        return True
    try:
        unit = int(actor.unit or "")
    except ValueError:
        return False
    co = select(SuggestionCoUnit.suggestion_id).where(SuggestionCoUnit.organisation_id == unit)
    return (SuggestionRow.state != SuggestionState.REGISTERED.value) & or_(SuggestionRow.lead_unit_id == unit,
                                                                           SuggestionRow.id.in_(co))


def list_suggestions(session: Session, *, actor: Actor, state: str | Sequence[str] | None = None,
                     category: str | None = None, unit: int | str | None = None, warning: str | None = None,
                     satisfaction: str | None = None, document: int | None = None, q: str | None = None,
                     procedure: str | None = None, page: int = 1, per_page: int = 50, cursor: str | None = None,
                     settings: Settings | None = None, now: datetime | None = None) -> SuggestionPage:
    """The suggestions `actor` may see, filtered and paged, by reply deadline (none last), then id.

    state: one or several of registered, assigned, replied, rehandling, closed; unit: lead or co-operating
    (id or name); warning: red, yellow, green or none (the reply-deadline colour today); satisfaction: the
    latest evaluation (satisfied, basically_satisfied, dissatisfied or their Chinese labels); q: text in
    the title, text or deputies; procedure: suggestion (代表建议) or review (审议意见). page: pages 1 to
    `paging.MAX_OFFSET_PAGE` by number; cursor: a page's `next_cursor` or `prev_cursor` (then `page` is ignored;
    InvalidCursor: not one luoshi issued for this list).
    """
    settings = settings or get_settings()
    secret = session_secret(settings)
    at = paging.start(ORDER, cursor=cursor, page=page, per_page=per_page, per_page_max=PER_PAGE_MAX, secret=secret)
    conds: list[Any] = [_visible(actor)]
    states = [state] if isinstance(state, str) else list(state or [])
    for s in states:
        if s not in {m.value for m in SuggestionState}:
            raise InvalidValue(f"状态“{s}”无法识别：可选{'、'.join(f'{m.label}（{m.value}）' for m in SuggestionState)}",
                               "state")
    if states:
        conds.append(SuggestionRow.state.in_(states))
    if category:
        conds.append(SuggestionRow.category == category)
    if document is not None:
        conds.append(SuggestionRow.document_id == int(document))
    if procedure not in (None, ""):
        if procedure not in {p.value for p in Procedure}:
            raise InvalidValue(f"办理程序“{procedure}”无法识别：可选{'、'.join(f'{p.label}（{p.value}）' for p in Procedure)}",
                               "procedure")
        conds.append(SuggestionRow.procedure == procedure)
    if unit not in (None, ""):
        [unit_id] = unit_ids(session, [unit], "unit")
        co = select(SuggestionCoUnit.suggestion_id).where(SuggestionCoUnit.organisation_id == int(unit_id))
        conds.append(or_(SuggestionRow.lead_unit_id == int(unit_id), SuggestionRow.id.in_(co)))
    if q:
        like = f"%{q.strip()}%"
        conds.append(or_(SuggestionRow.title.like(like), SuggestionRow.text.like(like)))
    if warning not in (None, "") and warning not in WARNINGS:
        raise InvalidValue(f"预警“{warning}”无法识别：可选{'、'.join(WARNINGS)}", "warning")
    wanted = Satisfaction.parse(satisfaction) if satisfaction else None
    stmt = select(SuggestionRow).where(*conds)
    today, policy = today_in(settings, now), policy_of(settings)

    def judge(rows: list[SuggestionRow]) -> list[tuple[SuggestionRow, SuggestionView]]:
        """The warning (today against the deadline) and the latest evaluation, judged in Python."""
        chosen = [s for s in map(to_suggestion, rows) if wanted is None or s.satisfaction is wanted]
        views = {v.id: v for v in _views(session, chosen, actor, today, policy)}
        return [(r, views[r.id]) for r in rows
                if r.id in views and (not warning or _colour(views[r.id].warning) == warning)]

    return paging.listed(session, stmt, ORDER, at, page=page, per_page=per_page, secret=secret, scalars=True,
                         count=lambda: session.scalar(select(func.count(SuggestionRow.id)).where(*conds)),
                         views=lambda rows: _views(session, [to_suggestion(r) for r in rows], actor, today, policy),
                         judge=judge if warning or wanted else None)


def every_suggestion(session: Session, **filters: Any) -> list[SuggestionView]:
    """Every suggestion under `filters` (those of `list_suggestions`, `actor` included), page by page by cursor."""
    return paging.walk(lambda cursor: list_suggestions(session, per_page=PER_PAGE_MAX, cursor=cursor, **filters))


def _colour(w: ItemWarning) -> str:
    return w.colour.value if w.colour is not None else "none"


def suggestion_statistics(session: Session, *, actor: Actor, category: str | None = None,
                          settings: Settings | None = None, now: datetime | None = None) -> SuggestionStatistics:
    """Counts of the suggestions `actor` may see: by category, by lead unit (named) and by satisfaction;
    `overdue` counts the replies past their deadline today."""
    settings = settings or get_settings()
    stmt = select(SuggestionRow).where(_visible(actor)).order_by(SuggestionRow.id)
    if category:
        stmt = stmt.where(SuggestionRow.category == category)
    items = [to_suggestion(r) for r in session.scalars(stmt)]
    today, policy = today_in(settings, now), policy_of(settings)
    names = _names(session, items)
    units = {names.get(k, k): v for k, v in by_unit(items, today, policy).items()}
    return SuggestionStatistics(by_category(items, today, policy), units, by_satisfaction(items))


def suggestion_history(session: Session, *, suggestion_id: int | str, actor: Actor) -> list[dict[str, Any]]:
    """The events of a suggestion, oldest first, as the JSON dicts the audit log hashed."""
    s = load_suggestion(session, suggestion_id=suggestion_id, actor=actor)
    rows = session.scalars(select(AdminEntryRow.event).where(AdminEntryRow.subject == f"suggestion:{s.id}")
                           .order_by(AdminEntryRow.seq))
    return [json.loads(r)["data"] for r in rows]


# -- acting ---------------------------------------------------------------------------------------------

def _resolve(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Units named in a request (ids or any name) as organisation ids."""
    if payload.get("lead_unit") not in (None, ""):
        [payload["lead_unit"]] = unit_ids(session, [payload["lead_unit"]], "lead_unit")
    for name in ("co_units", "units"):
        value = payload.get(name)
        if value is not None:
            values = [value] if isinstance(value, (str, int)) else value
            payload[name] = list(unit_ids(session, [v for v in values if str(v).strip()], name))
    return payload


def save(session: Session, *, old: Suggestion, new: Suggestion, event: SuggestionEvent,
         settings: Settings | None = None, now: datetime | None = None) -> None:
    """Write `new` over `old` (rows of units and rounds included) with its event, without committing;
    Conflict when the row is no longer at `old`'s version (someone else wrote it first)."""
    now = now or event.at
    row_id = int(old.id)
    done = session.execute(update(SuggestionRow).where(SuggestionRow.id == row_id, SuggestionRow.version == old.version)
                           .values(**_columns(new, now)).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.rollback()
        raise Conflict("这件代表建议已被他人修改，请刷新后重试")
    if old.co_units != new.co_units:
        session.execute(delete(SuggestionCoUnit).where(SuggestionCoUnit.suggestion_id == row_id))
        if new.co_units:
            session.execute(insert(SuggestionCoUnit), [{"suggestion_id": row_id, "organisation_id": int(u),
                                                        "position": i} for i, u in enumerate(new.co_units)])
    if old.rounds != new.rounds:
        session.execute(delete(SuggestionRound).where(SuggestionRound.suggestion_id == row_id))
        session.execute(insert(SuggestionRound), [{"suggestion_id": row_id, **_round_columns(r)} for r in new.rounds])
    _log(session, event, settings)
    search_index.index_suggestions(session, [row_id])


def act_on_suggestion(session: Session, *, suggestion_id: int | str, actor: Actor, action: SuggestionAction | str,
                      expected_version: int | None, settings: Settings | None = None, now: datetime | None = None,
                      **payload: Any) -> SuggestionView:
    """Take `action` on a suggestion as `actor`, and commit the new state with its audit entry.

    Actions and their fields (see `luoshi.ledger.suggestions.STEPS`): assign (`lead_unit`, `co_units`,
    `due`, `note`; the office), reassign (`lead_unit`, `reason`, `co_units`, `due`), co_opinion (`text`; a
    co-operating unit), reply (`text`, `outcome`; the lead unit), evaluate (`satisfaction` 满意/基本满意/
    不满意, `comment`; the office or congress: 不满意 opens a re-handling round), remind (`units`, `text`).
    Units may be ids or names. Raises NotFound, PermissionDenied, Conflict (stale `expected_version`),
    InvalidTransition, MissingField, InvalidValue.
    """
    settings = settings or get_settings()
    # The rules take their dates from `now` (reply and re-handling periods): in the office's time zone
    # they count from the office's today, not from the UTC date.
    now = (now or utcnow()).astimezone(settings.zone)
    old = load_suggestion(session, suggestion_id=suggestion_id, actor=actor)
    policy = policy_of(settings)
    if str(action) in ("assign", "reassign") and payload.get("due") in (None, ""):
        first = str(action) == "assign" or len(old.rounds) <= 1
        rule = policy.first_rule(old.procedure) if first else policy.rehandle_rule
        payload["due"] = by_rule(rule, today_in(settings, now))
    new, event = apply(old, action, actor, now, policy=policy, expected_version=expected_version,
                       **_resolve(session, payload))
    save(session, old=old, new=new, event=event, settings=settings, now=now)
    session.commit()
    return get_suggestion(session, suggestion_id=old.id, actor=actor, settings=settings, now=now)
