"""The pages of deputies' suggestions (代表建议): the list with its filters and statistics by category and
unit, and one suggestion with its text, deputies, rounds, history and a form for each action the user may
take now (assign, reassign, co-operating opinion, reply, satisfaction, remind); the forms post here."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.ledger.suggestions import CONGRESS_AND_OFFICE, SuggestionAction
from luoshi.settings import Settings
from luoshi.store import suggestions as store
from luoshi.web.deps import CsrfChecked, PageUser, Router, SessionDep, SettingsDep, Viewer
from luoshi.web.errors import HEADINGS, form_version, refused, status_of
from luoshi.web.links import filter_link
from luoshi.web.paging import cursor_of, page_number, pager
from luoshi.web.queries import may_read_documents, source_context, unit_options
from luoshi.web.render import flash, page, partial, redirect
from luoshi.web.tracking_views import (OUTCOMES, PROCEDURES, SATISFACTIONS, SUGGESTION_STATES, categories, default_due,
                                       statistics_dict, suggestion_dict, suggestion_history, suggestion_payload)

router = Router()
FILTERS = ("procedure", "state", "category", "unit", "satisfaction", "warning", "q")
PER_PAGE = 50
WARNINGS = (("red", "已逾期"), ("yellow", "临近期限"), ("green", "正常"))


def _link(filters: dict[str, str], **changes: Any) -> str:
    return filter_link("/suggestions", filters, **changes)


@router.get("/suggestions")
def suggestions(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    f = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    result = store.list_suggestions(session, actor=user.actor, state=f["state"] or None,
                                    category=f["category"] or None, unit=f["unit"] or None,
                                    satisfaction=f["satisfaction"] or None, warning=f["warning"] or None,
                                    q=f["q"] or None, procedure=f["procedure"] or None, page=page_number(request),
                                    cursor=cursor_of(request), per_page=PER_PAGE, settings=settings)
    context = dict(suggestions=[suggestion_dict(v, settings.zone) for v in result.rows],
                   **pager(result, lambda **at: _link(f, **at)))
    if request.headers.get("HX-Target") == "suggestions-table":
        return partial(request, "suggestions_table.html", **context)
    stats = statistics_dict(store.suggestion_statistics(session, actor=user.actor, settings=settings))
    return page(request, "suggestions.html", user=user, active="suggestions", title="代表建议", filters=f,
                can_register=user.role in CONGRESS_AND_OFFICE, states=SUGGESTION_STATES, satisfactions=SATISFACTIONS,
                procedures=PROCEDURES,
                warnings=WARNINGS,
                categories=categories(session), units=unit_options(session), stats=stats,
                json_link="/api/suggestions?" + urlencode({k: v for k, v in f.items() if v}), **context)


@router.post("/suggestions", dependencies=[CsrfChecked])
async def register(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    """A suggestion entered by hand (the office or the congress): deputies separated by 、 , or spaces."""
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    deputies = [d for d in re.split(r"[、,，\s]+", form.get("deputies", "")) if d]
    try:
        view = store.create_suggestion(session, actor=user.actor, title=form.get("title", ""),
                                       no=int(form["no"]) if form.get("no", "").isdigit() else None,
                                       category=form.get("category") or None, deputies=deputies,
                                       text=form.get("text", ""), procedure=form.get("procedure") or "suggestion",
                                       settings=settings)
    except LuoshiError as exc:
        if status_of(exc) != 422:
            raise
        session.rollback()
        flash(request, "error", f"{HEADINGS[422]}：{exc}")
        return redirect("/suggestions")
    flash(request, "ok", f"已登记{view.suggestion.procedure.label}：{view.suggestion.title}")
    return redirect(f"/suggestions/{view.id}")


def suggestion_page(request: Request, session: SessionDep, user: Viewer, settings: Settings, suggestion_id: int,
                    status_code: int = 200) -> Response:
    view = store.get_suggestion(session, suggestion_id=suggestion_id, actor=user.actor, settings=settings)
    s = view.suggestion
    context = source_context(session, s.source) if s.source else {}
    actions = {a.value for a in view.actions}
    return page(request, "suggestion.html", status_code=status_code, user=user, active="suggestions",
                title=s.title, s=suggestion_dict(view, settings.zone), actions=actions,
                history=suggestion_history(session, suggestion_id=suggestion_id, actor=user.actor,
                                           zone=settings.zone, known=view.units),
                units=unit_options(session, keep=[u for u in (s.lead_unit, *s.co_units) if u])
                if actions & {"assign", "reassign"} else [],
                default_due=default_due(settings, procedure=s.procedure).isoformat(),
                rehandle_due=default_due(settings, store.policy_of(settings).rehandle_rule).isoformat(),
                outcomes=OUTCOMES, satisfactions=SATISFACTIONS, full_document=may_read_documents(user.actor),
                **context)


@router.get("/suggestions/{suggestion_id}")
def suggestion(suggestion_id: int, request: Request, session: SessionDep, user: PageUser,
               settings: SettingsDep) -> Response:
    return suggestion_page(request, session, user, settings, suggestion_id)


@router.post("/suggestions/{suggestion_id}/{action}", dependencies=[CsrfChecked])
async def act(suggestion_id: int, action: SuggestionAction, request: Request, session: SessionDep, user: PageUser,
              settings: SettingsDep) -> Response:
    form = await request.form()
    values = {k: form.getlist(k) if k in ("co_units", "units") else form.get(k) for k in form}
    try:
        store.act_on_suggestion(session, suggestion_id=suggestion_id, actor=user.actor, action=action,
                                expected_version=form_version(form.get("version")), settings=settings,
                                **suggestion_payload(action, values))
    except LuoshiError as exc:
        return suggestion_page(request, session, user, settings, suggestion_id,
                               status_code=refused(request, session, exc))
    flash(request, "ok", f"已{action.label}")
    return redirect(f"/suggestions/{suggestion_id}")
