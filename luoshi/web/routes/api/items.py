"""/api/items: the ledger query, one item, its history, and every action on it (one POST per action).

Each action takes the `version` the caller read; when the item has moved on since, the answer is 409
and nothing is written, so two people acting at once never overwrite each other.
"""

# No `from __future__ import annotations`: the action routes are built in a loop and FastAPI must see
# each body model as a class, not as the string "model".
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.requests import Request

from luoshi.ledger import Action, Rating
from luoshi.settings import Settings
from luoshi.store import drafts as rework
from luoshi.store import items as store
from luoshi.store.evidence import files_of
from luoshi.store.subtasks import breakdown
from luoshi.web.answers import FastJSON
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, Viewer
from luoshi.web.paging import CURSOR, PAGE_NUMBER, Paged, paged
from luoshi.web.params import Parameters
from luoshi.web.present import breakdown_dict, item_dict, item_json
from luoshi.web.queries import history, instruction_dicts

router = Router(prefix="/items", tags=["items"])

Units = list[str | int] | None


class ItemList(Paged):
    items: list[dict[str, Any]]


class LedgerQuery(Parameters):
    state: list[str] | None = Field(None, description="draft, confirmed, assigned, in_progress, completion_requested, "
                                                      "done, cancelled; repeatable")
    unit: str | None = Field(None, description="organisation id or name (lead or co-operating)")
    warning: str | None = Field(None, description="red, yellow, green or none")
    document: int | None = Field(None, description="source document id")
    kind: str | None = Field(None, description="decision, task, target or suggestion")
    due_from: date | None = None
    due_to: date | None = None
    q: str | None = Field(None, description="text in the title or body")
    sort: str = Field("due", description=", ".join(store.SORTS))
    page: int = Field(1, ge=1, description=PAGE_NUMBER)
    per_page: int = Field(50, ge=1, le=store.PER_PAGE_MAX)
    cursor: str | None = Field(None, description=CURSOR)


@router.get("", response_model=ItemList, response_class=FastJSON, openapi_extra=LedgerQuery.openapi(),
            summary="The ledger (督办台账): filtered, sorted, paged")
