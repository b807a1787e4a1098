"""提醒设置: a unit's notification channels (its own user, or the office for any unit) with a button that
sends a test message, the notices sent lately and how they went; and, for the office, which kinds of
item need evidence files to apply for completion. Nothing is sent inside these requests: the test message
is queued, and the worker sends it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query
from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger import Kind, Role
from luoshi.ledger.actors import OFFICE
from luoshi.store import escalation, evidence, outbox
from luoshi.store.models import Organisation
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, require_role
from luoshi.web.errors import refused
from luoshi.web.present import local
from luoshi.web.queries import unit_options
from luoshi.web.render import flash, page, redirect

router = Router()
MANAGERS = (Role.UNIT, Role.SUPERVISOR, Role.ADMIN)


def _unit_of(user, unit: int | None) -> int | None:
    """The unit whose settings are shown: a unit user's own; the office's choice."""
    return int(user.actor.unit) if user.role is Role.UNIT else unit


def _back(unit_id: int | None) -> Response:
    return redirect("/settings/notifications" + (f"?unit={unit_id}" if unit_id else ""))


def settings_page(request: Request, session, user, settings, unit: int | None, status_code: int = 200) -> Response:
    require_role(user, *MANAGERS)
    unit_id = _unit_of(user, unit)
    org = session.get(Organisation, unit_id) if unit_id else None
    channels = outbox.unit_channels(session, actor=user.actor, unit_id=unit_id) if org else []
    sent = [{**d.to_dict(), "created_local": local(d.created_at, settings.zone),
             "sent_local": local(d.sent_at, settings.zone)}
            for d in (outbox.deliveries(session, unit_id=unit_id, limit=30) if org else [])]
    office = user.role in OFFICE
    rules = evidence.evidence_rules(session) if office else {}
    ladder = [e.to_dict() for e in escalation.counts(session, unit_id=None if office else unit_id)]
    return page(request, "notifications.html", status_code=status_code, user=user, active="settings",
                title="提醒设置", unit={"id": org.id, "name": org.name} if org else None,
                units=unit_options(session) if office else [], channels=[c.to_dict() for c in channels],
                kinds=outbox.CHANNEL_KINDS, deliveries=sent, office=office,
                ladder=ladder, rules=[{"kind": k.value, "label": k.label, "required": rules.get(k.value, False)} for k in Kind])


@router.get("/settings/notifications")
def notifications(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                  unit: Annotated[int | None, Query()] = None) -> Response:
    return settings_page(request, session, user, settings, unit)


@router.post("/settings/notifications/channels", dependencies=[CsrfChecked])
def add_channel(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                unit: Annotated[int, Form()], kind: Annotated[str, Form()], target: Annotated[str, Form()] = "",
                secret: Annotated[str, Form()] = "", mobiles: Annotated[str, Form()] = "") -> Response:
    unit_id = _unit_of(user, unit)
    try:
        outbox.add_channel(session, actor=user.actor, unit_id=unit_id, kind=kind, target=target, secret=secret,
                           mobiles=mobiles.replace("，", ",").split(","))
    except LuoshiError as exc:
        return settings_page(request, session, user, settings, unit_id, refused(request, session, exc))
    flash(request, "ok", f"已添加提醒渠道：{outbox.CHANNEL_KINDS[kind]}")
    return _back(unit_id)


@router.post("/settings/notifications/channels/{channel_id}/delete", dependencies=[CsrfChecked])
def remove_channel(channel_id: int, request: Request, session: SessionDep, user: PageUser,
                   unit: Annotated[int | None, Form()] = None) -> Response:
    outbox.remove_channel(session, actor=user.actor, channel_id=channel_id)
    flash(request, "ok", "已删除提醒渠道")
    return _back(_unit_of(user, unit))


@router.post("/settings/notifications/test", dependencies=[CsrfChecked])
def send_test(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
              unit: Annotated[int, Form()]) -> Response:
    unit_id = _unit_of(user, unit)
    try:
        queued = outbox.queue_test(session, actor=user.actor, unit_id=unit_id, settings=settings)
    except LuoshiError as exc:
        return settings_page(request, session, user, settings, unit_id, refused(request, session, exc))
    flash(request, "ok", f"测试消息已排队，将发往 {queued} 个渠道；稍后刷新本页查看发送结果")
    return _back(unit_id)


@router.post("/settings/evidence", dependencies=[CsrfChecked])
async def evidence_rules(request: Request, session: SessionDep, user: PageUser) -> Response:
    require_role(user, *OFFICE)
    form = await request.form()
    evidence.set_evidence_rules(session, actor=user.actor, required=[k for k in form.getlist("required")
                                                                    if k in {x.value for x in Kind}])
    flash(request, "ok", "已保存办结佐证要求")
    return redirect("/settings/notifications")
