"""Leaders' instructions (批示) across items: the list a leader keeps of their 批示 and the answers, and
the list a unit's workspace shows of the 批示 on its items. An item's own 批示 are `items.instructions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.ledger import Actor, Role
from luoshi.store.items import InstructionView, _items_of, instruction_views, visible_to
from luoshi.store.models import Instruction, ItemRow, Organisation

LIMIT = 200  # the newest 批示 a list shows


@dataclass(frozen=True)
class InstructedItem:
    """A 批示 with the item it is on (id, title, state) and the names of the units that answered."""

    item_id: int
    item_title: str
    item_state: str
    instruction: InstructionView
    unit_names: dict[int, str]

    @property
    def answered(self) -> bool:
        return bool(self.instruction.answers)


def _listed(session: Session, rows: list[tuple[int, str, str]]) -> list[InstructedItem]:
    views = instruction_views(session, [r[0] for r in rows])
    units = {a.unit_id for vs in views.values() for v in vs for a in v.answers if a.unit_id is not None}
    names = dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(units)))
                 .all()) if units else {}
    out = [InstructedItem(item_id, title, state, v, names) for item_id, title, state in rows
           for v in views.get(item_id, ())]
    return sorted(out, key=lambda i: i.instruction.at, reverse=True)


def instructions_by(session: Session, *, actor: Actor) -> list[InstructedItem]:
    """The 批示 `actor` (a leader) gave, newest first, each with its item and the units' answers."""
    ids = select(Instruction.item_id).where(Instruction.by == actor.id).order_by(Instruction.at.desc()).limit(LIMIT)
    rows = session.execute(select(ItemRow.id, ItemRow.title, ItemRow.state).where(ItemRow.id.in_(ids))).all()
    return [i for i in _listed(session, [tuple(r) for r in rows]) if i.instruction.by == actor.id]


def instructions_for(session: Session, *, actor: Actor, unit: int | None = None) -> list[InstructedItem]:
    """The 批示 on the items `actor` may see, newest first; with `unit`, on that unit's items only (a unit's
    workspace: its 领导批示 list; a unit user's own unit is implied)."""
    if actor.role is Role.UNIT:
        if not (actor.unit or "").isdigit():
            return []
        unit = int(actor.unit or 0)
    conds = [visible_to(actor)] + ([ItemRow.id.in_(_items_of(unit))] if unit is not None else [])
    ids = (select(Instruction.item_id).join(ItemRow, ItemRow.id == Instruction.item_id)
           .where(*[c for c in conds if c is not True]).order_by(Instruction.at.desc()).limit(LIMIT))
    rows = session.execute(select(ItemRow.id, ItemRow.title, ItemRow.state).where(ItemRow.id.in_(ids))).all()
    return _listed(session, [tuple(r) for r in rows])