def list_items(request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> FastJSON:
    f = LedgerQuery.of(request)
    result = store.list_items(session, actor=user.actor, state=f.state, unit=f.unit, warning=f.warning,
                              document=f.document, kind=f.kind, due_from=f.due_from, due_to=f.due_to, q=f.q,
                              sort=f.sort, page=f.page, per_page=f.per_page, cursor=f.cursor, settings=settings)
    return FastJSON({**paged(result), "items": [item_json(v, actor=user.actor) for v in result.rows]})


@router.get("/{item_id}", response_model=dict[str, Any], response_class=FastJSON,
            summary="One item, with its warning, source, directives (subtasks), its decision's "
                    "general requirements and the actions you may take")
def get_item(item_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> FastJSON:
    return FastJSON(item_out(item_id, session, user, settings))


def item_out(item_id: int, session: Session, user: Viewer, settings: Settings) -> dict[str, Any]:
    """The dict of one item as GET /api/items/{id} answers it (merge and split answer with it too)."""
    view = store.get_item(session, item_id=item_id, actor=user.actor, settings=settings)  # NotFound unless visible
    out = {**item_dict(view, actor=user.actor),
           **breakdown_dict(breakdown(session, item_id=view.id, source=view.item.source))}
    out["attachments"] = [a.to_dict() for a in files_of(session, view.id)]
    out["instructions"] = instruction_dicts(session, store.instruction_views(session, [view.id]).get(view.id, []),
                                            settings.zone)
    return out


class Merge(BaseModel):
    items: list[int] = Field(description="the drafts to merge (two or more); the first gives title and source")
    versions: list[int | None] | None = Field(None, description="the version of each item you read, in order")


@router.post("/merge", status_code=201, summary="Merge drafts into one (合并; office): their units, directives "
                                                "and earliest due date; the drafts merged are closed")
def merge(body: Merge, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    made = rework.merge_items(session, item_ids=body.items, actor=user.actor, expected_versions=body.versions,
                              settings=settings)
    return item_out(made, session, user, settings)


@router.get("/{item_id}/history", summary="Every step of the item: who, when, what, why")
def get_history(item_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[dict[str, Any]]:
    return history(session, item_id=item_id, actor=user.actor, zone=settings.zone)


# -- actions -------------------------------------------------------------------------------------------

class Versioned(BaseModel):
    version: int | None = Field(None, description="the item version you read; 409 if it has changed since")


class Confirm(Versioned):
    title: str | None = None
    units: Units = Field(None, description="lead units (ids or names); alias of lead_units")
    lead_units: Units = None
    co_units: Units = None
    note: str | None = None


class Assign(Versioned):
    units: Units = Field(None, description="lead units (organisation ids or names); default: the extracted ones")
    lead_units: Units = Field(None, description="alias of units")
    co_units: Units = Field(None, description="co-operating units")
    due: date | None = Field(None, description="default: the date the text fixes, else the kind's default rule")
    note: str | None = None
    confirm_past_due: bool = Field(False, description="assign even though the due date is past (else 409 "
                                                      "saying how late it is already)")


class Note(Versioned):
    note: str | None = None


class Progress(Versioned):
    text: str
    percent: int | None = Field(None, ge=0, le=100)
    attachments: list[str] | None = None


class Extension(Versioned):
    due: date
    reason: str


class ApproveExtension(Versioned):
    due: date | None = Field(None, description="the date granted; default: the one asked for")
    note: str | None = None


class Reason(Versioned):
    reason: str


class Complete(Versioned):
    text: str = Field(description="what was done (办结情况说明)")
    attachments: list[str] | None = None


class Remind(Versioned):
    units: Units = Field(None, description="the units to chase; default: the lead units")
    text: str | None = None


class Notify(Versioned):
    units: Units = Field(None, description="the units notified; default: the lead units")
    number: str | None = Field(None, description="the notice's 文号")
    text: str = Field(description="the office's requirements (督办要求)")


class Interview(Versioned):
    units: Units = Field(None, description="the units whose heads were summoned; default: the lead units")
    text: str = Field(description="the record of the talk (约谈记录)")


class Rate(Versioned):
    rating: Rating
    note: str | None = None


class Instruct(Versioned):
    text: str


class Answer(Versioned):
    text: str
    instruction: int | None = Field(None, description="the version of the 批示 answered (its event); default "
                                                     "the item's latest 批示")


def _act(session: SessionDep, user: CurrentUser, settings: SettingsDep, item_id: int, action: Action,
         body: Versioned) -> dict[str, Any]:
    data = body.model_dump(exclude_none=True, exclude={"version", "confirm_past_due"})
    if "units" in data and action in (Action.CONFIRM, Action.ASSIGN):
        data["lead_units"] = data.pop("units")
    view = store.act(session, item_id=item_id, actor=user.actor, action=action, expected_version=body.version,
                     settings=settings, ask_past_due=not getattr(body, "confirm_past_due", False), **data)
    return item_dict(view, actor=user.actor)


def _split(item_id: int, body: Versioned, session: SessionDep, user: CurrentUser,
           settings: SettingsDep) -> dict[str, Any]:
    made = rework.split_item(session, item_id=item_id, actor=user.actor, expected_version=body.version,
                             settings=settings)
    return {"items": [item_out(i, session, user, settings) for i in made]}


router.add_api_route("/{item_id}/split", _split, methods=["POST"], status_code=201,
                     summary="Split a draft into one per directive, or per lead unit (拆分; office); it is closed")


def _route(path: str, action: Action, model: type[Versioned], summary: str) -> None:
    def endpoint(item_id: int, body: model, session: SessionDep, user: CurrentUser,  # type: ignore[valid-type]
                 settings: SettingsDep) -> dict[str, Any]:
        return _act(session, user, settings, item_id, action, body)

    endpoint.__name__ = f"item_{action.value}"
    router.add_api_route(f"/{{item_id}}/{path}", endpoint, methods=["POST"], summary=summary,
                         description=f"{action.label}. Who may: see `luoshi.ledger.workflow.TRANSITIONS`.")


for _path, _action, _model, _summary in (
    ("confirm", Action.CONFIRM, Confirm, "Confirm a draft (确认), correcting title or units"),
    ("assign", Action.ASSIGN, Assign, "Assign to units with a due date (交办)"),
    ("accept", Action.ACCEPT, Note, "The lead unit accepts an assigned item (签收)"),
    ("extension", Action.REQUEST_EXTENSION, Extension, "Ask for a later due date (申请延期)"),
    ("extension/approve", Action.APPROVE_EXTENSION, ApproveExtension, "Approve the pending extension (批准延期)"),
    ("extension/reject", Action.REJECT_EXTENSION, Reason, "Reject the pending extension (驳回延期)"),
    # progress and complete take evidence files too: luoshi.web.routes.api.evidence
    ("approve", Action.APPROVE, Note, "Approve completion (批准办结)"),
    ("return", Action.RETURN, Reason, "Return: completion refused, with a reason (退回)"),
    ("cancel", Action.CANCEL, Reason, "Cancel the item, with a reason (撤销)"),
    ("remind", Action.REMIND, Remind, "Chase the units (催办)"),
    ("notify", Action.NOTIFY, Notify, "A formal supervision notice to the units (督办通知), as a Word letter"),
    ("interview", Action.INTERVIEW, Interview, "Record an interview of the units' heads (约谈)"),
    ("rate", Action.RATE, Rate, "Rate a done item (评价)"),
    ("instruct", Action.INSTRUCT, Instruct, "A leader's instruction (批示)"),
    ("answer", Action.ANSWER_INSTRUCTION, Answer, "A unit's answer to a leader's instruction (回复批示)"),
):
    _route(_path, _action, _model, _summary)
