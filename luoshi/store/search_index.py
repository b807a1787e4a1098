"""The store's side of search: `SearchEntry` rows for stored documents, items, targets and suggestions
(fed where they are stored, in the same transaction), and `search_for`, the search a user may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, Integer, column, select
from sqlalchemy.orm import Session

from luoshi.errors import InvalidCursor
from luoshi.keys import session_secret
from luoshi.ledger import Actor, Item, Role
from luoshi.ledger.actors import OFFICE
from luoshi.search import KINDS, Hit, SearchEntry, clear, index
from luoshi.search import search as search_index
from luoshi.search.query import MAX_LIMIT, with_snippets
from luoshi.settings import Settings, get_settings
from luoshi.store import paging
from luoshi.store.paging import Key, Order, Window
from luoshi.store.models import Assignment, Document, ItemRow, Organisation
from luoshi.store.tracking import SuggestionRow, TargetRow, TargetUnit

KIND_LABELS = {"document": "文件", "item": "督办事项", "target": "目标指标", "suggestion": "代表建议"}
DOCUMENT_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER})
BATCH = 500
# Hits a restricted viewer's search looks through (the visible ones among them are counted and paged).
SCAN_LIMIT = 1000
# Best first: a hit's score, then the index's id; a page's cursor names the last (first) hit's pair.
ORDER = Order("search", (Key(column("score", Float), True), Key(column("entry_id", Integer))))


# -- feeding -------------------------------------------------------------------------------------------

def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    keys = {int(i) for i in ids if i is not None}
    if not keys:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(keys))).all())


def _fresh(stmt: Any) -> Any:
    # The store writes items and suggestions with UPDATE statements that leave the session's copies as
    # they were: read the rows as they are now.
    return stmt.execution_options(populate_existing=True)


def _year(*values: Any) -> int | None:
    for value in values:
        if value is None:
            continue
        year = getattr(value, "year", value)
        if isinstance(year, int):
            return year
    return None


def _units(lead: Sequence[int], co: Sequence[int], names: dict[int, str]) -> tuple[str | None, tuple[str, ...]]:
    """The lead unit's name and the other units' names, as a `SearchEntry` wants them."""
    all_names = [names[u] for u in [*lead, *co] if u in names]
    return (all_names[0] if all_names else None), tuple(all_names[1:])


def _owners_units(session: Session, link: Any, owner: Any,
                  ids: Sequence[int]) -> dict[int, tuple[str | None, tuple[str, ...]]]:
    """`{owner id: (lead unit's name, other units' names)}` of the items or targets `ids`, from their
    assignment table `link` (`owner` its column naming them; rows with organisation_id, role, position)."""
    rows = session.execute(select(owner, link.organisation_id, link.role).where(owner.in_(ids))
                           .order_by(owner, link.position)).all()
    names = _names(session, [r.organisation_id for r in rows])
    by_owner: dict[int, tuple[list[int], list[int]]] = {}
    for key, org, role in rows:
        lead, co = by_owner.setdefault(key, ([], []))
        (lead if role == "lead" else co).append(org)
    return {key: _units(lead, co, names) for key, (lead, co) in by_owner.items()}


def document_entries(session: Session, ids: Iterable[int]) -> list[SearchEntry]:
    rows = session.scalars(_fresh(select(Document).where(Document.id.in_(list(ids))))).all()
    return [SearchEntry("document", d.id, d.title or d.name, d.text,
                        year=_year(d.issued, (d.record or {}).get("plan_year"), d.ingested_at),
                        url=f"/documents/{d.id}") for d in rows]


def item_entries(session: Session, ids: Iterable[int]) -> list[SearchEntry]:
    rows = session.scalars(_fresh(select(ItemRow).where(ItemRow.id.in_(list(ids))))).all()
    units = _owners_units(session, Assignment, Assignment.item_id, [r.id for r in rows])
    out = []
    for r in rows:
        unit, others = units.get(r.id, (None, ()))
        body = r.text if r.text and r.text != r.title else ""
        out.append(SearchEntry("item", r.id, r.title, body, unit=unit, co_units=others,
                               year=_year(r.due, r.created_at), url=f"/items/{r.id}"))
    return out


def item_indexed(item: Item) -> tuple[Any, ...]:
    """What an item's entry (`item_entries`) is made of: title, text, units and year. A change that leaves
    these (a progress report, a reminder, most steps) leaves the entry as it is."""
    return item.title, item.text, item.lead_units, item.co_units, item.due.year if item.due else None


def target_entries(session: Session, ids: Iterable[int]) -> list[SearchEntry]:
    rows = session.scalars(_fresh(select(TargetRow).where(TargetRow.id.in_(list(ids))))).all()
    units = _owners_units(session, TargetUnit, TargetUnit.target_id, [r.id for r in rows])
    out = []
    for r in rows:
        unit, others = units.get(r.id, (None, ()))
        out.append(SearchEntry("target", r.id, r.indicator, r.text, unit=unit, co_units=others, year=r.year,
                               url=f"/targets/{r.id}"))
    return out


def suggestion_entries(session: Session, ids: Iterable[int]) -> list[SearchEntry]:
    from luoshi.store.tracking import SuggestionCoUnit

    rows = session.scalars(_fresh(select(SuggestionRow).where(SuggestionRow.id.in_(list(ids))))).all()
    co = session.execute(select(SuggestionCoUnit.suggestion_id, SuggestionCoUnit.organisation_id)
                         .where(SuggestionCoUnit.suggestion_id.in_([r.id for r in rows]))
                         .order_by(SuggestionCoUnit.suggestion_id, SuggestionCoUnit.position)).all()
    names = _names(session, [r.lead_unit_id for r in rows] + [c.organisation_id for c in co])
    co_of: dict[int, list[int]] = {}
    for c in co:
        co_of.setdefault(c.suggestion_id, []).append(c.organisation_id)
    out = []
    for r in rows:
        unit, others = _units([r.lead_unit_id] if r.lead_unit_id else [], co_of.get(r.id, []), names)
        body = "\n".join(p for p in (r.text, "、".join(r.deputies or ()), r.category or "") if p)
        out.append(SearchEntry("suggestion", r.id, r.title, body, unit=unit, co_units=others,
                               year=_year(r.created_at), url=f"/suggestions/{r.id}"))
    return out


ENTRIES = {"document": document_entries, "item": item_entries, "target": target_entries,
           "suggestion": suggestion_entries}


def index_items(session: Session, ids: Iterable[int]) -> int:
    """(Re)index these items in the caller's transaction: the hook of item creation and every change."""
    return index(session, item_entries(session, ids))


