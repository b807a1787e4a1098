"""Items in the database: reading one (`get_item`), the ledger query (`list_items`), acting on one (`act`)
and its history (`item_history`). The web app and the JSON API call these; the rules are the ledger's.

Ids: an item's id in the ledger's rules is `str(row.id)`; a unit's is `str(organisation.id)`. Every
write function commits. `act` writes the new state, the event and its audit entry in one transaction,
guarded by an optimistic lock on the item's version: of two users acting on the same version, the second
gets `luoshi.ledger.Conflict`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import Text, bindparam, case, cast, delete, func, insert, or_, select, union_all, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from luoshi.errors import NotFound
from luoshi import glossary
from luoshi.keys import session_secret
from luoshi.ledger import (Action, Actor, Conflict, Event, Extension, ExtensionStatus, InvalidValue, Item,
                           ItemWarning, Kind, Rating, Role, SourceRef, State, available, can_view, due_for,
                           WarningPolicy, new_item, warning)
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.due import check_not_past
from luoshi.ledger.errors import STALE
from luoshi.ledger.workflow import apply
from luoshi.settings import Settings, get_settings
from luoshi.store import paging
from luoshi.store.paging import Key, Page
from luoshi.store import aggregates, audit, counts, escalation, evidence, outbox, search_index
from luoshi.store.db import engine_of
from luoshi.store.kept import Kept, built, record_type, remember
from luoshi.store.types import among, one_of, seldom
from luoshi.store.models import (UNIT_COPY, Assignment, AuditEntryRow, Document, ExtensionRow, Instruction,
                                 InstructionAnswer, ItemRow, Organisation, ProgressReport, RatingRow, ReminderRow)
from luoshi.store import warnings as stored_warnings
from luoshi.store.evidence import StoredFile
from luoshi.store.warnings import CLOCKED, UNASKED, colour_clause

LEAD, CO = "lead", "co_operating"
PER_PAGE_MAX = 200
SORTS = {
    "due": (ItemRow.due.asc().nulls_last(), ItemRow.id),
    "-due": (ItemRow.due.desc().nulls_last(), ItemRow.id.desc()),
    "id": (ItemRow.id,), "-id": (ItemRow.id.desc(),),
    "updated": (ItemRow.updated_at, ItemRow.id), "-updated": (ItemRow.updated_at.desc(), ItemRow.id.desc()),
    "state": (ItemRow.state, ItemRow.id), "title": (ItemRow.title, ItemRow.id),
    "progress": (ItemRow.progress, ItemRow.id), "-progress": (ItemRow.progress.desc(), ItemRow.id.desc()),
}
# The keys of each order, as a cursor names a row (the same order as SORTS; only `due` holds NULLs).
KEYS = {
    "due": (Key(ItemRow.due, nullable=True), Key(ItemRow.id)),
    "-due": (Key(ItemRow.due, True, nullable=True), Key(ItemRow.id, True)),
    "id": (Key(ItemRow.id),), "-id": (Key(ItemRow.id, True),),
    "updated": (Key(ItemRow.updated_at), Key(ItemRow.id)), "-updated": (Key(ItemRow.updated_at, True), Key(ItemRow.id, True)),
    "state": (Key(ItemRow.state), Key(ItemRow.id)), "title": (Key(ItemRow.title), Key(ItemRow.id)),
    "progress": (Key(ItemRow.progress), Key(ItemRow.id)), "-progress": (Key(ItemRow.progress, True), Key(ItemRow.id, True)),
}


# -- what the web gets ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentRef:
    id: int
    name: str
    title: str | None
    version: int


@dataclass(frozen=True)
class ItemView:
    """An item as a page or the API shows it: the ledger's `Item`, its warning today, the actions the
    viewer can take now, its source document, and the names of its units (`units[id] = name`)."""

    item: Item
    warning: ItemWarning
    actions: list[Action]
    document: DocumentRef | None
    units: dict[str, str]
    source_text: str | None = None  # the sentence the item was read from (get_item only)
    # Everything the view was made of (a ledger page's row, its document, the viewer, the day, the rules),
    # when it is kept for the next page that shows the same (`_views`); None when it is not.
    key: Any = field(default=None, compare=False, repr=False)
    # Of a kept view: what the web made of it (its JSON, its ledger row's HTML), kept with it and leaving
    # with it; None when the view is not kept.
    made: dict[Any, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> int:
        return int(self.item.id)

    def made_once(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()` of this kept view (`made` is not None), made the first time `key` is asked for and kept
        with the view after (the same view makes the same JSON or HTML)."""
        found = self.made.get(key)  # type: ignore[union-attr]  # a kept view's
        if found is None:
            found = self.made[key] = make()  # type: ignore[index]
        return found


ItemPage = Page[ItemView]


@dataclass(frozen=True)
class HistoryEntry:
    """One step of an item's history: the event as hashed (`data`), and who, when, what, in short."""

    seq: int
    type: str
    at: datetime
    actor: str
    from_state: State | None
    to_state: State
    data: dict[str, Any] = field(default_factory=dict)


# -- rows ↔ ledger items -------------------------------------------------------------------------------

def to_item(row: ItemRow, zone: tzinfo | None = None) -> Item:
    """The ledger's `Item` of a row (with its assignments and extensions loaded); its times in `zone`
    (the office's, so that the ledger's dates of them are local dates), else in UTC."""
    return _item(row, row.assignments, row.extensions, zone)


def _item(row: Any, assignments: Iterable[Any], extensions: Iterable[Any], zone: tzinfo | None) -> Item:
    """The `Item` of an item row, ORM object or Core row alike, with its assignment and extension rows."""
    source = None
    if row.document_id is not None and row.span_start is not None and row.span_end is not None:
        source = SourceRef(str(row.document_id), (row.span_start, row.span_end), row.source_path)
    lead, co = [], []
    for a in assignments:
        if a.role == LEAD:
            lead.append(str(a.organisation_id))
        elif a.role == CO:
            co.append(str(a.organisation_id))
    return Item.restored(
        id=str(row.id), kind=_KINDS[row.kind], title=row.title, text=row.text, source=source,
        state=_STATES[row.state], lead_units=tuple(lead), co_units=tuple(co),
        due=row.due, due_text=row.due_text, progress=row.progress,
        last_progress_at=_local(row.last_progress_at, zone), assigned_at=_local(row.assigned_at, zone),
        completion_requested_at=_local(row.completion_requested_at, zone), closed_at=_local(row.closed_at, zone),
        cancel_reason=row.cancel_reason, returns=row.returns, return_reason=row.return_reason,
        reminders=row.reminders, last_reminded_at=_local(row.last_reminded_at, zone),
        extensions=tuple(_extension(e, zone) for e in extensions),
        rating=_RATINGS[row.rating] if row.rating else None, version=row.version)


