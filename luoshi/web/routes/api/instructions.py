"""/api/instructions: a leader's 批示 and the units' answers (the office: every leader's), the JSON twin of
/instructions; an item's own are in GET /api/items/{id}."""

from __future__ import annotations

from typing import Any

from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep
from luoshi.web.routes.pages.instructions import instruction_list

router = Router(tags=["instructions"])


@router.get("/instructions", summary="A leader's instructions (批示) with the units' answers, newest first")
def instructions(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    """Each with its item (id, title, state) and `answered`. For leaders and the office."""
    return {"instructions": instruction_list(session, user, settings)}
