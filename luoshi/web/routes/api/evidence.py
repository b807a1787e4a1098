"""/api for evidence files and notifications: an item's files (list, download), progress reports and
completion applications with files (multipart/form-data, or JSON as before), the office's evidence rule,
and each unit's notification channels with a test message and the notices sent lately."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Body
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from luoshi.ledger import Action, Role
from luoshi.ledger.actors import OFFICE
from luoshi.store import escalation, evidence, outbox
from luoshi.store import items as store
from luoshi.settings import Settings
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep, Viewer, require_role
from luoshi.web.evidence import BodyLimited, blobs, file_response, form_files, store_uploads
from luoshi.web.present import item_dict
from luoshi.web.routes.api.items import Complete, Progress

router = Router(tags=["evidence and notifications"])

MULTIPART_DOC = {"requestBody": {"content": {
    "application/json": {},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "version": {"type": "integer"}, "text": {"type": "string"}, "percent": {"type": "integer"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}, "required": ["text"]}}}}}


async def _body(request: Request, model: type[BaseModel]) -> tuple[BaseModel, list[tuple[str, bytes]]]:
    """The action's fields from JSON or a multipart form, and the files of the form."""
    uploads: list[tuple[str, bytes]] = []
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        uploads = await form_files(form)
        data: Any = {k: v for k, v in form.items() if isinstance(v, str) and v != ""}
    else:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            raise RequestValidationError([{"loc": ("body",), "msg": "请求体不是有效的 JSON", "type": "json_invalid"}])
    try:
        return model.model_validate(data), uploads
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


async def _report(item_id: int, action: Action, model: type[BaseModel], request: Request, session: SessionDep,
                  user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    body, uploads = await _body(request, model)
    # The body is read on the event loop; the files, the database and the answer are work for a thread
    # (on the loop they held up every other request of the process meanwhile).
    return await run_in_threadpool(_reported, item_id, action, body, uploads, request, session, user, settings)


def _reported(item_id: int, action: Action, body: BaseModel, uploads: list[tuple[str, bytes]], request: Request,
              session: Session, user: Viewer, settings: Settings) -> dict[str, Any]:
    files = store_uploads(request, uploads) if uploads else []
    data = body.model_dump(exclude_none=True, exclude={"version"})
    view = store.act(session, item_id=item_id, actor=user.actor, action=action, expected_version=body.version,
                     settings=settings, files=files, **data)
    out = item_dict(view, actor=user.actor)
    # `act` has read the item as the user (NotFound else): its files without asking again
    out["attachments"] = [a.to_dict() for a in evidence.files_of(session, view.id)]
    return out


@router.post("/items/{item_id}/progress", summary="Report progress (报送进展), with evidence files",
             dependencies=[BodyLimited], openapi_extra=MULTIPART_DOC)
async def progress(item_id: int, request: Request, session: SessionDep, user: CurrentUser,
                   settings: SettingsDep) -> dict[str, Any]:
    return await _report(item_id, Action.REPORT_PROGRESS, Progress, request, session, user, settings)


@router.post("/items/{item_id}/complete", summary="Apply for completion (申请办结), with evidence files",
             dependencies=[BodyLimited], openapi_extra=MULTIPART_DOC)
async def complete(item_id: int, request: Request, session: SessionDep, user: CurrentUser,
                   settings: SettingsDep) -> dict[str, Any]:
    return await _report(item_id, Action.APPLY_COMPLETION, Complete, request, session, user, settings)


@router.get("/items/{item_id}/attachments", summary="An item's evidence files (佐证材料)")
def attachments(item_id: int, session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    return [a.to_dict() for a in evidence.attachments_of(session, item_id=item_id, actor=user.actor)]


@router.get("/items/{item_id}/attachments/{file_id}", summary="Download one evidence file",
            response_class=Response)
def attachment(item_id: int, file_id: int, request: Request, session: SessionDep, user: CurrentUser) -> Response:
    row = evidence.get_attachment(session, item_id=item_id, attachment_id=file_id, actor=user.actor)
    kind = evidence.attachment_view(row).kind
    return file_response(blobs(request).get(row.sha256), media_type=kind.mime, name=row.name, inline=False)


@router.get("/items/{item_id}/notices/{version}", summary="The 督办通知 (Word) of an item's notice at `version`",
            response_class=Response)
def notice(item_id: int, version: int, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
    name, data = escalation.notice_file(session, item_id=item_id, version=version, actor=user.actor,
                                        settings=settings)
    return file_response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         name=name, inline=False)


@router.get("/escalation", summary="Each unit's 提醒, 催办, 督办通知 and 约谈 counts (a unit: its own)")
def escalation_counts(session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    unit = None
    if user.role is Role.UNIT:
        unit = int(user.actor.unit or 0)
    else:
        require_role(user, *OFFICE, Role.LEADER)
    return [e.to_dict() for e in escalation.counts(session, unit_id=unit)]


class EvidenceRules(BaseModel):
    required: list[str] = Field(description="kinds of item (decision, task, target, suggestion) whose completion "
                                            "application needs at least one evidence file")


@router.get("/evidence-rules", summary="Which kinds of item need evidence to apply for completion")
def get_rules(session: SessionDep, user: CurrentUser) -> dict[str, bool]:
    return evidence.evidence_rules(session)


@router.put("/evidence-rules", summary="Set which kinds of item need evidence (office)")
def put_rules(body: EvidenceRules, session: SessionDep, user: CurrentUser) -> dict[str, bool]:
    require_role(user, *OFFICE)
    return evidence.set_evidence_rules(session, actor=user.actor, required=body.required)


class NewChannel(BaseModel):
    kind: str = Field(description=", ".join(outbox.CHANNEL_KINDS))
    target: str = Field(description="the robot's or webhook's URL, or e-mail addresses separated by commas")
    secret: str | None = Field(None, description="DingTalk's 加签 or Feishu's 签名校验 secret, or the webhook's "
                                                 "HMAC key")
    mobiles: list[str] = Field(default_factory=list, description="mobile numbers to @-mention")


@router.get("/units/{unit_id}/channels", summary="A unit's notification channels (its own user, or the office)")
def list_channels(unit_id: int, session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    return [c.to_dict() for c in outbox.unit_channels(session, actor=user.actor, unit_id=unit_id)]


@router.post("/units/{unit_id}/channels", summary="Add a notification channel")
def new_channel(unit_id: int, body: NewChannel, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return outbox.add_channel(session, actor=user.actor, unit_id=unit_id, kind=body.kind, target=body.target,
                              secret=body.secret, mobiles=body.mobiles).to_dict()


@router.delete("/channels/{channel_id}", summary="Remove a notification channel", status_code=204)
def delete_channel(channel_id: int, session: SessionDep, user: CurrentUser) -> Response:
    outbox.remove_channel(session, actor=user.actor, channel_id=channel_id)
    return Response(status_code=204)


@router.post("/units/{unit_id}/channels/test", summary="Queue a test message to every channel of a unit")
def test_message(unit_id: int, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                 _: Annotated[dict[str, Any] | None, Body()] = None) -> dict[str, int]:
    return {"queued": outbox.queue_test(session, actor=user.actor, unit_id=unit_id, settings=settings)}


@router.get("/units/{unit_id}/notices", summary="The notices sent to a unit lately, and how they went")
def notices(unit_id: int, session: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    if user.role is not Role.LEADER:
        outbox.check_manages(user.actor, unit_id)
    return [d.to_dict() for d in outbox.deliveries(session, unit_id=unit_id)]