# The enums by stored value: a dict lookup, where calling the enum class costs a microsecond a field.
_KINDS = {k.value: k for k in Kind}
_STATES = {s.value: s for s in State}
_RATINGS = {r.value: r for r in Rating}
_EXTENSION_STATES = {s.value: s for s in ExtensionStatus}


def _local(value: datetime | None, zone: tzinfo | None) -> datetime | None:
    """A stored time in `zone` (None: as stored, in UTC)."""
    return value.astimezone(zone) if value is not None and zone is not None else value


def _extension(e: ExtensionRow, zone: tzinfo | None = None) -> Extension:
    return Extension(e.requested_due, e.previous_due, e.reason, e.requested_by,  # type: ignore[arg-type]
                     _local(e.requested_at, zone), _EXTENSION_STATES[e.status], e.granted_due, e.decided_by,
                     _local(e.decided_at, zone), e.decision_note)


def _columns(item: Item, now: datetime, settings: Settings) -> dict[str, Any]:
    """The item's own columns, as `UPDATE items SET …` writes them, with the days it turns yellow and red."""
    return dict(kind=item.kind.value, state=item.state.value, title=item.title, text=item.text, due=item.due,
                due_text=item.due_text, progress=item.progress, last_progress_at=item.last_progress_at,
                assigned_at=item.assigned_at, completion_requested_at=item.completion_requested_at,
                closed_at=item.closed_at, cancel_reason=item.cancel_reason, returns=item.returns,
                return_reason=item.return_reason, reminders=item.reminders,
                last_reminded_at=item.last_reminded_at, rating=item.rating.value if item.rating else None,
                extension_count=len(item.extensions), version=item.version, updated_at=now,
                **stored_warnings.warning_columns(item, settings.warning_policy, settings.timezone))


def _write_units(session: Session, item_id: int, item: Item, columns: dict[str, Any]) -> None:
    """The item's units, each with its copy of the item's `columns` (`UNIT_COPY`)."""
    session.execute(delete(Assignment).where(Assignment.item_id == item_id))
    copy = {name: columns[name] for name in UNIT_COPY}
    rows = [{"item_id": item_id, "organisation_id": int(u), "role": LEAD, "position": i, **copy}
            for i, u in enumerate(item.lead_units)]
    rows += [{"item_id": item_id, "organisation_id": int(u), "role": CO, "position": len(rows) + i, **copy}
             for i, u in enumerate(item.co_units)]
    if rows:
        session.execute(insert(Assignment), rows)


def _write_extensions(session: Session, item_id: int, old: Item, new: Item) -> None:
    if old.extensions == new.extensions:
        return
    session.execute(delete(ExtensionRow).where(ExtensionRow.item_id == item_id))
    session.execute(insert(ExtensionRow), [
        dict(item_id=item_id, position=i, requested_due=e.requested_due, previous_due=e.previous_due,
             reason=e.reason, requested_by=e.requested_by, requested_at=e.requested_at, status=e.status.value,
             granted_due=e.granted_due, decided_by=e.decided_by, decided_at=e.decided_at,
             decision_note=e.decision_note) for i, e in enumerate(new.extensions)])


# -- clocks and settings ------------------------------------------------------------------------------

def utcnow() -> datetime:
    return datetime.now(UTC)


def today_in(settings: Settings, now: datetime | None = None) -> date:
    """Today's date where the office is (settings.timezone)."""
    return (now or utcnow()).astimezone(settings.zone).date()


# -- units named in requests -------------------------------------------------------------------------

def unit_ids(session: Session, values: Iterable[str | int], field_name: str = "units") -> tuple[str, ...]:
    """Organisation ids (as strings) for ids or names: `12`, `"12"`, `"市发改委"` (any alias). An unknown
    unit raises InvalidValue naming it."""
    from luoshi.store.orgs import find_organisation

    out = []
    for value in values:
        org = find_organisation(session, value)
        if org is None:
            raise InvalidValue(f"{glossary.field(field_name)}“{value}”不在单位名录中：请从单位名录中选择单位",
                               field_name)
        out.append(str(org.id))
    return tuple(dict.fromkeys(out))


