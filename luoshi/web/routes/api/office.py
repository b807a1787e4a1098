"""/api for the office's tools: batch actions on many items (`POST /api/items/batch`), the numbered
documents of an item (督办单, 办结报告单), the 督办通知 of overdue items, the dossier (一事一档), and the
per-unit assessment (考核) with its formula."""

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from luoshi.ledger.actors import OFFICE
from luoshi.store import batch as batch_store
from luoshi.web.deps import CurrentUser, SessionDep, SettingsDep, require_role

router = APIRouter(tags=["office"])


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
                                       dues=body.dues, versions=body.versions, settings=settings, **fields)
    except batch_store.BatchError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"action": result.action.value, "summary": result.summary, "done": result.done,
            "failed": [{"id": f.item_id, "title": f.title, "reason": f.reason} for f in result.failed]}
