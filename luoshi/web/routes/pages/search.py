"""The search page (/search): the box in every page's header lands here; filters by kind, unit and year
as plain GET parameters; the hits are those of GET /api/search."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from luoshi.store.search_index import KIND_LABELS, kinds_for
from luoshi.store.paging import MAX_OFFSET_PAGE
from luoshi.web.deps import PageUser, Router, SessionDep, SettingsDep
from luoshi.web.paging import cursor_of, page_number
from luoshi.web.queries import unit_options
from luoshi.web.render import page
from luoshi.web.routes.api.search import search_dict

router = Router()
PER_PAGE = 20


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@router.get("/search")
def search(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    params = request.query_params
    f = {k: params.get(k, "").strip() for k in ("q", "kind", "unit", "year")}
    allowed = kinds_for(user.actor)
    kind = f["kind"] if f["kind"] in allowed else ""
    number, cursor = page_number(request), cursor_of(request)
    result = search_dict(session, user.actor, q=f["q"], kinds=[kind] if kind else None, unit=f["unit"] or None,
                         year=_int(f["year"]), page=number, per_page=PER_PAGE, cursor=cursor, settings=settings)
    base = {k: v for k, v in f.items() if v}

    def link(**at: object) -> str:
        return "/search?" + urlencode({**base, **{k: v for k, v in at.items() if v}})

    return page(request, "search.html", user=user, title=f"搜索：{f['q']}" if f["q"] else "搜索", search_q=f["q"],
                filters=f, result=result, kinds=[(k, KIND_LABELS[k]) for k in allowed],
                units=unit_options(session), json_link=link(cursor=cursor) if cursor else link(page=number),
                page_link=lambda n: link(page=n), numbered=MAX_OFFSET_PAGE,
                next_link=result["next_cursor"] and link(cursor=result["next_cursor"]),
                prev_link=result["prev_cursor"] and link(cursor=result["prev_cursor"]))
