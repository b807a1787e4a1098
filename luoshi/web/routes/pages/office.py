"""The office's pages: the per-unit assessment ranking (考核) with its drill-down, formula and XLSX, and the
documents offices file for an item (督办单, 办结报告单), for overdue items (督办通知), and the dossier (一事一档)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.exports import DOCX_MEDIA_TYPE, FORMATS
from luoshi.exports.assessment import assessment_xlsx, shown
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.assessment import MEASURES
from luoshi.store import assessment as store
from luoshi.store import office_documents as documents
from luoshi.store.items import today_in
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.errors import refused
from luoshi.web.render import flash, page, partial, redirect
from luoshi.web.routes.pages.exports import download

router = Router()
COUNTED = ("items", "received", "done", "done_on_time", "overdue_now", "ever_overdue", "returned", "extended",
           "late_extension")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period_of(request: Request, settings: Any) -> store.Period:
    """The period asked for (`from`, `to`), by default this year up to today; a bad date is the default."""
    today = today_in(settings)
    start = _day(request.query_params.get("from")) or date(today.year, 1, 1)
    end = _day(request.query_params.get("to")) or today
    if start > end:
        flash(request, "error", "开始日期晚于结束日期，已改为本年度至今；请重新选择")
        start, end = date(today.year, 1, 1), today
    return store.Period(start, end)


def _query(period: store.Period) -> str:
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})


@router.get("/assessment")
def assessment(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    period = period_of(request, settings)
    result = store.ranking(session, period=period, actor=user.actor, settings=settings)
    rows = [{"rank": u.rank, "unit_id": u.unit_id, "unit": u.unit, "score": u.score,
             "cells": [(m.key, shown(m, u.values.get(m.key)), m.key in COUNTED and u.values.get(m.key))
                       for m in MEASURES]} for u in result.units]
    return page(request, "assessment.html", user=user, active="assessment", title="考核排名", period=period,
                query=_query(period), measures=MEASURES, rows=rows, formula=result.formula,
                can_edit=user.role in OFFICE)


@router.get("/assessment/top")
def assessment_top(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    """The year's three best units by score, for the dashboard's units panel (loaded after the page)."""
    today = today_in(settings)
    period = store.Period(date(today.year, 1, 1), today)
    result = store.ranking(session, period=period, actor=user.actor, settings=settings)
    return partial(request, "_assessment_top.html", units=result.units[:3], query=_query(period))


@router.get("/assessment/export")
def assessment_export(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    period = period_of(request, settings)
    result = store.ranking(session, period=period, actor=user.actor, settings=settings)
    data = assessment_xlsx(result.units, start=period.start, end=period.end, generated=result.today)
    name = f"督办工作考核排名-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    return download(data, name, FORMATS["xlsx"][1], f"luoshi-assessment-{period.start}-{period.end}.xlsx")


@router.get("/assessment/units/{unit_id}")
def assessment_unit(unit_id: int, request: Request, session: SessionDep, user: PageUser,
                    settings: SettingsDep) -> Response:
    period = period_of(request, settings)
    rows = store.unit_measures(session, period=period, actor=user.actor, settings=settings, unit=unit_id)
    facts = store.unit_items(session, unit=unit_id, period=period, actor=user.actor, settings=settings)
    values = rows[0][2] if rows else {}
    name = rows[0][1] if rows else store.unit_name(session, unit_id)
    show = request.query_params.get("measure") or ""
    listed = [f for f in facts if not show or show == "items" or getattr(f, show, False)]
    return page(request, "assessment_unit.html", user=user, active="assessment", title=f"{name} · 考核明细",
                unit=name, unit_id=unit_id, period=period, query=_query(period), values=values,
                measures=MEASURES, cells=[(m, shown(m, values.get(m.key))) for m in MEASURES], facts=listed,
                show=show, show_label=next((m.label for m in MEASURES if m.key == show), ""))


@router.post("/assessment/formula", dependencies=[CsrfChecked])
async def assessment_formula(request: Request, session: SessionDep, user: PageUser,
                             settings: SettingsDep) -> Response:
    require_role(user, *OFFICE)
    form = await request.form()
    weights = {m.key: str(form.get(f"w_{m.key}") or "").strip() for m in MEASURES}
    data = {"base": str(form.get("base") or "0").strip() or "0",
            "weights": {k: v for k, v in weights.items() if v not in ("", "0")}}
    back = "/assessment?" + urlencode({k: str(form.get(k) or "") for k in ("from", "to") if form.get(k)})
    try:
        store.save_formula(session, formula=data, actor=user.actor, settings=settings)
    except LuoshiError as exc:
        refused(request, session, exc)
        return redirect(back)
    flash(request, "ok", "考核办法已保存，排名已按新的分值重新计算")
    return redirect(back)


# -- documents -----------------------------------------------------------------------------------------

ZIP_MEDIA_TYPE = "application/zip"


@router.post("/items/{item_id}/documents/order", dependencies=[CsrfChecked])
def item_order(item_id: int, request: Request, session: SessionDep, user: PageUser,
               settings: SettingsDep) -> Response:
    """The 督办单 of the item (numbered on first issue): a POST, since issuing gives it a number."""
    issued, data = documents.supervision_order(session, item_id=item_id, actor=user.actor, settings=settings)
    return download(data, f"督办单-{issued.number}.docx", DOCX_MEDIA_TYPE,
                    f"luoshi-order-{issued.year}-{issued.seq}.docx")


@router.get("/items/{item_id}/documents/completion")
def item_completion(item_id: int, request: Request, session: SessionDep, user: PageUser,
                    settings: SettingsDep) -> Response:
    data = documents.completion_report(session, item_id=item_id, actor=user.actor, settings=settings)
    return download(data, f"办结报告单-{item_id}.docx", DOCX_MEDIA_TYPE, f"luoshi-completion-{item_id}.docx")


@router.get("/items/{item_id}/dossier")
def item_dossier(item_id: int, request: Request, session: SessionDep, user: PageUser,
                 settings: SettingsDep) -> Response:
    data = documents.dossier(session, item_id=item_id, actor=user.actor, settings=settings)
    return download(data, f"一事一档-{item_id}.zip", ZIP_MEDIA_TYPE, f"luoshi-dossier-{item_id}.zip")


@router.post("/ledger/notice", dependencies=[CsrfChecked])
async def ledger_notice(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    """A new 督办通知 of the items overdue today (of the unit the ledger is filtered by, if any)."""
    require_role(user, *OFFICE)
    unit = str((await request.form()).get("unit") or "").strip() or None
    try:
        issued, data = documents.overdue_notice(session, actor=user.actor, unit=unit, settings=settings)
    except LuoshiError as exc:
        refused(request, session, exc)
        return redirect("/ledger" + (f"?unit={unit}" if unit else ""))
    return download(data, f"督办通知-{issued.number}.docx", DOCX_MEDIA_TYPE,
                    f"luoshi-notice-{issued.year}-{issued.seq}.docx")