def _resolve_units(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    for name in ("lead_units", "co_units", "units"):
        value = payload.get(name)
        if value is None:
            continue
        values = [value] if isinstance(value, (str, int)) else value
        if isinstance(values, (list, tuple)):
            payload[name] = list(unit_ids(session, [v for v in values if str(v).strip()], name))
    return payload


# -- reading -----------------------------------------------------------------------------------------

def _key(item_id: int | str) -> int:
    try:
        return int(item_id)
    except (TypeError, ValueError):
        raise NotFound.of("item") from None


def load_item(session: Session, *, item_id: int | str, actor: Actor) -> Item:
    """The ledger `Item` with this id as `actor` may see it, as the database holds it now (times in UTC);
    NotFound when absent or not theirs to see. Read as Core rows, as a ledger page reads its items: an ORM
    object with its assignments and extensions loaded cost a write a sixth of its time."""
    found = _LOAD.first(session, {"id": _key(item_id)})
    if found is None:
        raise NotFound.of("item")
    [item], _ = _assemble(session, [found], None)
    if not can_view(actor, item):
        raise NotFound.of("item")
    return item


def visible_id(session: Session, item_id: int | str, actor: Actor) -> int:
    """The id of an item `actor` may see, asked of the database alone (the SQL of `can_view`); NotFound when
    there is none or it is not theirs to see."""
    key, visible = _key(item_id), visible_to(actor)
    if visible is False or session.scalar(select(ItemRow.id).where(
            ItemRow.id == key, *(() if visible is True else (visible,)))) is None:
        raise NotFound.of("item")
    return key


# A stored document's name, title and version never change (a changed file is stored as a new document),
# so a process remembers the ones it has read, per database.
_DOCUMENT_REFS: WeakKeyDictionary[Any, dict[int, DocumentRef]] = WeakKeyDictionary()


def _documents(session: Session, ids: set[int]) -> dict[int, DocumentRef]:
    known = _DOCUMENT_REFS.setdefault(engine_of(session), {})
    missing = [i for i in ids if i not in known]
    if missing:
        rows = session.execute(select(Document.id, Document.name, Document.title, Document.version)
                               .where(Document.id.in_(missing)))
        known.update({r.id: DocumentRef(r.id, r.name, r.title, r.version) for r in rows})
    return {i: known[i] for i in ids if i in known}


def _view(row: ItemRow, item: Item, actor: Actor, today: date, policy: WarningPolicy,
          documents: dict[int, DocumentRef], names: dict[str, str], source_text: str | None = None,
          key: Any = None) -> ItemView:
    doc = documents.get(row.document_id) if row.document_id is not None else None
    units = {u: names.get(u, u) for u in item.lead_units + item.co_units}
    return ItemView(item, warning(item, today, policy), available(item, actor), doc, units, source_text, key,
                    None if key is None else {})


def get_item(session: Session, *, item_id: int | str, actor: Actor, settings: Settings | None = None,
             now: datetime | None = None) -> ItemView:
    """One item with its warning, the viewer's actions, its document and source sentence.

    NotFound when there is no such item or `actor` may not see it (another unit's item): the web
    answers 404 for both.
    """
    settings = settings or get_settings()
    row = _ONE.first(session, {"id": _key(item_id)})
    if row is None:
        raise NotFound.of("item")
    [item], names = _assemble(session, [row], settings.zone)
    if not can_view(actor, item):
        raise NotFound.of("item")
    documents = {} if row.document_name is None else {
        row.document_id: DocumentRef(row.document_id, row.document_name, row.document_title, row.document_version)}
    return _view(row, item, actor, today_in(settings, now), settings.warning_policy, documents, names,
                 row.source_text)


def _assemble(session: Session, rows: Sequence[Any], zone: tzinfo | None) -> tuple[list[Item], dict[str, str]]:
    """The `Item`s of item rows (Core rows of `_LISTED`), with their units read in one query and their
    extensions in another (only for rows that count any), and the names of those units (`names[id]`). Rows
    that carry them (`_folded`) are `_unfolded`'s (`_views` tells them apart)."""
    ids = [r.id for r in rows]
    units: dict[int, list[Any]] = {i: [] for i in ids}
    extensions: dict[int, list[Any]] = {i: [] for i in ids}
    names: dict[str, str] = {}
    if ids:
        connection = session.connection()
        for a in _UNITS.all(connection, {"ids": ids}):  # kept statements (see _UNITS)
            units[a.item_id].append(a)
            names[str(a.organisation_id)] = a.name
        extended = [r.id for r in rows if r.extension_count]
        for e in _EXTENSIONS.all(connection, {"ids": extended}) if extended else ():
            extensions[e.item_id].append(e)
    return [_item(r, units[r.id], extensions[r.id], zone) for r in rows], names


_Unit = record_type(("organisation_id", "role"))
_EXTENSION_FIELDS = ("requested_due", "previous_due", "reason", "requested_by", "requested_at", "status",
                     "granted_due", "decided_by", "decided_at", "decision_note")
_Extension = record_type(_EXTENSION_FIELDS)


def _unfolded(rows: Sequence[Any], zone: tzinfo | None) -> tuple[list[Item], dict[str, str]]:
    """`_assemble` of page rows that carry their units and extensions as JSON (`_folded`)."""
    items, names = [], {}
    for r in rows:
        units = []
        for organisation, role, name in orjson.loads(r.units) if r.units else ():
            units.append(_Unit(organisation, role))
            names[str(organisation)] = name
        extensions = [_Extension(_day(e[0]), _day(e[1]), e[2], e[3], _moment(e[4]), e[5], _day(e[6]), e[7],
                                 _moment(e[8]), e[9]) for e in (orjson.loads(r.extensions) if r.extensions else ())]
        items.append(_item(r, units, extensions, zone))
    return items, names


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str | None) -> datetime | None:
    """A time as PostgreSQL's JSON writes a timestamptz (in the connection's zone, UTC), in UTC."""
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def visible_to(actor: Actor, *within: Any) -> Any:
    """The SQL condition for the items `actor` may see (as `luoshi.ledger.can_view` decides); for a unit's
    user, `within` narrows its items by conditions on their assignments' copies (see `list_items`)."""
    if actor.role in OFFICE or actor.role is Role.LEADER:
        return True
    if actor.role is Role.UNIT:
        try:
            unit = int(actor.unit or "")
        except ValueError:
            return False
        return ItemRow.id.in_(_handed_to(unit, *within))
    return ItemRow.assigned_at.isnot(None) & (ItemRow.kind == Kind.SUGGESTION.value)


def _handed_to(unit: int, *within: Any) -> Any:
    """The ids of the items handed out (交办) to `unit`, of those with assignments `within`, from the copies
    on the unit's assignments: drafts are not read to be left out."""
    return _items_of(unit, Assignment.assigned_at.isnot(None), *within)


def _items_of(unit: int, *within: Any) -> Any:
    """The ids of the items `unit` leads or co-operates on, of those with assignments `within` (conditions
    on `Assignment`'s copies of the item's columns): one range of the assignments' unit index answers it."""
    return select(Assignment.item_id).where(Assignment.organisation_id == unit, *within)


def _as_list(value: Any) -> list[Any] | None:
    if value is None or value == "" or value == []:
        return None
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


COLOURS = ("red", "yellow", "green")  # the warnings a ledger filters by whose totals are kept (not "none")


