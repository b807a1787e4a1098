"""/api/targets: the targets (指标) with their status, one target with its actual values, entering an
actual value, naming a target's units, the import template and the import (all rows or none)."""

# No `from __future__ import annotations`: FastAPI must see the body models as classes.
from typing import Annotated, Any

from fastapi import File, Query, UploadFile
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from luoshi.ledger.targets import Status
from luoshi.store import targets as store
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep
from luoshi.web.paging import CursorParam, PageNumber, Paged, paged
from luoshi.web.tracking_views import (filled_rows, import_errors, target_detail, target_dict, target_for,
                                       target_unit_filter)

router = Router(prefix="/targets", tags=["targets"])
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class TargetList(Paged):
    targets: list[dict[str, Any]]


@router.get("", response_model=TargetList, summary="Targets and commitments with their status today (a unit: its own)")
def list_targets(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                 year: int | None = None,
                 unit: Annotated[str | None, Query(description="organisation id or name")] = None,
                 status: Annotated[str | None, Query(description=", ".join(s.value for s in Status))] = None,
                 kind: Annotated[str | None, Query(description="target or commitment")] = None,
                 q: Annotated[str | None, Query(description="text in the indicator or sentence")] = None,
                 page: PageNumber = 1,
                 per_page: Annotated[int, Query(ge=1, le=store.PER_PAGE_MAX)] = 50,
                 cursor: CursorParam = None) -> dict[str, Any]:
    result = store.list_targets(session, actor=user.actor, year=year, unit=target_unit_filter(user.actor, unit),
                                status=status or None, kind=kind or None, q=q or None, page=page,
                                per_page=per_page, cursor=cursor, settings=settings)
    return {"targets": [target_dict(v) for v in result.rows], **paged(result)}


@router.get("/template", summary="The import template of actual values (CSV or XLSX), one row per target")
def template(session: SessionDep, user: CurrentUser, format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
             year: int | None = None) -> Response:
    data = store.actuals_template(session, fmt=format, actor=user.actor, year=year)
    name = f"targets-actuals-template.{format}"
    return Response(data, media_type=MEDIA[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/{target_id}", summary="One target: goal, units, source sentence, actual values, status and rule")
def get_target(target_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    return target_detail(session, target_for(session, target_id=target_id, actor=user.actor, settings=settings),
                         settings)


class ActualIn(BaseModel):
    period: str = Field(description="a month (2024-03) or a quarter (2024-Q3) of the target's year")
    value: str | float | int = Field(description="the figure, in the target's unit unless `unit` says")
    unit: str | None = Field(None, description="the figure's unit when not the target's (万人 → scaled)")
    note: str | None = None


@router.post("/{target_id}/actuals", status_code=201,
             summary="Enter an actual value (the office: any target; a unit: its own); returns the target")
def enter_actual(target_id: int, body: ActualIn, session: SessionDep, user: CurrentUser,
                 settings: SettingsDep) -> dict[str, Any]:
    target_for(session, target_id=target_id, actor=user.actor, settings=settings)
    view = store.enter_actual(session, target_id=target_id, actor=user.actor, period=body.period,
                              value=str(body.value), unit=body.unit or None, note=body.note or None, settings=settings)
    return target_detail(session, view, settings)


class UnitsIn(BaseModel):
    lead_units: list[str | int] = Field(description="lead units (牵头), ids or names")
    co_units: list[str | int] = Field(default_factory=list, description="co-operating units (配合)")


@router.post("/{target_id}/units", summary="Name the units responsible for a target (the office)")
def set_units(target_id: int, body: UnitsIn, session: SessionDep, user: CurrentUser,
              settings: SettingsDep) -> dict[str, Any]:
    target_for(session, target_id=target_id, actor=user.actor, settings=settings)
    view = store.assign_target(session, target_id=target_id, actor=user.actor, lead_units=body.lead_units,
                               co_units=body.co_units, settings=settings)
    return target_detail(session, view, settings)


@router.post("/import", summary="Import actual values from a filled template (CSV/XLSX): all rows or none")
def import_actuals(file: Annotated[UploadFile, File(description="the filled template, .csv or .xlsx")],
                   session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
    try:
        done = store.import_actuals(session, actor=user.actor, rows=filled_rows(file.file.read()),
                                    settings=settings)
    except store.ImportRejected as exc:
        session.rollback()
        return JSONResponse({"detail": str(exc), "errors": import_errors(exc.errors)}, status_code=422)
    return JSONResponse({"imported": done.values, "targets": done.targets})
