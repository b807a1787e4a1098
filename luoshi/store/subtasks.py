"""The directives kept with an item (分解任务): stored beside it, read for its page, its JSON and the exports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from luoshi.ledger.drafts import Subtask
from luoshi.ledger.items import SourceRef
from luoshi.store.kept import Kept, built
from luoshi.store.models import SubtaskRow
from luoshi.store.types import among


@dataclass(frozen=True)
class SubtaskView:
    position: int
    text: str
    span: tuple[int, int] | None
    source_path: str | None
    owners: list[str]
    co_owners: list[str]
    due_text: str | None
    due: date | None

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span) if self.span else None, "source_path": self.source_path,
                "owners": list(self.owners), "co_owners": list(self.co_owners), "due_text": self.due_text,
                "due": self.due.isoformat() if self.due else None}

    def as_subtask(self) -> Subtask:
        return Subtask(self.text, self.span, tuple(self.owners), tuple(self.co_owners), self.due_text,
                       self.due.isoformat() if self.due else None, self.source_path)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None


def write_subtasks(session: Session, item_id: int, subtasks: Iterable[Subtask]) -> None:
    """Store `subtasks` as the item's, in order, replacing any it had. Does not commit."""
    session.execute(delete(SubtaskRow).where(SubtaskRow.item_id == item_id))
    rows = [dict(item_id=item_id, position=i, text=s.text, span_start=s.span[0] if s.span else None,
                 span_end=s.span[1] if s.span else None, source_path=s.source_path, owners=list(s.owners),
                 co_owners=list(s.co_owners), due_text=s.due_text, due=_date(s.due))
            for i, s in enumerate(subtasks)]
    if rows:
        session.execute(insert(SubtaskRow), rows)


def subtasks_of(session: Session, item_ids: Iterable[int]) -> dict[int, list[SubtaskView]]:
    """The subtasks of each item (`out[item_id]`, in order; an item without any is absent)."""
    ids = list(item_ids)
    out: dict[int, list[SubtaskView]] = {}
    if not ids:
        return out
    for r in _SUBTASKS.all(session, {"ids": ids}):
        span = (r.span_start, r.span_end) if r.span_start is not None and r.span_end is not None else None
        out.setdefault(r.item_id, []).append(SubtaskView(r.position, r.text, span, r.source_path, list(r.owners or []),
                                                         list(r.co_owners or []), r.due_text, r.due))
    return out


# Read with every item (a kept statement, Core rows: `luoshi.store.kept`).
_SUBTASKS = Kept(select(*(SubtaskRow.__table__.c[name] for name in (
    "item_id", "position", "text", "span_start", "span_end", "source_path", "owners", "co_owners", "due_text", "due")))
    .where(among(SubtaskRow.item_id, "ids")).order_by(SubtaskRow.item_id, SubtaskRow.position))


@dataclass(frozen=True)
class Breakdown:
    """What an item's page shows of its decision: its own directives (分解任务), and the requirements of the
    decision that name no unit and so became no draft (`general`)."""

    subtasks: list[SubtaskView]
    general: list[Subtask]
    decision: str | None  # the decision's heading, when the item comes from one


_DECISION = re.compile(r"^items\[(\d+)\]")


def breakdown(session: Session, *, item_id: int, source: SourceRef | None = None) -> Breakdown:
    """The subtasks of an item and the general requirements of the decision it was read from; `source`: the
    item's, when the caller has read it already."""
    from luoshi.ledger.drafts import general_requirements, heading_of
    from luoshi.store.models import Document, ItemRow

    own = subtasks_of(session, [item_id]).get(item_id, [])
    if source is None:
        row = session.execute(select(ItemRow.document_id, ItemRow.source_path).where(ItemRow.id == item_id)).first()
        document, path = (row.document_id, row.source_path) if row is not None else (None, None)
    else:
        document, path = source.document, source.path
    m = _DECISION.match(path or "")
    if m is None or document is None:
        return Breakdown(own, [], None)
    index = int(m.group(1))
    # That one decision of the record, not the whole record (a long document's is large to read and parse).
    rows = built(session.connection(), select(Document.record["items"][index].label("decision"))
                 .where(Document.id == int(document)))
    decision = rows[0].decision if rows else None
    if not isinstance(decision, dict):
        return Breakdown(own, [], None)
    return Breakdown(own, general_requirements(decision, index), heading_of(decision, index))