def list_items(session: Session, *, actor: Actor, state: str | Sequence[str] | None = None,
               unit: int | str | None = None, warning: str | None = None, document: int | str | None = None,
               kind: str | None = None, due_from: date | None = None, due_to: date | None = None,
               q: str | None = None, returned: bool | None = None, sort: str = "due", page: int = 1,
               per_page: int = 50, cursor: str | None = None,
               settings: Settings | None = None, now: datetime | None = None) -> ItemPage:
    """The ledger (督办台账): the items `actor` may see, filtered, sorted and paged, with the total.

    - state: one state or several (`draft`, `assigned`, …); unit: an organisation id or name (lead or
      co-operating); warning: `red`, `yellow`, `green` or `none` (computed in SQL, as the ledger's
      `warning` computes it); document: a document id; due_from/due_to: inclusive dates; q: text in the
      title or body; returned: True for items sent back (退回) and being handled again; sort: one of SORTS (`due`, `-due`, `id`, `-id`, `updated`, `-updated`, `state`,
      `title`, `progress`, `-progress`).
    - page: pages 1 to `paging.MAX_OFFSET_PAGE` by number; cursor: the page's `next_cursor` or `prev_cursor`
      (then `page` is ignored), which seeks in the index however deep the page is (InvalidCursor: not one
      luoshi issued for this order).
    """
    settings = settings or get_settings()
    today = today_in(settings, now)
    if sort not in SORTS:
        raise InvalidValue(f"排序方式“{sort}”无法识别：可选{'、'.join(SORTS)}", "sort")
    if page < 1 or not 1 <= per_page <= PER_PAGE_MAX:
        raise InvalidValue(f"页码须不小于 1，每页条数须在 1–{PER_PAGE_MAX} 之间", "page")
    at = paging.decode(cursor, sort, KEYS[sort], session_secret(settings)) if cursor else None
    if at is None and page > paging.MAX_OFFSET_PAGE:
        raise paging.InvalidCursor(paging.TOO_DEEP)
    states = _as_list(state)
    if states:
        valid = {s.value for s in State}
        bad = [s for s in states if s not in valid]
        if bad:
            raise InvalidValue(f"状态“{bad[0]}”无法识别：可选{'、'.join(f'{s.label}（{s.value}）' for s in State)}",
                               "state")
    # A unit's assignments carry copies of its items' state, due date and warning days: the unit's items
    # that match are found in one range of their index, not among all of the unit's items.
    pushed: list[Any] = []
    conds: list[Any] = []
    narrowed = False  # by a condition on the item that its assignments' copies cannot answer
    if states:
        # One state is `=`: the statement of a page then has one SQL text for any state (an IN's list is
        # rendered anew for each length, and `kept.built` leaves such statements to SQLAlchemy).
        one = ItemRow.state == states[0]  # by due date, SQLite is told few items are in it (`seldom`)
        # Several (checked above to be states' names) are constants in the SQL: the page is kept (`one_of`).
        several = sorted(set(states))
        conds.append((seldom(one) if sort in BY_DUE else one) if len(states) == 1 else one_of(ItemRow.state, several))
        pushed.append(Assignment.state == states[0] if len(states) == 1 else one_of(Assignment.state, several))
    if warning not in (None, ""):
        stored_warnings.ensure_current(session, settings.warning_policy, settings.timezone)
        try:
            conds.append(colour_clause(warning, today))
        except ValueError:
            raise InvalidValue(f"预警“{warning}”无法识别：可选红灯（red）、黄灯（yellow）、绿灯（green）、无（none）",
                               "warning") from None
        if warning != "none":
            pushed.append(colour_clause(warning, today, on=Assignment))
        else:
            narrowed = True
    conds.insert(0, visible_to(actor, *pushed))
    if unit not in (None, ""):
        # An id is looked up only if nothing is found (then an unknown unit is an error); a name first.
        unit_id = int(str(unit).strip()) if str(unit).strip().isdigit() else int(unit_ids(session, [unit], "unit")[0])
        conds.append(ItemRow.id.in_(_items_of(unit_id, *pushed)))
    if kind:
        if kind not in {k.value for k in Kind}:
            raise InvalidValue(f"类别“{kind}”无法识别：可选{'、'.join(f'{k.label}（{k.value}）' for k in Kind)}", "kind")
        conds.append(ItemRow.kind == kind)
    if document not in (None, ""):
        if not str(document).strip().isdigit():
            raise InvalidValue(f"来源文件“{document}”须为文件编号（整数）", "document")
        conds.append(ItemRow.document_id == int(str(document).strip()))
    if due_from is not None:
        conds.append(ItemRow.due >= due_from)
    if due_to is not None:
        conds.append(ItemRow.due <= due_to)
    if returned is not None:
        again = (ItemRow.returns > 0) & (ItemRow.state == State.IN_PROGRESS.value)
        conds.append(again if returned else ~again)
    if q and q.strip():
        like = f"%{_escape_like(q.strip())}%"
        conds.append(or_(ItemRow.title.like(like, escape="\\"), ItemRow.text.like(like, escape="\\")))
    narrowed = narrowed or any(f not in (None, "") for f in (unit, kind, document, due_from, due_to, returned)) \
        or bool(q and q.strip())
    where = [c for c in conds if c is not True]
    if any(c is False for c in where):  # (`False in where` would compare each SQL condition with False)
        return ItemPage([], 0, page, per_page)
    one_unit = unit not in (None, "")
    kept: Callable[[], int | None] | None = None
    if len(where) == (1 if states else 0) and conds[0] is True:
        # All the items of some states (the office's unfiltered ledger): the total is kept, not counted.
        kept = lambda: counts.items_in(session, states)  # noqa: E731
    elif conds[0] is True and warning in COLOURS and len(where) == (2 if states else 1):
        # The office's ledger by state and colour: the total is kept by the dashboard's facts, if they
        # answer for today (else counted).
        kept = lambda: _kept_coloured(session, str(warning), states, today, settings)  # noqa: E731
    elif actor.role is Role.UNIT and not narrowed:
        # A unit user's own ledger, by state and colour at most: its assignments alone count it.
        mine = _handed_to(int(actor.unit or 0), *pushed).with_only_columns(func.count())
        kept = lambda: session.scalar(mine) or 0  # noqa: E731
    # The office's items of some states by due date or by id are read from the (state, due) or (state, id)
    # index (a unit's, and one unit's, from their assignments). The states the rows can be in, when more
    # than one: each one's range in order. And red is the day after the due date (luoshi.ledger.warning_dates): a red item is due before
    # today, which the index seeks, where red_on is only checked entry by entry (red items by due date,
    # latest first: the in-progress items not yet due were read before the first red one); yellow and green
    # ones earliest due first are due today or later, or have none (`_branches`).
    by_state = sort in BY_STATE and conds[0] is True and not one_unit
    held = set(states) if states else None
    if warning in COLOURS:
        held = (held or set(CLOCKED)) & set(CLOCKED)
    hint = [ItemRow.due < today] if by_state and warning == "red" and sort in BY_DUE else []
    split = (_branches(held, warning, today, sort)
             if by_state and held and engine_of(session).dialect.name == "postgresql" else None)
    if at is None:
        rows, total = _numbered_page(session, where, sort, page, per_page, one_unit, kept=kept, split=split,
                                     hint=hint)
        more = page * per_page < total
    else:
        rows, more = _page_at(session, where + hint, sort, at, per_page, split=split)
        page, total = at.page, at.total
    if not rows and one_unit:
        unit_ids(session, [unit], "unit")  # an unknown unit is an error, not an empty ledger
    views = _views(session, rows, actor, today, settings)
    return ItemPage(views, total, page, per_page,
                    next_cursor=_cursor_of(rows[-1], sort, page + 1, False, total, settings) if rows and more else None,
                    prev_cursor=_cursor_of(rows[0], sort, page - 1, True, total, settings) if rows and page > 1 else None)


