"""Reads the pages need beyond the store's service functions: display names of users, who may read
whole documents, and a unit's workspace. Read-only; every write goes through
`luoshi.store`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, bindparam, func, select, text
from sqlalchemy.orm import Session

from luoshi.ledger import Actor, Colour, Role, SourceRef, State
from luoshi.settings import Settings
from luoshi.store import items as store
from luoshi.store import list_versions
from luoshi.store.kept import Kept
from luoshi.store.instructions import InstructedItem
from luoshi.store.items import InstructionView, ItemView
from luoshi.store.models import AuditEntryRow, Document, Organisation, User
from luoshi.store.types import among
from luoshi.web.highlight import Mark, runs
from luoshi.web.present import event_dict, instruction_dict

OPEN_STATES = [State.ASSIGNED.value, State.IN_PROGRESS.value, State.COMPLETION_REQUESTED.value]
DOCUMENT_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER})


def people_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """`{username: display name}` for the actors of a history."""
    names = set(usernames)
    if not names:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(names)))
    return {u: d or u for u, d in rows}


def may_read_documents(actor: Actor) -> bool:
    """Whole documents are for the office and leaders; a unit sees the source sentence of its own items."""
    return actor.role in DOCUMENT_READERS


@dataclass(frozen=True)
class Workspace:
    """A unit's desk: what it has open, what falls due this week, what was returned, what is overdue,
    what the office chased (催办)."""

    open: list[ItemView]
    due_this_week: list[ItemView]
    returned: list[ItemView]
    overdue: list[ItemView]
    reminded: list[ItemView]


def week_end(today: date) -> date:
    """The Sunday of `today`'s week."""
    return today + timedelta(days=6 - today.weekday())


def workspace(session: Session, *, actor: Actor, unit: int | str, settings: Settings, today: date) -> Workspace:
    """The open items of `unit` as `actor` sees them (the 200 due first), sorted into the desk's lists."""
    page = store.list_items(session, actor=actor, unit=unit, state=OPEN_STATES, sort="due",
                            per_page=store.PER_PAGE_MAX, settings=settings)
    rows = page.rows
    end = week_end(today)
    return Workspace(
        open=rows,
        due_this_week=[v for v in rows if v.item.due and today <= v.item.due <= end],
        returned=[v for v in rows if v.item.returns and v.item.state is State.IN_PROGRESS],
        overdue=[v for v in rows if v.warning.colour is Colour.RED],
        reminded=sorted((v for v in rows if v.item.reminders), key=lambda v: v.item.last_reminded_at, reverse=True))


CONTEXT = 160  # characters of the document shown on each side of an item's source sentence


def source_context(session: Session, source: SourceRef, radius: int = CONTEXT) -> dict[str, object]:
    """The item's source sentence highlighted within the lines around it in its document (only that
    window of the document is read)."""
    start, end = source.span
    window = max(0, start - radius)
    row = _WINDOW.first(session, {"start": window + 1, "length": end + radius - window, "id": int(source.document)})
    if row is None or row[0] is None:
        return {}
    part, length = row
    lo = window
    newline = part.find("\n", 0, start - window)
    lo = window + newline + 1 if newline >= 0 else lo
    hi = min(length, end + radius)
    cut = part.rfind("\n", end - window, hi - window)
    hi = window + cut if cut > end - window else hi
    marks = [Mark(start - lo, end - lo, source.path or "", active=True)]
    return {"source_runs": runs(part[lo - window:hi - window], marks), "source_cut_before": lo > 0,
            "source_cut_after": hi < length, **scan_context(session, int(source.document), start, end)}


# A window of the document's text, and its length (a kept statement: `luoshi.store.kept`).
_WINDOW = Kept(select(func.substr(Document.text, bindparam("start", type_=Integer), bindparam("length", type_=Integer))
                      .label("part"), func.length(Document.text).label("length"))
               .where(Document.id == bindparam("id", type_=Integer)))


def scan_context(session: Session, document_id: int, start: int, end: int) -> dict[str, object]:
    """For a sentence read by OCR: the page it is on, and whether a character of it was read with low
    confidence (请核对原件)."""
    from luoshi.store.pages import ocr_map

    scan = ocr_map(session, document_id)
    if scan is None:
        return {}
    pages = sorted(scan.boxes(start, end))
    return {"source_page": pages[0] if pages else None, "source_doubtful": scan.doubtful(start, end)}


# The ledger page asks for both on every view: Core statements built once.
_ORGS = Organisation.__table__
_UNITS_NAMED = select(_ORGS.c.id, _ORGS.c.name).where(among(_ORGS.c.id, "ids"))


def unit_options(session: Session, keep: Iterable[str | int] = ()) -> list[dict[str, object]]:
    """`[{id, name}]` of the confirmed units, by name: the choices of a unit filter or field (no counts:
    cheap); `keep` (the units a record names now, confirmed or not) stay choosable. Without `keep`, the
    list is shared by every request while the directory does not change: read it, do not change it."""
    rows = _shared(session, "units", _UNIT_TEXT, "name")
    if not keep:
        return rows
    wanted = {int(k) for k in keep if str(k).isdigit()} - {int(r["id"]) for r in rows}  # type: ignore[call-overload]
    if wanted:
        more = [{"id": i, "name": n} for i, n in session.execute(_UNITS_NAMED, {"ids": sorted(wanted)})]
        return sorted(rows + more, key=lambda r: str(r["name"]))
    return rows


