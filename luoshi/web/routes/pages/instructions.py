"""A leader's list of their 批示 and the units' answers (the office sees every leader's): /instructions,
whose JSON twin is GET /api/instructions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from luoshi.ledger import Role
from luoshi.ledger.actors import OFFICE
from luoshi.store.instructions import instructions_by, instructions_for
from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep, Viewer, require_role
from luoshi.web.queries import instructed_dicts
from luoshi.web.render import page

router = Router()
READERS = (*OFFICE, Role.LEADER)


def instruction_list(session: Any, user: Viewer, settings: Any) -> list[dict[str, Any]]:
    """A leader's own 批示; the office's view of all of them."""
    require_role(user, *READERS)
    listed = (instructions_by(session, actor=user.actor) if user.role is Role.LEADER
              else instructions_for(session, actor=user.actor))
    return instructed_dicts(session, listed, settings.zone)


@router.get("/instructions")
def instructions(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    rows = instruction_list(session, user, settings)
    title = "我的批示" if user.role is Role.LEADER else "领导批示"
    return page(request, "instructions.html", user=user, active="instructions", title=title, rows=rows,
                answered=sum(r["answered"] for r in rows))