def index_targets(session: Session, ids: Iterable[int]) -> int:
    return index(session, target_entries(session, ids))


def index_suggestions(session: Session, ids: Iterable[int]) -> int:
    return index(session, suggestion_entries(session, ids))


def index_document(session: Session, document_id: int) -> int:
    """Index a stored document with the targets and suggestions tracked from it (ingest's hook; the
    items it proposed were indexed as they were created)."""
    targets = session.scalars(select(TargetRow.id).where(TargetRow.document_id == document_id)).all()
    suggestions = session.scalars(select(SuggestionRow.id).where(SuggestionRow.document_id == document_id)).all()
    return (index(session, document_entries(session, [document_id])) + index_targets(session, targets)
            + index_suggestions(session, suggestions))


REF_TABLES = {"document": Document, "item": ItemRow, "target": TargetRow, "suggestion": SuggestionRow}


def index_all(session: Session) -> dict[str, int]:
    """Empty the index and feed it everything stored, in batches, and commit: `luoshi search reindex`,
    for a database filled before the hooks existed. How many entries of each kind were written."""
    clear(session)
    counts = {}
    for kind in KINDS:
        table = REF_TABLES[kind]
        ids = session.scalars(select(table.id).order_by(table.id)).all()
        counts[kind] = 0
        for start in range(0, len(ids), BATCH):
            counts[kind] += index(session, ENTRIES[kind](session, ids[start:start + BATCH]))
            session.flush()
            session.expunge_all()
    session.commit()
    return counts


# -- asking, as a user may see ------------------------------------------------------------------------------

@dataclass(frozen=True)
class NamedUnit:
    """A unit a word of the query names, by its name or any of its aliases (县住建局 → 县住房和城乡建设局)."""

    id: int
    name: str
    word: str


