"""Batch work from the ledger page (批量办理): the checked rows, or every row matching the filters shown
(re-applied here), get one action; the answer lists what was done and, item by item, what was not and why."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.errors import DueDatePassed
from luoshi.store import batch as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.render import flash, page, redirect
from luoshi.web.routes.pages.exports import list_filters

router = Router()


def filters_posted(form: Any) -> dict[str, Any]:
    """The ledger filters the form carried (`f_state`, `f_unit`, …), as the ledger's export reads them."""
    return list_filters("ledger", {k[2:]: v for k, v in form.items() if k.startswith("f_") and isinstance(v, str)})


@router.post("/ledger/batch", dependencies=[CsrfChecked])
async def batch(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    require_role(user, *OFFICE)
    form = await request.form()
    filters = filters_posted(form)
    back = "/ledger" + ("?" + urlencode(filters) if filters else "")
    payload = {k: str(form.get(k) or "").strip() for k in ("due", "reason", "text", "note")}
    try:
        if form.get("all_matching") == "1":
            ids: list[Any] = store.matching_ids(session, actor=user.actor, settings=settings, **filters)
        else:
            ids = [v for v in form.getlist("ids") if isinstance(v, str)]
        action = store.offered_action(str(form.get("action") or ""))
        allowed = store.ACTIONS[action]  # the form shows every field; only the action's are taken
        result = store.batch_act(session, actor=user.actor, action=action, item_ids=ids, settings=settings,
                                 ask_past_due=form.get("confirm_past_due") != "1",
                                 **{k: v for k, v in payload.items() if k in allowed and v})
    except DueDatePassed as exc:  # asked again, the same form (the selection and filters) posted once confirmed
        session.rollback()
        posted = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and k != "confirm_past_due"]
        return page(request, "batch_confirm.html", status_code=409, user=user, active="ledger", title="确认批量交办",
                    question=str(exc), posted=posted, back=back)
    except store.BatchError as exc:
        session.rollback()
        flash(request, "error", f"批量办理未进行：{exc}")
        return redirect(back)
    except LuoshiError:  # a filter the ledger refuses (an unknown state or unit): nothing was done
        session.rollback()
        flash(request, "error", "批量办理未进行：筛选条件有误；请在台账中重新筛选后再试")
        return redirect("/ledger")
    return page(request, "batch_result.html", user=user, active="ledger", title="批量办理结果", result=result,
                back=back)
