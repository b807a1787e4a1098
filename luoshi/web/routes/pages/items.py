"""The item page: facts, the source sentence highlighted in its context, progress reports, the history
(who, when, what, why) and a form for each action the user may take now; the forms post here."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from luoshi import glossary
from luoshi.errors import LuoshiError
from luoshi.ledger import Action, due_for
from luoshi.ledger.actors import OFFICE
from luoshi.ledger.errors import DueDatePassed
from luoshi.ledger.rework import REWORKABLE
from luoshi.ledger.workflow import may_take
from luoshi.settings import Settings
from luoshi.store import drafts as rework
from luoshi.store import items as store
from luoshi.store.evidence import files_of
from luoshi.store.outbox import item_notices
from luoshi.store.subtasks import breakdown
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, Viewer
from luoshi.web.evidence import BodyLimited, by_version, evidence_required, form_files, store_uploads
from luoshi.web.errors import form_version, refused
from luoshi.web.forms import CONFIRM_PAST_DUE, Typed, forms_for, payload
from luoshi.web.present import breakdown_dict, item_dict, local
from luoshi.web.queries import history, instruction_dicts, may_read_documents, source_context, unit_options
from luoshi.web.render import flash, page, redirect

router = Router()
REPORTS = (Action.REPORT_PROGRESS.value, Action.APPLY_COMPLETION.value)


def item_page(request: Request, session: SessionDep, user: Viewer, settings: Settings, item_id: int,
              status_code: int = 200, typed: Typed | None = None) -> Response:
    """The item page; `typed`: a refused form shown again with what the user typed."""
    view = store.get_item(session, item_id=item_id, actor=user.actor, settings=settings)
    events = history(session, item_id=item_id, actor=user.actor, zone=settings.zone, known=view.units, view=view)
    proposed = due_for(view.item, store.today_in(settings), settings.due_policy).date
    context = source_context(session, view.item.source) if view.item.source else {}
    units = (unit_options(session, keep=view.item.lead_units + view.item.co_units)
             if {Action.CONFIRM, Action.ASSIGN} & set(view.actions) else [])
    parts = breakdown_dict(breakdown(session, item_id=view.id, source=view.item.source))
    splittable = (user.role in OFFICE and view.item.state in REWORKABLE
                  and (len(parts["subtasks"]) >= 2 or len(view.item.lead_units) >= 2))
    return page(request, "item.html", status_code=status_code, user=user, active="ledger", title=view.item.title,
                item=item_dict(view, actor=user.actor), history=events, breakdown=parts, splittable=splittable,
                reports=[e for e in events if e["type"] in REPORTS][::-1],
                forms=forms_for(view.actions, view.item, proposed,
                                evidence_required=evidence_required(session, view.item.kind.value), typed=typed),
                units=units, files=by_version(files_of(session, view.id)),
                notices=[{**n.to_dict(), "at_local": local(n.sent_at or n.created_at, settings.zone)}
                         for n in item_notices(session, item_id=view.id, actor=user.actor, limit=20, seen=True)],
                instructions=instruction_dicts(session, store.instruction_views(session, [view.id]).get(view.id, []),
                                               settings.zone),
                may_answer=may_take(view.item, Action.ANSWER_INSTRUCTION, user.actor),
                full_document=may_read_documents(user.actor), notice_base=f"/items/{item_id}/notices", **context)


@router.get("/items/{item_id}")
def item(item_id: int, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    return item_page(request, session, user, settings, item_id)


@router.post("/items/{item_id}/split", dependencies=[CsrfChecked])
async def split(item_id: int, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    """The office splits a draft into one draft per directive (or per lead unit)."""
    form = await request.form()
    return await run_in_threadpool(_split, item_id, form, request, session, user, settings)


def _split(item_id: int, form: FormData, request: Request, session: Session, user: Viewer,
           settings: Settings) -> Response:
    try:
        made = rework.split_item(session, item_id=item_id, actor=user.actor,
                                 expected_version=form_version(form.get("version")), settings=settings)
    except LuoshiError as exc:
        return item_page(request, session, user, settings, item_id, status_code=refused(request, session, exc))
    flash(request, "ok", f"已拆分为 {len(made)} 项待确认事项")
    return redirect(f"/items/{made[0]}")


@router.post("/items/{item_id}/{action}", dependencies=[BodyLimited, CsrfChecked])
async def act(item_id: int, action: Action, request: Request, session: SessionDep, user: PageUser,
              settings: SettingsDep) -> Response:
    form = await request.form()
    uploads = await form_files(form) if action in REPORTS else []
    # The form is read on the event loop; the files, the database and the page are work for a thread (on
    # the loop they held up every other request of the process meanwhile).
    return await run_in_threadpool(_acted, item_id, action, form, uploads, request, session, user, settings)


def _acted(item_id: int, action: Action, form: FormData, uploads: list[tuple[str, bytes]], request: Request,
           session: Session, user: Viewer, settings: Settings) -> Response:
    try:
        files = store_uploads(request, uploads) if uploads else []
        store.act(session, item_id=item_id, actor=user.actor, action=action, files=files,
                  expected_version=form_version(form.get("version")), settings=settings,
                  ask_past_due=form.get(CONFIRM_PAST_DUE) != "1", **payload(action, form))
    except LuoshiError as exc:
        status = refused(request, session, exc)
        typed = Typed(action, form, str(exc) if isinstance(exc, DueDatePassed) else None)
        return item_page(request, session, user, settings, item_id, status_code=status, typed=typed)
    flash(request, "ok", f"已{glossary.zh(f'action.{action.value}')}")
    return redirect(f"/items/{item_id}")
