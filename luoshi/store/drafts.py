"""The office's rework of drafts: split a draft into several, merge drafts into one, add one by hand from a
highlighted sentence of a document. Each commits one transaction with an audited event on every item it
touches (`luoshi.ledger.rework`); a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import NotFound
from luoshi.extract import orgs as names
from luoshi.ledger import Actor, InvalidValue, Item, Kind
from luoshi.ledger import rework
from luoshi.ledger.drafts import Subtask, assignable
from luoshi.settings import Settings, get_settings
from luoshi.store.items import create_item, load_item, save, utcnow
from luoshi.store.models import Document, ItemRow, Organisation
from luoshi.store.orgs import UnitResolver
from luoshi.store.subtasks import subtasks_of, write_subtasks

TITLE_MAX = 120
HIGHLIGHT_MAX = 1000


@dataclass(frozen=True)
class Part:
    """One draft to make: its title, units (ids), due and the subtasks it takes."""

    title: str
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    subtasks: tuple[Subtask, ...]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _ids(units: UnitResolver, written: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(units(o).id) for o in assignable(written)))


def _earliest(subtasks: Sequence[Subtask]) -> tuple[str | None, str | None]:
    dated = sorted((s.due, s.due_text) for s in subtasks if s.due)
    return dated[0] if dated else (None, next((s.due_text for s in subtasks if s.due_text), None))


def _make(session: Session, row: ItemRow, part: Part, actor: Actor, now: datetime, settings: Settings,
          span: tuple[int, int] | None = None) -> int:
    due, due_text = _earliest(part.subtasks) if part.subtasks else (None, None)
    co = tuple(u for u in part.co_units if u not in part.lead_units)
    text = "；".join(s.text.rstrip("。；") for s in part.subtasks) or row.text or part.title
    first = next((s.span for s in part.subtasks if s.span), None)
    new = create_item(session, actor=actor, kind=row.kind, title=_short(part.title), text=text,
                      document_id=row.document_id, span=span or first or _span(row), source_path=row.source_path,
                      lead_units=part.lead_units, co_units=co, due=due, due_text=due_text, now=now,
                      settings=settings, commit=False)
    write_subtasks(session, new.id, part.subtasks)
    return new.id


def _nearest(text: str, wanted: str, near: int) -> tuple[int, int] | None:
    """The span of `wanted` in `text` (layout whitespace allowed) closest to `near`."""
    import re

    pattern = re.compile(r"\s*".join(re.escape(c) for c in wanted))
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    return min(spans, key=lambda s: abs(s[0] - near), default=None)


def _span(row: ItemRow) -> tuple[int, int] | None:
    return (row.span_start, row.span_end) if row.span_start is not None and row.span_end is not None else None


def _parts_of(session: Session, row: ItemRow, item: Item, subtasks: list[Subtask], now: datetime) -> list[Part]:
    """One part per directive (its own owners lead it, else the draft's), or, for a draft of one directive
    and several lead units, one per lead unit."""
    units = UnitResolver(session, now)
    if len(subtasks) >= 2:
        return [Part(_short(s.text), _ids(units, s.owners) or item.lead_units,
                     _ids(units, s.co_owners) or (() if _ids(units, s.owners) else item.co_units), (s,))
                for s in subtasks]
    if len(item.lead_units) >= 2:
        named = dict(session.execute(select(Organisation.id, Organisation.name)
                                     .where(Organisation.id.in_([int(u) for u in item.lead_units]))).all())
        return [Part(f"{row.title}（{named.get(int(u), u)}）", (u,), item.co_units, tuple(subtasks))
                for u in item.lead_units]
    raise InvalidValue(f"事项 {item.id} 只有一项分解任务和一个牵头单位，无法拆分；如需调整，请在确认时修改", "item")


def split_item(session: Session, *, item_id: int | str, actor: Actor, expected_version: int | None = None,
               settings: Settings | None = None, now: datetime | None = None) -> list[int]:
    """Split a draft into one draft per directive (or per lead unit), closing it; the new drafts' ids."""
    settings, now = settings or get_settings(), now or utcnow()
    item = load_item(session, item_id=item_id, actor=actor)
    rework.check_reworkable(item, actor, expected_version)
    row = session.get(ItemRow, int(item.id))
    assert row is not None
    subtasks = [s.as_subtask() for s in subtasks_of(session, [row.id]).get(row.id, [])]
    parts = _parts_of(session, row, item, subtasks, now)
    made = [_make(session, row, p, actor, now, settings) for p in parts]
    new, event = rework.split(item, actor, now, into=tuple(str(i) for i in made), expected_version=expected_version)
    save(session, old=item, new=new, event=event, settings=settings, now=now)
    session.commit()
    return made


def merge_items(session: Session, *, item_ids: Sequence[int | str], actor: Actor,
                expected_versions: Sequence[int | None] | None = None, settings: Settings | None = None,
                now: datetime | None = None) -> int:
    """Merge drafts into one (the first one's title and source; all their units, directives and the
    earliest due date), closing them; the new draft's id."""
    settings, now = settings or get_settings(), now or utcnow()
    keys = list(dict.fromkeys(str(i) for i in item_ids))
    if len(keys) < 2:
        raise InvalidValue("请选择至少两项待确认的事项进行合并", "items")
    versions = list(expected_versions or [None] * len(keys))
    items = [load_item(session, item_id=k, actor=actor) for k in keys]
    for item, version in zip(items, versions):
        rework.check_reworkable(item, actor, version)
    rows = [session.get(ItemRow, int(i.id)) for i in items]
    stored = subtasks_of(session, [r.id for r in rows if r is not None])
    subtasks = tuple(s.as_subtask() for r in rows if r is not None for s in stored.get(r.id, []))
    lead = tuple(dict.fromkeys(u for i in items for u in i.lead_units))
    co = tuple(dict.fromkeys(u for i in items for u in i.co_units if u not in lead))
    first = rows[0]
    assert first is not None
    if not subtasks:  # drafts without directives: their texts become the merged one's directives
        subtasks = tuple(Subtask(r.text or r.title, _span(r), (), (), r.due_text,
                                 r.due.isoformat() if r.due else None, r.source_path) for r in rows if r is not None)
    made = _make(session, first, Part(first.title, lead, co, subtasks), actor, now, settings, span=_span(first))
    for item, version in zip(items, versions):
        new, event = rework.merge(item, actor, now, into=str(made), merged=tuple(keys), expected_version=version)
        save(session, old=item, new=new, event=event, settings=settings, now=now)
    session.commit()
    return made


def add_from_highlight(session: Session, *, document_id: int, start: int, end: int, actor: Actor,
                       lead_units: Sequence[str] = (), title: str | None = None, selected: str | None = None,
                       settings: Settings | None = None, now: datetime | None = None) -> int:
    """A draft made by hand from the sentence at `[start, end)` of a stored document's text: the units it
    names lead it unless `lead_units` are given; the sentence is its one directive. `selected`, the text
    the user saw selected, wins over offsets that do not hold it (a browser counts line breaks its own way).
    The new draft's id."""
    settings, now = settings or get_settings(), now or utcnow()
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound(f"没有编号为 {document_id} 的文件；请从文件列表中选择")
    wanted = "".join((selected or "").split())
    if wanted and "".join(doc.text[max(start, 0):max(end, 0)].split()) != wanted:
        found = _nearest(doc.text, wanted, start)
        start, end = found if found else (start, end)
    if not (0 <= start < end <= len(doc.text)):
        raise InvalidValue("所选范围不在文件正文内；请在全文中重新划选一句话", "span")
    sentence = "".join(doc.text[start:end].split())
    if not sentence:
        raise InvalidValue("所选内容是空白；请在全文中划选要立项的句子", "span")
    if len(sentence) > HIGHLIGHT_MAX:
        raise InvalidValue(f"所选内容超过 {HIGHLIGHT_MAX} 字；请只划选要立项的句子", "span")
    named = [n for _, _, n in names.find_units(sentence)]
    units = UnitResolver(session, now)
    lead = tuple(str(u) for u in lead_units if str(u).strip()) or _ids(units, named)
    subtask = Subtask(sentence, (start, end), tuple(assignable(named)), (), None, None, None)
    row = create_item(session, actor=actor, kind=Kind.TASK, title=_short(title or sentence), text=sentence,
                      document_id=doc.id, span=(start, end), lead_units=lead, now=now, settings=settings,
                      commit=False)
    write_subtasks(session, row.id, [subtask])
    session.commit()
    return row.id

