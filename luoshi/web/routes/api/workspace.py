"""/api/workspace: a unit's desk (open, due this week, returned, overdue), the JSON twin of /workspace."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from luoshi.ledger import Role
from luoshi.store.items import today_in, unit_ids
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep
from luoshi.web.present import item_dict
from luoshi.store.instructions import instructions_for
from luoshi.web.queries import instructed_dicts
from luoshi.web.queries import workspace as unit_workspace

router = Router(tags=["workspace"])


@router.get("/workspace", summary="A unit's open items, what is due this week, returned and overdue")
def workspace(session: SessionDep, user: CurrentUser, settings: SettingsDep, unit: str | None = None) -> dict[str, Any]:
    """A unit user gets their own unit; the office and leaders name one with `unit` (id or name)."""
    if user.role is Role.UNIT:
        unit = str(user.unit_id)
    elif not unit:
        raise HTTPException(422, "请用 unit 参数指定要查看哪个单位的工作台（单位编号或名称）")
    ws = unit_workspace(session, actor=user.actor, unit=unit, settings=settings, today=today_in(settings))
    out: dict[str, Any] = {name: [item_dict(v, actor=user.actor) for v in getattr(ws, name)]
                           for name in ("open", "due_this_week", "returned", "overdue", "reminded")}
    [unit_id] = unit_ids(session, [unit], "unit")
    out["instructions"] = instructed_dicts(session, instructions_for(session, actor=user.actor, unit=int(unit_id)),
                                           settings.zone)
    return out