VIEWS_KEPT = 4096  # ledger rows' views kept per process, the oldest leaving first (with their JSON and HTML: ~60 MB)
_KEPT_VIEWS: dict[Any, ItemView] = {}


def _views(session: Session, rows: Sequence[Any], actor: Actor, today: date, settings: Settings) -> list[ItemView]:
    """The views of a ledger page's rows. A row read with its units and extensions (`_folded`) holds all that
    its item is made of: its view is kept, by the row with its document, the viewer, the day and the rules,
    for the next page that shows the same row to the same viewer that day. The same input makes the same
    view, so a kept one is never stale: an item that changes is read as another row (its version, at least,
    moved on), and the kept view of the old row is simply no longer asked for. Making a view (the ledger's
    `Item`, its warning, the viewer's actions) was a third of a ledger API request's instructions."""
    documents = _documents(session, {r.document_id for r in rows if r.document_id is not None})
    policy = settings.warning_policy
    if not rows or not hasattr(rows[0], "units"):  # units read after the page: nothing to key a view by
        items, names = _assemble(session, rows, settings.zone)
        return [_view(r, i, actor, today, policy, documents, names) for r, i in zip(rows, items)]
    context = (actor, today, policy, settings.zone)
    keys = [(row, documents.get(row.document_id), context) for row in rows]
    views = [_KEPT_VIEWS.get(key) for key in keys]
    missing = [n for n, view in enumerate(views) if view is None]
    if missing:
        items, names = _unfolded([rows[n] for n in missing], settings.zone)
        for n, item in zip(missing, items):
            views[n] = view = _view(rows[n], item, actor, today, policy, documents, names, key=keys[n])
            remember(_KEPT_VIEWS, keys[n], view, VIEWS_KEPT)
    return views  # type: ignore[return-value]  # every one found or made


def _numbered_page(session: Session, where: list[Any], sort: str, page: int, per_page: int,
                   one_unit: bool, kept: Callable[[], int | None] | None = None,
                   split: list[list[Any]] | None = None, hint: Sequence[Any] = ()) -> tuple[list[Any], int]:
    """Page `page` by OFFSET (the first few pages only) and the total (`split`: see `_ordered`; `hint`:
    conditions every row of `where` meets, which help an index find the page, not the count)."""
    offset = (page - 1) * per_page
    # One unit's items are all read to be sorted, so counting them on the way costs nothing; of all units'
    # items, a page is read from an index in order and stops early, and a count is a query of its own.
    rows = _page_rows(session, _ordered(_PAGE_COUNTED if one_unit else _PAGE, [*where, *hint], sort, per_page,
                                        offset, split), sort)
    # A page that is not full is the last one, and says the total itself: the count over 100 000 rows
    # (the bulk of a filtered page's time) is only needed when more pages follow or the page is past the end.
    if len(rows) < per_page and (rows or page == 1):
        return rows, offset + len(rows)
    total = kept() if kept is not None else None
    return rows, total if total is not None else _total(session, where, rows, one_unit)


def _kept_coloured(session: Session, colour: str, states: Sequence[str], today: date,
                   settings: Settings) -> int | None:
    """The office's total of `states` (none: all) in `colour` from the dashboard's kept facts; None when
    they do not answer for `today` (a day before the one they are folded through: a test's past), or are
    still being keyed by state after an upgrade (`aggregates.key_facts`)."""
    if not (aggregates.ready(session, settings.timezone, settings.warning_policy.near_days, today)
            and aggregates.keyed(session)):
        return None
    return aggregates.coloured(session, colour, states or None, today)


def _branches(held: set[str], warning: str | None, today: date, sort: str) -> list[list[Any]] | None:
    """The ranges of the (state, …) index a page of the `held` states is merged from (`_ordered`), each
    read in order: one per state; and, earliest due first, yellow or green items whose clock runs with no
    completion asked for in two per state, those due today or later and those with no due date. Such an item
    turns red the day after its due date (`luoshi.ledger.warning_dates`), so it is yellow or green only until
    then: its due date is sought in the index, where the colour was checked entry by entry past every red
    item's, which come first (yellow in progress by due date, page 2, at 1 000 000 items: 4.9 → 0.2 ms of
    PostgreSQL). Latest due first reaches them before the red ones: one range. None: one range in all."""
    ranges: list[list[Any]] = [[]]
    if warning in ("yellow", "green") and sort == "due" and held <= UNASKED:
        ranges = [[ItemRow.due >= today], [ItemRow.due.is_(None)]]
    branches = [[ItemRow.state == state, *more] for state in sorted(held) for more in ranges]
    return branches if len(branches) > 1 else None


def _page_at(session: Session, where: list[Any], sort: str, at: paging.Cursor, per_page: int,
             split: list[list[Any]] | None = None) -> tuple[list[Any], bool]:
    """The page after (or before) the cursor's row, sought in the order's index; whether rows follow it."""
    keys = KEYS[sort]
    sought = [*where, paging.seek(keys, at.values, at.backwards)]
    if at.backwards:  # the page the cursor came from follows
        rows = _page_rows(session, _ordered(_PAGE, sought, sort, per_page, 0, split, backwards=True), sort,
                          backwards=True)
        return rows[::-1], True
    rows = _page_rows(session, _ordered(_PAGE, sought, sort, per_page + 1, 0, split), sort)
    return rows[:per_page], len(rows) > per_page


# The orders an index on (state, …) holds: a page of several states is merged from each one's range.
BY_DUE = ("due", "-due")
BY_STATE = (*BY_DUE, "id", "-id")


def _ordered(base: Any, where: list[Any], sort: str, limit: int, offset: int, split: list[list[Any]] | None,
             backwards: bool = False) -> Any:
    """`base`'s rows that meet `where` in the order `sort` (`backwards`: read backwards, as before a cursor),
    `limit` of them from `offset`. With `split` (the conditions of the ranges the rows are in, when the order
    is one of BY_STATE: `_branches`), each range's first `offset + limit` are read from its own range of the
    (state, due) index and merged: PostgreSQL reads one state's range in order, but of several it walked the
    order's whole index and kept the rows of those states (the office's red items by due date, of three
    states, at 1 000 000 items: 350 ms, past 220 000 closed items; merged: 3 ms)."""
    keys = KEYS[sort]
    order = paging.reversed_order(keys) if backwards else SORTS[sort]
    if not split:
        return base.where(*where).order_by(*order).limit(limit).offset(offset)
    # The ranges' rows ordered and cut as one UNION ALL: not selected from it as a subquery, which SQLAlchemy
    # took 1.5 ms to build for each page (the columns of a subquery are made anew; the union's, 0.14 ms).
    merged = union_all(*(base.where(*branch, *where).order_by(*order).limit(offset + limit) for branch in split))
    return (merged.order_by(*_order_on(merged.selected_columns, keys, backwards)).limit(limit).offset(offset)
            .execution_options(**_BY_NAME))


