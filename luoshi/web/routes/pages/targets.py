"""The target pages (指标): the list with status badges and their rules, one target with its source
sentence, actual values (table and chart) and the entry form, and the import of actual values from a
filled template (CSV/XLSX: every row or none, each bad row named by row and column)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import File, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger.actors import OFFICE
from luoshi.settings import Settings
from luoshi.store import targets as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, Viewer
from luoshi.web.errors import HEADINGS, refused, status_of
from luoshi.web.links import filter_link
from luoshi.web.paging import cursor_of, page_number, pager
from luoshi.web.queries import may_read_documents, source_context, unit_options
from luoshi.web.render import flash, page, partial, redirect
from luoshi.web.tracking_views import (TARGET_KINDS, TARGET_STATUSES, chart, filled_rows, import_errors, in_chinese,
                                       period_choices, target_detail, target_dict, target_for, target_unit_filter,
                                       target_years)

router = Router()
FILTERS = ("year", "unit", "status", "kind", "q")
PER_PAGE = 50


def _link(filters: dict[str, str], **changes: Any) -> str:
    return filter_link("/targets", filters, **changes)


@router.get("/targets")
def targets(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    f = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    result = store.list_targets(session, actor=user.actor, year=int(f["year"]) if f["year"].isdigit() else None,
                                unit=target_unit_filter(user.actor, f["unit"]), status=f["status"] or None,
                                kind=f["kind"] or None, q=f["q"] or None, page=page_number(request),
                                cursor=cursor_of(request), per_page=PER_PAGE, settings=settings)
    context = dict(targets=[target_dict(v) for v in result.rows], **pager(result, lambda **at: _link(f, **at)))
    if request.headers.get("HX-Target") == "targets-table":
        return partial(request, "targets_table.html", **context)
    return page(request, "targets.html", user=user, active="targets", title="指标", filters=f,
                years=target_years(session), statuses=TARGET_STATUSES, kinds=TARGET_KINDS,
                units=[] if user.actor.unit else unit_options(session), can_import=user.role in OFFICE or bool(
                    user.actor.unit), json_link="/api/targets?" + urlencode({k: v for k, v in f.items() if v}),
                **context)


def target_page(request: Request, session: SessionDep, user: Viewer, settings: Settings, target_id: int,
                status_code: int = 200, form: dict[str, str] | None = None) -> Response:
    view = target_for(session, target_id=target_id, actor=user.actor, settings=settings)
    context = source_context(session, view.target.source) if view.target.source else {}
    return page(request, "target.html", status_code=status_code, user=user, active="targets",
                title=view.target.indicator, target=target_detail(session, view, settings), chart=chart(view),
                periods=period_choices(view.target.year), form=form or {},
                units=unit_options(session) if user.role in OFFICE else [],
                full_document=may_read_documents(user.actor), **context)


@router.get("/targets/import")
def import_form(request: Request, user: PageUser, session: SessionDep) -> Response:
    return page(request, "targets_import.html", user=user, active="targets", title="导入实际值",
                years=target_years(session))


@router.post("/targets/import", dependencies=[CsrfChecked])
def import_upload(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                  file: UploadFile = File(...)) -> Response:
    try:
        done = store.import_actuals(session, actor=user.actor, rows=filled_rows(file.file.read()), settings=settings)
    except store.ImportRejected as exc:
        session.rollback()
        return page(request, "targets_import.html", status_code=422, user=user, active="targets", title="导入实际值",
                    years=target_years(session), filename=file.filename, errors=import_errors(exc.errors))
    except LuoshiError as exc:
        if status_of(exc) != 422:
            raise
        session.rollback()
        return page(request, "targets_import.html", status_code=422, user=user, active="targets", title="导入实际值",
                    years=target_years(session), filename=file.filename, problem=str(exc))
    return page(request, "targets_import.html", user=user, active="targets", title="导入实际值",
                years=target_years(session), filename=file.filename, imported=done)


@router.get("/targets/{target_id}")
def target(target_id: int, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    return target_page(request, session, user, settings, target_id)


@router.post("/targets/{target_id}/actuals", dependencies=[CsrfChecked])
async def enter_actual(target_id: int, request: Request, session: SessionDep, user: PageUser,
                       settings: SettingsDep) -> Response:
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    target_for(session, target_id=target_id, actor=user.actor, settings=settings)
    try:
        view = store.enter_actual(session, target_id=target_id, actor=user.actor, period=form.get("period", ""),
                                  value=form.get("value", ""), unit=form.get("unit") or None,
                                  note=form.get("note") or None, settings=settings)
    except LuoshiError as exc:
        status = refused(request, session, exc, in_chinese(str(exc)))
        return target_page(request, session, user, settings, target_id, status_code=status, form=form)
    flash(request, "ok", f"已填报实际值；当前状态：{view.status.status.label}")
    return redirect(f"/targets/{target_id}")


@router.post("/targets/{target_id}/units", dependencies=[CsrfChecked])
async def set_units(target_id: int, request: Request, session: SessionDep, user: PageUser,
                    settings: SettingsDep) -> Response:
    form = await request.form()
    target_for(session, target_id=target_id, actor=user.actor, settings=settings)
    try:
        store.assign_target(session, target_id=target_id, actor=user.actor,
                            lead_units=[str(v) for v in form.getlist("lead_units") if str(v).strip()],
                            co_units=[str(v) for v in form.getlist("co_units") if str(v).strip()], settings=settings)
    except LuoshiError as exc:
        if status_of(exc) != 422:
            raise
        session.rollback()
        flash(request, "error", f"{HEADINGS[422]}：{exc}")
        return target_page(request, session, user, settings, target_id, status_code=422)
    flash(request, "ok", "已明确责任单位")
    return redirect(f"/targets/{target_id}")
