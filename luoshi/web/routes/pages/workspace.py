"""A unit's workspace (工作台): its open items, what falls due this week, what was returned, what is late.
A unit user sees their own unit; the office and leaders may look at any unit's with `?unit=`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import NotFound
from luoshi.ledger import Role
from luoshi.store import items as store
from luoshi.store import orgs as store_orgs
from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep
from luoshi.web.present import item_dict
from luoshi.store.instructions import instructions_for
from luoshi.web.queries import instructed_dicts
from luoshi.web.queries import workspace as unit_workspace
from luoshi.web.render import page, redirect

router = Router()


@router.get("/workspace")
def workspace(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
              unit: int | None = None) -> Response:
    if user.role is Role.UNIT:
        unit = user.unit_id
    elif unit is None:
        return redirect("/ledger")
    if unit is None:
        raise NotFound.of("unit")
    org = store_orgs.get_organisation(session, org_id=unit).summary
    ws = unit_workspace(session, actor=user.actor, unit=unit, settings=settings, today=store.today_in(settings))
    lists = {name: [item_dict(v, actor=user.actor) for v in getattr(ws, name)]
             for name in ("open", "due_this_week", "returned", "overdue", "reminded")}
    instructed = instructed_dicts(session, instructions_for(session, actor=user.actor, unit=unit), settings.zone)
    return page(request, "workspace.html", user=user, active="workspace", title="工作台", ws=lists,
                instructions=instructed,
                unit={"id": org.id, "name": org.name}, unit_param=user.role is not Role.UNIT)