def _order_on(columns: Any, keys: Sequence[Key], backwards: bool) -> list[Any]:
    """The order of `keys` (`backwards`: read backwards) on the same `columns` of a subquery or a union."""
    out = []
    for key in keys:
        column = columns[key.column.key]
        term = column.desc() if key.descending != backwards else column.asc()
        out.append((term.nulls_first() if backwards else term.nulls_last()) if key.nullable else term)
    return out


def _page_rows(session: Session, page: Any, sort: str, backwards: bool = False) -> list[Any]:
    """The rows of a page statement (`_ordered`) in its order; on PostgreSQL's kept path with each item's
    units and extensions read by the same statement (`_folded`; else `_assemble` reads them after)."""
    connection = session.connection()
    return built(connection, page, around=_FOLDS[sort, backwards] if connection.dialect.name == "postgresql" else None)


def _folded(page: Any, sort: str, backwards: bool) -> Any:
    """A page statement whose rows also carry their item's units (`units`: [organisation id, role, name] in
    order) and extensions (`extensions`: `_EXTENSION_FIELDS` in order, only where the item counts any), as
    JSON: a ledger page is one statement, where reading them after the page took two more round trips.
    Read around the page's own statement, they are read for its rows alone, however many it skipped or
    merged. Built once for each shape of page (`kept.built`): building it costs more than sending it."""
    rows = page.subquery("page")
    # As text, parsed by orjson (`_unfolded`): psycopg's JSON loader is the standard library's, some 10 µs
    # a value in Python; and what is parsed here is ids, names and ISO dates, which orjson reads exactly.
    units = (select(cast(func.json_agg(aggregate_order_by(func.json_build_array(Assignment.organisation_id,
                                                                               Assignment.role, _UNIT_NAME),
                                                          Assignment.position)), Text))
             .where(Assignment.item_id == rows.c.id).scalar_subquery())
    fields = [ExtensionRow.__table__.c[f] for f in _EXTENSION_FIELDS]
    extensions = case((rows.c.extension_count > 0,
                       select(cast(func.json_agg(aggregate_order_by(func.json_build_array(*fields),
                                                                    ExtensionRow.position)), Text))
                       .where(ExtensionRow.item_id == rows.c.id).scalar_subquery()))
    return (select(rows, units.label("units"), extensions.label("extensions"))
            .order_by(*_order_on(rows.c, KEYS[sort], backwards)).execution_options(**_BY_NAME))


_FOLDS = {(sort, backwards): functools.partial(_folded, sort=sort, backwards=backwards)
          for sort in SORTS for backwards in (False, True)}


def _total(session: Session, where: list[Any], rows: Sequence[Any], one_unit: bool) -> int:
    if rows and one_unit:
        return rows[0].total
    [(total,)] = built(session.connection(), select(func.count().label("n")).select_from(ItemRow).where(*where))
    return total or 0  # an index alone


def _cursor_of(row: Any, sort: str, page: int, backwards: bool, total: int, settings: Settings) -> str:
    values = tuple(getattr(row, k.column.key) for k in KEYS[sort])
    return paging.encode(paging.Cursor(sort, values, page, backwards, total), session_secret(settings))


# What a ledger page reads of an item (Core rows: no ORM objects for a list).
_LISTED = (ItemRow.id, ItemRow.kind, ItemRow.title, ItemRow.text, ItemRow.document_id, ItemRow.span_start,
           ItemRow.span_end, ItemRow.source_path, ItemRow.state, ItemRow.due, ItemRow.due_text, ItemRow.progress,
           ItemRow.last_progress_at, ItemRow.assigned_at, ItemRow.completion_requested_at, ItemRow.closed_at,
           ItemRow.cancel_reason, ItemRow.returns, ItemRow.return_reason, ItemRow.reminders, ItemRow.last_reminded_at,
           ItemRow.rating, ItemRow.version, ItemRow.extension_count, ItemRow.updated_at)
# Built once: a statement's columns are checked and wrapped each time it is built, which is a good part of
# a page's Python time; `.where(…)` on these copies only what changes.
# Their rows are read by name: SQLAlchemy need not map the columns of each new statement (a page's filters
# make one) onto those of the compiled one it found in its cache, by comparing 25 SQL expressions a page.
_BY_NAME = {"_result_disable_adapt_to_context": True}
_PAGE = select(*_LISTED).execution_options(**_BY_NAME)
_PAGE_COUNTED = select(*_LISTED, func.count().over().label("total")).execution_options(**_BY_NAME)
_LOAD = Kept(select(*_LISTED).where(ItemRow.id == bindparam("id")))  # one item to act on (load_item)
# One item with its document's name and the sentence it was read from (get_item).
_ONE = Kept(select(*_LISTED, Document.name.label("document_name"), Document.title.label("document_title"),
                    Document.version.label("document_version"),
                    func.substr(Document.text, ItemRow.span_start + 1, ItemRow.span_end - ItemRow.span_start)
                    .label("source_text"))
             .outerjoin(Document, Document.id == ItemRow.document_id).where(ItemRow.id == bindparam("id")))

# Built once, with the ids bound at execution, and kept (`luoshi.store.kept`): on PostgreSQL each is sent
# through the driver as it was compiled once, its rows named tuples.
# The unit's name by its key, row by row: joined, PostgreSQL hashed all of a province's 1 300 units for
# the few rows of a page (0.44 → 0.22 ms for a ledger page's 40 rows, 0.25 → 0.02 ms for one item's).
_UNIT_NAME = select(Organisation.name).where(Organisation.id == Assignment.organisation_id).scalar_subquery()
_UNITS = Kept(select(Assignment.item_id, Assignment.organisation_id, Assignment.role, _UNIT_NAME.label("name"))
          .where(among(Assignment.item_id, "ids"))
          .order_by(Assignment.item_id, Assignment.position))