@dataclass(frozen=True)
class VisibleResults:
    """One page of the hits a user may see, best first; `total` is exact unless `capped` (a restricted
    viewer's query with more than SCAN_LIMIT hits in all) or `estimated` (a common word, of which only the
    newest matches were ranked: `luoshi.search.query.NEWEST`); `units` the units the query names."""

    total: int
    hits: list[Hit] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    capped: bool = False
    estimated: bool = False
    units: list[NamedUnit] = field(default_factory=list)
    page: int = 1
    next_cursor: str | None = None
    prev_cursor: str | None = None


def units_named(session: Session, q: str) -> list[NamedUnit]:
    """The units the words of `q` (split at spaces) name: by name, by a short form that keys the same
    unit, or by an alias the directory keeps for it; a short form without its level (`住建局`) names
    the unit at every level (县住建局 and 区住建局). A number is never read as a unit's id. Looked up in
    the directory as this process keeps it (`luoshi.store.directory`): a province's thousands of units
    cost no statement of their own while the directory does not change."""
    from luoshi.store.directory import directory
    from luoshi.store.orgs import LEVEL_MARK, key_of

    words = [w for w in dict.fromkeys(q.split()) if len(w) >= 2 and not w.isdigit()]
    if not words:
        return []
    units = directory(session)
    found = []
    for word in words:
        org = units.find(word)  # by name, key or alias
        key = key_of(word)
        if org is not None:
            found.append(NamedUnit(org.id, org.name, word))
        elif LEVEL_MARK not in key:
            found += [NamedUnit(u.id, u.name, word) for u in units.at_levels(key)]
    return found


def kinds_for(actor: Actor) -> list[str]:
    """The kinds a user may find: whole documents are for the office and leaders."""
    return [k for k in KINDS if k != "document" or actor.role in DOCUMENT_READERS]


def _restricted(actor: Actor) -> bool:
    return actor.role not in OFFICE and actor.role is not Role.LEADER


def _visible_ids(session: Session, actor: Actor, hits: list[Hit]) -> set[tuple[str, str]]:
    from luoshi.store.items import visible_to
    from luoshi.store.suggestions import _visible

    keep = {(h.kind, h.ref_id) for h in hits if h.kind == "target"}
    if actor.role is Role.UNIT and keep:  # a unit's targets only, whatever unit the query named
        ids = [int(ref) for _, ref in keep]
        keep = {("target", str(i)) for i in session.scalars(
            select(TargetUnit.target_id).where(TargetUnit.target_id.in_(ids),
                                               TargetUnit.organisation_id == int(actor.unit or 0)))}
    for kind, table, condition in (("item", ItemRow, visible_to(actor)),
                                   ("suggestion", SuggestionRow, _visible(actor))):
        ids = [int(h.ref_id) for h in hits if h.kind == kind]
        if not ids or condition is False:
            continue
        where = [table.id.in_(ids)] + ([] if condition is True else [condition])
        keep |= {(kind, str(i)) for i in session.scalars(select(table.id).where(*where))}
    return keep


def _scan(session: Session, q: str, kinds: list[str], unit: str | None,
          year: int | None, named: dict[str, list[str]]) -> tuple[list[Hit], list[str], bool]:
    """Up to SCAN_LIMIT hits of a query, best first, without snippets (in one statement: each page read by
    keyset would rank every match again); whether there were more (or, of a common word, more than its
    newest matches that were read)."""
    found = search_index(session, q, kinds=kinds, unit=unit, year=year, limit=SCAN_LIMIT, most=SCAN_LIMIT,
                         units_named=named, snippets=False)
    return found.hits, found.terms, found.more or found.estimated


def _searched(hits: list[Hit], more: bool, at: paging.Cursor | None, page: int) -> Window[Hit]:
    """The page of hits the index read (one more told whether others follow, or precede when read backwards)."""
    if at is None:
        return Window(hits, page, page > 1, more)
    if at.backwards:
        return Window(hits, max(at.page, 2) if more else 1, more, True)
    return Window(hits, at.page, True, more)


