"""The promise-versus-delivery page (承诺兑现): each promise of a year beside the result the next work report
states, both source sentences, the score and reasons of the proposed link and its verdict; the office
confirms or rejects each proposal (forms posted here)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger.actors import OFFICE
from luoshi.store import delivery as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.errors import form_version, refused
from luoshi.web.queries import may_read_documents
from luoshi.web.render import flash, page, redirect
from luoshi.web.tracking_views import (DELIVERY_READERS, delivery_dict, delivery_for, delivery_year, delivery_years,
                                       document_texts)

router = Router()
STATES = (("proposed", "待确认"), ("confirmed", "已确认"), ("rejected", "已否决"))


@router.get("/delivery")
def delivery(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    require_role(user, *DELIVERY_READERS)
    raw = request.query_params.get("year", "")
    year = int(raw) if raw.isdigit() else delivery_year(session, settings)
    state = request.query_params.get("state") or None
    state = state if state in dict(STATES) else None
    found = delivery_for(session, year=year, state=state)
    data = delivery_dict(found, settings.zone, document_texts(session, found))
    return page(request, "delivery.html", user=user, active="delivery", title=f"{year}年承诺兑现", d=data,
                years=delivery_years(session), state=state or "", states=STATES, can_decide=user.role in OFFICE,
                full_document=may_read_documents(user.actor))


@router.post("/delivery/{link_id}/{decision}", dependencies=[CsrfChecked])
async def decide(link_id: int, decision: str, request: Request, session: SessionDep, user: PageUser,
                 settings: SettingsDep) -> Response:
    if decision not in ("confirm", "reject"):
        from fastapi import HTTPException

        raise HTTPException(404, "没有这种处理方式：请选择确认或驳回")
    form = await request.form()
    note = str(form.get("note") or "").strip() or None
    back = f"/delivery?year={form.get('year')}" if str(form.get("year") or "").isdigit() else "/delivery"
    decide_link = store.confirm_link if decision == "confirm" else store.reject_link
    try:
        link = decide_link(session, link_id=link_id, actor=user.actor, expected_version=form_version(form.get("version")),
                           note=note, settings=settings)
    except LuoshiError as exc:
        refused(request, session, exc)
        return redirect(f"{back}#link-{link_id}")
    flash(request, "ok", f"已{'确认' if decision == 'confirm' else '否决'}：{link.target.indicator or link.promise.text}")
    return redirect(f"{back}#link-{link_id}")
