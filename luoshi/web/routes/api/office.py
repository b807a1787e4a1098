"""/api for the office's tools: batch actions on many items (`POST /api/items/batch`), the numbered
documents of an item (督办单, 办结报告单), the 督办通知 of overdue items, the dossier (一事一档), and the
per-unit assessment (考核) with its formula."""

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import HTTPException, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.exports import DOCX_MEDIA_TYPE
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.assessment import MEASURES
from luoshi.ledger.errors import DueDatePassed
from luoshi.store import assessment
from luoshi.store import batch as batch_store
from luoshi.store import office_documents as documents
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, require_role

router = Router(tags=["office"])


class BatchFilter(BaseModel):
    state: str | None = None
    unit: str | None = None
    warning: str | None = None
    document: int | None = None
    kind: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    q: str | None = None


class Batch(BaseModel):
    action: str = Field(description="confirm, assign, cancel or remind")
    ids: list[int] | None = Field(None, description="the items; or give `filter` for every item matching it")
    filter: BatchFilter | None = Field(None, description="the ledger's filters, re-applied on the server")
    due: date | None = Field(None, description="assign: one due date for all (default: each item's own)")
    dues: dict[int, date] | None = Field(None, description="assign: a due date per item id")
    lead_units: list[str | int] | None = None
    co_units: list[str | int] | None = None
    reason: str | None = Field(None, description="cancel: the reason, for all")
    text: str | None = Field(None, description="remind: the message")
    note: str | None = None
    versions: dict[int, int] | None = Field(None, description="the version of each item you read (409-like "
                                                               "refusal per item if it changed)")
    confirm_past_due: bool = Field(False, description="assign even though `due` is past (else 409 saying how late "
                                                      "it is already)")


@router.post("/items/batch", summary="One action on many items; each gets its own event; refusals per item")
def batch(body: Batch, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    require_role(user, *OFFICE)
    fields = body.model_dump(exclude_none=True, include={"due", "lead_units", "co_units", "reason", "text", "note"})
    try:
        if body.filter is not None and body.ids is None:
            ids: list[int] = batch_store.matching_ids(session, actor=user.actor, settings=settings,
                                                      **body.filter.model_dump(exclude_none=True))
        else:
            ids = body.ids or []
        result = batch_store.batch_act(session, actor=user.actor, action=body.action, item_ids=ids,
                                       dues=body.dues, versions=body.versions, settings=settings,
                                       ask_past_due=not body.confirm_past_due, **fields)
    except batch_store.BatchError as exc:
        raise HTTPException(422, str(exc)) from None
    except DueDatePassed:
        raise
    except LuoshiError:  # a filter the ledger refuses: nothing was done
        raise HTTPException(422, "筛选条件有误（状态、单位、预警或日期）；请检查 filter 后重试") from None
    return {"action": result.action.value, "summary": result.summary, "done": result.done,
            "failed": [{"id": f.item_id, "title": f.title, "reason": f.reason} for f in result.failed]}


# -- assessment (考核) ------------------------------------------------------------------------------------

def _period(start: date | None, end: date | None, settings: Any) -> assessment.Period:
    from luoshi.store.items import today_in

    today = today_in(settings)
    return assessment.Period(start or date(today.year, 1, 1), end or today)


def _formula_dict(formula: Any) -> dict[str, Any]:
    return {"base": formula.base, "weights": formula.weights}


@router.get("/assessment", summary="Per-unit measures and scores over a period, ranked (考核排名)")
def get_assessment(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                   start: Annotated[date | None, Query(alias="from", description="default: 1 January")] = None,
                   end: Annotated[date | None, Query(alias="to", description="default: today")] = None) -> dict[str, Any]:
    period = _period(start, end, settings)
    result = assessment.ranking(session, period=period, actor=user.actor, settings=settings)
    return {"from": period.start, "to": period.end, "today": result.today, "formula": _formula_dict(result.formula),
            "measures": [{"key": m.key, "label": m.label, "kind": m.kind, "help": m.help} for m in MEASURES],
            "units": [{"rank": u.rank, "id": u.unit_id, "name": u.unit, "score": u.score, **u.values,
                       "url": f"/assessment/units/{u.unit_id}?from={period.start}&to={period.end}"}
                      for u in result.units]}


@router.get("/assessment/units/{unit_id}", summary="One unit's measures and its items with their flags")
def get_assessment_unit(unit_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                        start: Annotated[date | None, Query(alias="from")] = None,
                        end: Annotated[date | None, Query(alias="to")] = None) -> dict[str, Any]:
    period = _period(start, end, settings)
    rows = assessment.unit_measures(session, period=period, actor=user.actor, settings=settings, unit=unit_id)
    facts = assessment.unit_items(session, unit=unit_id, period=period, actor=user.actor, settings=settings)
    return {"from": period.start, "to": period.end, "id": unit_id,
            "name": rows[0][1] if rows else assessment.unit_name(session, unit_id),
            "measures": rows[0][2] if rows else {}, "items": [asdict(f) for f in facts]}


class FormulaBody(BaseModel):
    base: float = 0
    weights: dict[str, float]


@router.put("/assessment/formula", summary="Set the office's assessment formula (考核办法)")
def put_formula(body: FormulaBody, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    formula = assessment.save_formula(session, formula=body.model_dump(), actor=user.actor, settings=settings)
    return _formula_dict(formula)


# -- documents -----------------------------------------------------------------------------------------

def _file(data: bytes, media_type: str, name: str, fallback: str) -> Response:
    from luoshi.web.routes.pages.exports import download

    return download(data, name, media_type, fallback)


@router.post("/items/{item_id}/documents/order", summary="The item's 督办单 (DOCX), numbered 督字〔年份〕N号 "
                                                          "on first issue", response_class=Response)
def order(item_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
    issued, data = documents.supervision_order(session, item_id=item_id, actor=user.actor, settings=settings)
    return _file(data, DOCX_MEDIA_TYPE, f"督办单-{issued.number}.docx", f"luoshi-order-{issued.year}-{issued.seq}.docx")


@router.get("/items/{item_id}/documents/completion", summary="The item's 办结报告单 (DOCX)", response_class=Response)
def completion(item_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
    data = documents.completion_report(session, item_id=item_id, actor=user.actor, settings=settings)
    return _file(data, DOCX_MEDIA_TYPE, f"办结报告单-{item_id}.docx", f"luoshi-completion-{item_id}.docx")


@router.get("/items/{item_id}/dossier", summary="The item's dossier (一事一档) as ZIP", response_class=Response)
def item_dossier(item_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
    data = documents.dossier(session, item_id=item_id, actor=user.actor, settings=settings)
    return _file(data, "application/zip", f"一事一档-{item_id}.zip", f"luoshi-dossier-{item_id}.zip")


@router.post("/notices/overdue", summary="A new 督办通知 (DOCX) of the items overdue today", response_class=Response)
def notice(session: SessionDep, user: CurrentUser, settings: SettingsDep,
           unit: Annotated[str | None, Query(description="organisation id or name; default every unit")] = None
           ) -> Response:
    issued, data = documents.overdue_notice(session, actor=user.actor, unit=unit, settings=settings)
    return _file(data, DOCX_MEDIA_TYPE, f"督办通知-{issued.number}.docx",
                 f"luoshi-notice-{issued.year}-{issued.seq}.docx")