def _sliced(hits: list[Hit], at: paging.Cursor | None, page: int, per_page: int) -> Window[Hit]:
    """The page of a list of hits held whole (a restricted viewer's): by number, or beside the cursor's hit."""
    if at is None:
        return Window(hits[(page - 1) * per_page: page * per_page], page, page > 1, page * per_page < len(hits))
    keys = [ORDER.values(h) for h in hits]
    if at.values not in keys:
        raise InvalidCursor(paging.BAD_CURSOR)
    where = keys.index(at.values)
    if at.backwards:
        first = max(0, where - per_page)
        return Window(hits[first:where], max(at.page, 2) if first else 1, first > 0, True)
    return Window(hits[where + 1: where + 1 + per_page], at.page, True, where + 1 + per_page < len(hits))


def _unit_name(session: Session, actor: Actor) -> str | None:
    from luoshi.store.directory import directory

    unit = actor.unit or ""
    listed = directory(session).by_id.get(int(unit)) if unit.isdigit() else None
    return listed.name if listed is not None else None


def search_for(session: Session, q: str, *, actor: Actor, kinds: Sequence[str] | None = None,
               unit: str | None = None, year: int | None = None, page: int = 1, per_page: int = 20,
               cursor: str | None = None, settings: Settings | None = None) -> VisibleResults:
    """Search as `actor` sees the ledger: the office and leaders everything; a unit user targets, and
    only the items and suggestions handed to its unit; the congress office handed-out suggestions.
    `kinds` narrows the search (an unknown kind raises SearchError naming the valid ones). A word that
    names a unit (`units_named`) also finds that unit's entries. page: pages 1 to `paging.MAX_OFFSET_PAGE`
    by number; cursor: a page's `next_cursor` or `prev_cursor`, which goes on by (score, id) however deep."""
    secret = session_secret(settings or get_settings())
    at = paging.start(ORDER, cursor=cursor, page=page, per_page=per_page, per_page_max=MAX_LIMIT, secret=secret)
    allowed = kinds_for(actor)
    wanted = [k for k in (kinds or allowed) if k in allowed or k not in KINDS]
    units = units_named(session, q) if isinstance(q, str) else []
    named: dict[str, list[str]] = {}
    for u in units:
        named.setdefault(u.word, []).append(u.name)
    if not _restricted(actor):
        # Every kind wanted: no filter by kind (a common word's newest matches are read entry by entry, each
        # kind compared for nothing).
        every = set(wanted) == set(KINDS)
        found = search_index(session, q, kinds=None if every else wanted, unit=unit, year=year, limit=per_page,
                             offset=(page - 1) * per_page, units_named=named,
                             after=at.values if at else None, backwards=bool(at and at.backwards))
        shown = paging.page_of(_searched(found.hits, found.more, at, page), found.hits, ORDER, total=found.total,
                               at=at, per_page=per_page, secret=secret)
        return VisibleResults(shown.total, shown.rows, found.terms, units=units, page=shown.page,
                              next_cursor=shown.next_cursor, prev_cursor=shown.prev_cursor, estimated=found.estimated)
    # A unit sees only items and suggestions that name it: look for those among its unit's entries (the
    # index holds every unit of an entry), and for the rest (targets) among all; then drop what the rules
    # hide (drafts, suggestions not yet handed out) and merge by score.
    groups = [(wanted, unit)]
    if actor.role is Role.UNIT:
        own = [k for k in wanted if k in ("item", "suggestion", "target")]  # another unit's target is hidden too
        groups = [(own, unit or _unit_name(session, actor)), ([k for k in wanted if k not in own], unit)]
    seen: list[Hit] = []
    terms: list[str] = []
    capped = False
    for group_kinds, group_unit in groups:
        if group_kinds:
            hits, terms, more = _scan(session, q, group_kinds, group_unit, year, named)
            seen, capped = seen + hits, capped or more
    keep = _visible_ids(session, actor, seen)
    visible = sorted((h for h in seen if (h.kind, h.ref_id) in keep), key=lambda h: -h.score)
    win = _sliced(visible, at, page, per_page)
    shown = paging.page_of(win, win.rows, ORDER, total=len(visible), at=at, per_page=per_page, secret=secret)
    return VisibleResults(shown.total, with_snippets(session, shown.rows, q),
                          terms or search_index(session, q).terms, capped=capped,
                          units=units, page=shown.page, next_cursor=shown.next_cursor, prev_cursor=shown.prev_cursor)
