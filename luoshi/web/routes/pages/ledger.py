"""The ledger page (督办台账): filters, sorting and paging as plain GET parameters, so every view is a
link; an htmx request for the table (`HX-Target: ledger-table`) gets only the table back."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from luoshi.ledger import Actor, Colour, State
from luoshi.ledger.actors import OFFICE
from luoshi.store import batch as batch_store
from luoshi.store import items as store
from luoshi.store import paging
from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep
from luoshi.web.links import filter_link
from luoshi.web.present import item_dict
from luoshi.web.queries import document_options, may_read_documents, unit_options
from luoshi.web.render import flash, macro, page, partial

router = Router()
FILTERS = ("state", "unit", "warning", "document", "due_from", "due_to", "q")
COLUMNS = (("id", "编号"), ("title", "督办事项"), ("lead", "牵头单位"), ("state", "状态"), ("due", "办理期限"),
           ("warning", "预警"), ("progress", "进度"))
SORTABLE = ("id", "title", "state", "due", "progress")
PER_PAGE = 25
BATCH_ACTIONS = [(a.value, a.label) for a in batch_store.ACTIONS]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_of(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in FILTERS}


def _link(filters: dict[str, str], **changes: Any) -> str:
    return filter_link("/ledger", filters, **changes)


def _row(view: store.ItemView, actor: Actor, batch: bool) -> dict[str, Any] | Markup:
    """A row of the ledger's table: the item's dict, which the table renders (`_macros.item_row`); of a kept
    view (`ItemView.made`), its HTML, rendered once and kept with the view for the next page that shows it:
    rendering 25 rows was half a ledger page's instructions."""
    if view.made is None:
        return item_dict(view, actor=actor)
    return view.made_once(("ledger row", actor, batch),
                          lambda: macro("_macros.html", "item_row", item_dict(view, actor=actor), batch))


@router.get("/ledger")
def ledger(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    f = filters_of(request)
    sort = request.query_params.get("sort") or "due"
    sort = sort if sort in store.SORTS else "due"
    try:
        number = min(paging.MAX_OFFSET_PAGE, max(1, int(request.query_params.get("page") or 1)))
    except ValueError:
        number = 1
    cursor = request.query_params.get("cursor") or None
    for name in ("due_from", "due_to"):
        if f[name] and _date(f[name]) is None:
            flash(request, "error", f"日期格式应为 YYYY-MM-DD：{f[name]}")
            f[name] = ""
    result = store.list_items(session, actor=user.actor, state=f["state"] or None, unit=f["unit"] or None,
                              warning=f["warning"] or None,
                              document=int(f["document"]) if f["document"].isdigit() else None,
                              due_from=_date(f["due_from"]), due_to=_date(f["due_to"]), q=f["q"] or None,
                              sort=sort, page=number, per_page=PER_PAGE, cursor=cursor, settings=settings)
    base = {**f, "sort": sort if sort != "due" else ""}
    batch = user.role in OFFICE
    context = dict(
        rows=[_row(v, user.actor, batch) for v in result.rows], total=result.total, page=result.page,
        pages=result.pages, sort=sort, columns=COLUMNS, sortable=SORTABLE,
        page_link=lambda n: _link(base, page=n), numbered=paging.MAX_OFFSET_PAGE,
        next_link=result.next_cursor and _link(base, cursor=result.next_cursor),
        prev_link=result.prev_cursor and _link(base, cursor=result.prev_cursor),
        sort_link=lambda key: _link({**base, "sort": "-" + key if sort == key else key}),
        batch=batch, filters=f, batch_actions=BATCH_ACTIONS)
    if request.headers.get("HX-Target") == "ledger-table":
        return partial(request, "_items_table.html", **context)
    return page(request, "ledger.html", user=user, active="ledger", title="督办台账",
                states=[(s.value, s.label) for s in State], colours=[(c.value, c.label) for c in Colour],
                units=unit_options(session),
                documents=document_options(session) if may_read_documents(user.actor) else [],
                json_link="/api/items?" + urlencode({k: v for k, v in {**f, "sort": sort, "page": number}.items() if v}),
                can_upload=user.role in OFFICE, **context)