_EXTENSIONS = Kept(select(ExtensionRow.__table__).where(among(ExtensionRow.item_id, "ids"))
               .order_by(ExtensionRow.item_id, ExtensionRow.position))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def item_history(session: Session, *, item_id: int | str, actor: Actor) -> list[HistoryEntry]:
    """Every step of an item, oldest first, from its audit log: who did what, when, from which state."""
    key = visible_id(session, item_id, actor)
    rows = session.execute(select(AuditEntryRow.seq, AuditEntryRow.type, AuditEntryRow.at, AuditEntryRow.actor,
                                  AuditEntryRow.from_state, AuditEntryRow.to_state, AuditEntryRow.event)
                           .where(AuditEntryRow.item_id == key).order_by(AuditEntryRow.seq)).all()
    return [HistoryEntry(r.seq, r.type, r.at, r.actor, State(r.from_state) if r.from_state else None,
                         State(r.to_state), json.loads(r.event)) for r in rows]


# -- writing ---------------------------------------------------------------------------------------

def fingerprint(kind: str, text: str) -> str:
    """Equal for the same extracted item in two versions of a document: kind and text without spaces."""
    return hashlib.sha256(f"{kind}\n{''.join(text.split())}".encode()).hexdigest()


def create_item(session: Session, *, actor: Actor, kind: Kind | str, title: str, text: str = "",
                document_id: int | None = None, span: tuple[int, int] | None = None,
                source_path: str | None = None, lead_units: Iterable[str] = (), co_units: Iterable[str] = (),
                due: date | str | None = None, due_text: str | None = None, now: datetime | None = None,
                settings: Settings | None = None, commit: bool = True) -> ItemRow:
    """A new draft item (待确认) and its creation event: what extraction proposed or the office typed in.

    `lead_units`/`co_units` are organisation ids or names. `commit=False` leaves the transaction open
    (ingest commits a whole document at once).
    """
    settings = settings or get_settings()
    now = now or utcnow()
    lead = unit_ids(session, lead_units, "lead_units")
    co = unit_ids(session, co_units, "co_units")
    source = SourceRef(str(document_id), tuple(span), source_path) if document_id and span else None  # type: ignore[arg-type]
    fields = dict(kind=kind, title=title[:1000], actor=actor, now=now, text=text, source=source, lead_units=lead,
                  co_units=co, due=due, due_text=due_text)
    new_item(id="0", **fields)  # the rules refuse bad values before anything is written
    row = ItemRow(kind=Kind(kind).value, state=State.DRAFT.value, title=title[:1000] or "?", text=text,
                  document_id=document_id, span_start=span[0] if span else None,
                  span_end=span[1] if span else None, source_path=source_path,
                  fingerprint=fingerprint(Kind(kind).value, text or title), created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    item, event = new_item(id=str(row.id), **fields)  # type: ignore[arg-type]
    columns = _columns(item, now, settings)
    for name, value in columns.items():
        setattr(row, name, value)
    _write_units(session, row.id, item, columns)
    stored_warnings.written(session, settings.warning_policy, settings.timezone)
    audit.append_event(session, row.id, event, key=settings.audit_key_bytes)
    search_index.index_items(session, [row.id])
    if commit:
        session.commit()
    return row


def save(session: Session, *, old: Item, new: Item, event: Event, settings: Settings | None = None,
         now: datetime | None = None) -> list[ReminderRow]:
    """Write `new` over `old` if the row still has `old.version` (else Conflict), with its event, audit
    entry and the rows the event adds (progress report, reminder, rating, instruction). Does not commit."""
    settings = settings or get_settings()
    now = now or event.at
    item_id = int(old.id)
    columns = _columns(new, now, settings)
    try:
        result = session.execute(update(ItemRow).where(ItemRow.id == item_id, ItemRow.version == old.version)
                                 .values(**columns).execution_options(synchronize_session=False))
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        session.rollback()  # SQLite's one writer stayed busy past the timeout: as good as a conflict
        raise Conflict("数据库正忙，此事项未能保存：请稍后重试") from None
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(STALE)
    if (old.lead_units, old.co_units) != (new.lead_units, new.co_units):
        _write_units(session, item_id, new, columns)
    else:
        session.execute(update(Assignment).where(Assignment.item_id == item_id)
                        .values({name: columns[name] for name in UNIT_COPY})
                        .execution_options(synchronize_session=False))
    _write_extensions(session, item_id, old, new)
    stored_warnings.written(session, settings.warning_policy, settings.timezone)
    audit.append_event(session, item_id, event, key=settings.audit_key_bytes)
    reminders = _record_facts(session, item_id, event)
    session.flush()
    # What the change tells the units (a hand-out, a chase) goes to the outbox in this transaction; the
    # worker sends it after the commit (luoshi.notify), never this request.
    outbox.notices_for_event(session, item=new, event=event, reminders=reminders, settings=settings,
                             today=today_in(settings, now), now=now)
    if search_index.item_indexed(old) != search_index.item_indexed(new):
        search_index.index_items(session, [item_id])
    row = session.identity_map.get(identity_key(ItemRow, item_id))  # an object loaded before the UPDATE
    if row is not None:
        session.expire(row)
    return reminders


def _record_facts(session: Session, item_id: int, event: Event) -> list[ReminderRow]:
    """The rows an event adds beside the item: what the unit reported, who was chased, the rating, 批示."""
    data = event.to_dict()
    base = dict(item_id=item_id, version=event.version, by=event.actor, at=event.at)
    kind = data["type"]
    if kind in (Action.REPORT_PROGRESS.value, Action.APPLY_COMPLETION.value):
        session.add(ProgressReport(**base, kind=kind, text=data["text"], percent=data.get("percent"),
                                   attachments=[{"name": a} for a in data.get("attachments") or []],
                                   unit_id=int(event.unit) if event.unit else None))
    elif kind == Action.REMIND.value:
        rows = [ReminderRow(**base, unit_id=int(u), text=data.get("text"), delivery="pending")
                for u in data["units"]]
        session.add_all(rows)
        return rows
    elif kind in (Action.NOTIFY.value, Action.INTERVIEW.value):
        escalation.record(session, item_id=item_id, data=data, by=event.actor, at=event.at)
    elif kind == Action.RATE.value:
        session.add(RatingRow(**base, rating=data["rating"], note=data.get("note")))
    elif kind == Action.INSTRUCT.value:
        session.add(Instruction(**base, text=data["text"]))
    elif kind == Action.ANSWER_INSTRUCTION.value:
        answered = session.scalar(select(Instruction.id).where(Instruction.item_id == item_id,
                                                               Instruction.version == data["instruction"]))
        session.add(InstructionAnswer(**base, instruction_id=answered, text=data["text"],
                                      unit_id=int(event.unit) if event.unit else None))
    return []


def act(session: Session, *, item_id: int | str, actor: Actor, action: Action | str,
        expected_version: int | None, settings: Settings | None = None, now: datetime | None = None,
        files: Sequence[StoredFile] = (), ask_past_due: bool = False, **payload: Any) -> ItemView:
    """Take `action` on an item as `actor`, and commit: the new state, the event and its audit entry.

    `payload` is the action's fields (`text`, `percent`, `due`, `reason`, `lead_units`, `units`, …; see
    `luoshi.ledger.workflow.TRANSITIONS`); units may be organisation ids or names. ASSIGN without `due`
    takes the extracted date or the default of the item's kind (settings `due_*`).

    Raises NotFound (no such item, or not the actor's to see), PermissionDenied, Conflict (the item
    changed since `expected_version` was read, or someone else wrote it first), InvalidTransition,
    MissingField, InvalidValue. `files` are evidence files already in the blob store
    (`luoshi.store.evidence.store_files`), for a progress report or completion application: their names go
    into the event, their rows beside the report. Notices (a hand-out, a chase) are queued in the outbox
    and sent by the worker after the commit.
    With `ask_past_due` (what a user's request asks unless they confirmed), ASSIGN with a due date before
    today raises DueDatePassed instead, saying how late the item would be from its first day.
    """
    settings = settings or get_settings()
    now = now or utcnow()
    old = load_item(session, item_id=item_id, actor=actor)
    if str(action) == Action.ASSIGN.value and payload.get("due") in (None, ""):
        payload["due"] = due_for(old, today_in(settings, now), settings.due_policy).date
    if files:
        payload["attachments"] = [*(payload.get("attachments") or []), *(f.name for f in files)]
    evidence.check_evidence(session, old, action, files)
    if str(action) == Action.ANSWER_INSTRUCTION.value:
        payload["instruction"] = _instruction_answered(session, int(old.id), payload.get("instruction"))
    new, event = apply(old, action, actor, now, expected_version=expected_version,
                       **_resolve_units(session, payload))
    if ask_past_due and str(action) == Action.ASSIGN.value:  # asked once the rules allow the assignment
        check_not_past(new.due, today_in(settings, now))
    save(session, old=old, new=new, event=event, settings=settings, now=now)
    if files:
        evidence.record_attachments(session, item_id=int(old.id), version=event.version, files=files,
                                    unit=actor.unit, by=actor.id, at=now)
    session.commit()
    return get_item(session, item_id=item_id, actor=actor, settings=settings, now=now)


@dataclass(frozen=True)
class ProgressView:
    """A progress report or completion application (`kind`), as the item page lists them."""

    id: int
    version: int
    kind: str
    text: str
    percent: int | None
    attachments: list[dict[str, Any]]
    unit_id: int | None
    by: str
    at: datetime


@dataclass(frozen=True)
class AnswerView:
    """A unit's answer to a 批示 (`version`: the item's event that recorded it)."""

    version: int
    text: str
    unit_id: int | None
    by: str
    at: datetime


@dataclass(frozen=True)
class InstructionView:
    """A leader's 批示 (`version`: the item's event that recorded it) and the units' answers, oldest first."""

    id: int
    version: int
    text: str
    by: str
    at: datetime
    answers: tuple[AnswerView, ...] = ()


def _instruction_answered(session: Session, item_id: int, given: Any) -> int:
    """The version of the 批示 an answer is for: the one given, or the item's latest; InvalidValue when
    the item has no such 批示."""
    versions = list(session.scalars(select(Instruction.version).where(Instruction.item_id == item_id)
                                    .order_by(Instruction.version)))
    if given in (None, ""):
        if not versions:
            raise InvalidValue("此事项还没有领导批示，无需答复；如需报告进展，请使用“报告进展”", "instruction")
        return versions[-1]
    if not str(given).strip().isdigit() or int(given) not in versions:
        raise InvalidValue("要答复的领导批示不存在，请刷新页面后在批示下方答复", "instruction")
    return int(given)


def instruction_views(session: Session, item_ids: Sequence[int]) -> dict[int, list[InstructionView]]:
    """`{item id: its 批示 with their answers, oldest first}` for items the caller may already see."""
    if not item_ids:
        return {}
    answers: dict[int, list[AnswerView]] = {}
    ids = {"ids": list(item_ids)}
    for r in _ANSWERS.all(session, ids):
        answers.setdefault(r.instruction_id, []).append(AnswerView(r.version, r.text, r.unit_id, r.by, r.at))
    out: dict[int, list[InstructionView]] = {}
    for r in _INSTRUCTIONS.all(session, ids):
        out.setdefault(r.item_id, []).append(InstructionView(r.id, r.version, r.text, r.by, r.at,
                                                             tuple(answers.get(r.id, ()))))
    return out


# Read with every item (kept statements, Core rows: `luoshi.store.kept`).
_ANSWERS = Kept(select(*(InstructionAnswer.__table__.c[name] for name in ("instruction_id", "version", "text",
                                                                          "unit_id", "by", "at")))
                .where(among(InstructionAnswer.item_id, "ids")).order_by(InstructionAnswer.version))
_INSTRUCTIONS = Kept(select(*(Instruction.__table__.c[name]
                               for name in ("id", "item_id", "version", "text", "by", "at")))
                     .where(among(Instruction.item_id, "ids")).order_by(Instruction.item_id, Instruction.version))


def progress_reports(session: Session, *, item_id: int | str, actor: Actor) -> list[ProgressView]:
    """An item's progress reports and completion applications, oldest first (NotFound if not visible)."""
    key = visible_id(session, item_id, actor)
    rows = session.scalars(select(ProgressReport).where(ProgressReport.item_id == key)
                           .order_by(ProgressReport.version))
    return [ProgressView(r.id, r.version, r.kind, r.text, r.percent, list(r.attachments), r.unit_id, r.by, r.at)
            for r in rows]


def instructions(session: Session, *, item_id: int | str, actor: Actor) -> list[InstructionView]:
    """The leaders' instructions (批示) on an item with the units' answers, oldest first (NotFound if not
    visible)."""
    key = visible_id(session, item_id, actor)
    return instruction_views(session, [key]).get(key, [])