def document_options(session: Session) -> list[dict[str, object]]:
    """`[{id, title}]` of the newest 200 documents: the choices of the source-document filter, shared by
    every request while no document is stored (read it, do not change it)."""
    return _shared(session, "documents", _DOCUMENT_TEXT, "title")


# A list of choices as one text from the database, `id<TAB>label` a line (a province's thousand rows cost a
# request more as rows than as one string), read again only when the list's version (kept by the database,
# `luoshi.store.list_versions`) is not the one this process read it at: then the same list object, whose
# options `render.options` keeps escaped.
_UNIT_TEXT = {
    "postgresql": text("SELECT string_agg(id::text || chr(9) || translate(name, chr(9) || chr(10), '  '), "
                       "chr(10) ORDER BY name) FROM organisations "
                       "WHERE proposed = false AND not_unit = false AND merged_into_id IS NULL"),
    "sqlite": text("SELECT group_concat(id || char(9) || replace(replace(name, char(9), ' '), char(10), ' '), "
                   "char(10)) FROM (SELECT id, name FROM organisations "
                   "WHERE proposed = 0 AND not_unit = 0 AND merged_into_id IS NULL ORDER BY name)"),
}
_DOCUMENT_TEXT = {
    "postgresql": text("SELECT string_agg(id::text || chr(9) || translate(label, chr(9) || chr(10), '  '), chr(10) "
                       "ORDER BY ingested_at DESC, id DESC) FROM (SELECT id, ingested_at, "
                       "coalesce(nullif(title, ''), name) AS label FROM documents "
                       "ORDER BY ingested_at DESC, id DESC LIMIT 200) AS newest"),
    "sqlite": text("SELECT group_concat(id || char(9) || replace(replace(label, char(9), ' '), char(10), ' '), "
                   "char(10)) FROM (SELECT id, coalesce(nullif(title, ''), name) AS label FROM documents "
                   "ORDER BY ingested_at DESC, id DESC LIMIT 200)"),
}


def _shared(session: Session, kind: str, statements: dict[str, Any], label: str) -> list[dict[str, object]]:
    def make(previous: tuple[str, list[dict[str, object]]] | None) -> tuple[str, list[dict[str, object]]]:
        listed = session.execute(statements[session.get_bind().dialect.name]).scalar() or ""
        if previous is not None and previous[0] == listed:
            return previous  # the same list object, whose options `render.options` keeps escaped
        rows = [line.split("\t", 1) for line in listed.split("\n")] if listed else []
        return listed, [{"id": int(i), label: n} for i, n in rows]

    return list_versions.kept(session, kind, f"{kind} choices", make)[1]


def unit_names(session: Session, ids: set[str]) -> dict[str, str]:
    """`{unit id: name}` for the units a history names."""
    keys = [int(i) for i in ids if str(i).isdigit()]
    if not keys:
        return {}
    return {str(i): n for i, n in session.execute(_UNITS_NAMED, {"ids": keys})}


# An item's events with the display name of whoever acted, in one statement (see `history`).
_EVENTS = Kept(select(AuditEntryRow.event, AuditEntryRow.actor, User.display_name)
               .outerjoin(User, User.username == AuditEntryRow.actor)
               .where(AuditEntryRow.item_id == bindparam("item_id")).order_by(AuditEntryRow.seq))


def history(session: Session, *, item_id: int, actor: Actor, zone: ZoneInfo,
            known: dict[str, str] | None = None, view: ItemView | None = None) -> list[dict[str, object]]:
    """An item's history for a page or the API: each event with who (display name), when (local
    time), what and why, and the names of the units it mentions (`known` names are not looked up).

    `view` is the item as `store.get_item` gave it to `actor` in this request: whether they may see it is
    settled; else the database is asked. The events and their actors' names are read in one statement.
    """
    key = int(view.id) if view is not None else store.visible_id(session, item_id, actor)
    rows = _EVENTS.all(session, {"item_id": key})
    events = [json.loads(r.event) for r in rows]
    people = {r.actor: r.display_name or r.actor for r in rows if r.display_name is not None}
    named = {str(u) for data in events for key in ("lead_units", "co_units", "units", "unit")
             for u in ([data[key]] if key == "unit" else data.get(key) or ()) if u}
    names = {**unit_names(session, named - set(known or {})), **(known or {})}
    return [event_dict(data, names=names, people=people, zone=zone) for data in events]


def instruction_dicts(session: Session, views: Sequence[InstructionView], zone: ZoneInfo) -> list[dict[str, Any]]:
    """An item's 批示 with the answers, as the item page and the API show them."""
    people = people_names(session, {v.by for v in views} | {a.by for v in views for a in v.answers})
    units = {int(k): n for k, n in unit_names(session, {str(a.unit_id) for v in views for a in v.answers}).items()}
    return [instruction_dict(v, zone=zone, people=people, unit_names=units) for v in views]


def instructed_dicts(session: Session, listed: Sequence[InstructedItem], zone: ZoneInfo) -> list[dict[str, Any]]:
    """批示 across items (a leader's list, a unit's 领导批示), each with its item and whether it was answered."""
    made = instruction_dicts(session, [i.instruction for i in listed], zone)
    return [{**d, "answered": i.answered,
             "item": {"id": i.item_id, "title": i.item_title, "state": i.item_state,
                      "state_label": State(i.item_state).label}} for i, d in zip(listed, made)]
