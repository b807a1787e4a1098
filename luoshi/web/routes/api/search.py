"""/api/search: one ranked search over documents, items, targets and suggestions, as the caller may see
them; the search page renders exactly this dict."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request

from luoshi.ledger import Actor
from luoshi.store.models import Organisation
from luoshi.store.search_index import KIND_LABELS, search_for
from luoshi.settings import Settings
from luoshi.web.answers import FastJSON
from luoshi.web.deps import CurrentUser, Router, SessionDep, SettingsDep
from luoshi.web.paging import CURSOR, PAGE_NUMBER, Paged
from luoshi.web.params import Parameters

router = Router(tags=["search"])
PER_PAGE_MAX = 100


def unit_name(session: Session, unit: str | None) -> str | None:
    """The unit filter as the index holds it (a name): an organisation id is looked up."""
    unit = (unit or "").strip()
    if unit.isdigit():
        return session.scalar(select(Organisation.name).where(Organisation.id == int(unit))) or unit
    return unit or None


def search_dict(session: Session, actor: Actor, *, q: str, kinds: list[str] | None = None, unit: str | None = None,
                year: int | None = None, page: int = 1, per_page: int = 20, cursor: str | None = None,
                settings: Settings | None = None) -> dict[str, Any]:
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    found = search_for(session, q, actor=actor, kinds=kinds or None, unit=unit_name(session, unit), year=year,
                       page=max(1, page), per_page=per_page, cursor=cursor, settings=settings)
    hits = [{"kind": h.kind, "kind_label": KIND_LABELS[h.kind], "id": int(h.ref_id) if h.ref_id.isdigit() else h.ref_id,
             "title": h.title, "url": h.url, "score": round(h.score, 6), "title_html": h.title_html,
             "snippet_html": h.snippet_html, "unit": h.unit, "year": h.year} for h in found.hits]
    units = [{"id": u.id, "name": u.name, "word": u.word, "url": f"/ledger?unit={u.id}"} for u in found.units]
    return {"total": found.total, "page": found.page, "per_page": per_page,
            "pages": max(1, -(-found.total // per_page)), "next_cursor": found.next_cursor,
            "prev_cursor": found.prev_cursor, "query": q, "terms": found.terms, "capped": found.capped,
            "estimated": found.estimated, "units": units, "hits": hits}


class SearchList(Paged):
    query: str
    terms: list[str]
    capped: bool = Field(description="a unit user's search with more hits than were read: `total` counts those read")
    estimated: bool = Field(description="words that many entries hold: their newest matches are ranked and `total` "
                                        "is estimated (shown as 约)")
    units: list[dict[str, Any]]
    hits: list[dict[str, Any]]


class SearchQuery(Parameters):
    q: str = ""
    kind: list[str] | None = Field(None, description="document, item, target, suggestion")
    unit: str | None = None
    year: int | None = None
    page: int = Field(1, ge=1, description=PAGE_NUMBER)
    per_page: int = 20
    cursor: str | None = Field(None, description=CURSOR)


@router.get("/search", response_model=SearchList, response_class=FastJSON, openapi_extra=SearchQuery.openapi(),
            summary="Search documents, items, targets and suggestions (ranked, highlighted)")
def search(request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep) -> FastJSON:
    """Hits best first, each with `title_html` and `snippet_html` (HTML-escaped, matches in `<mark>`), and
    the `units` a word of `q` names by any of their names (that unit's entries are hits too). A unit
    user finds targets and only its own unit's items and suggestions; documents are for the office and
    leaders."""
    f = SearchQuery.of(request)
    return FastJSON(search_dict(session, user.actor, q=f.q, kinds=f.kind, unit=f.unit, year=f.year, page=f.page,
                                per_page=f.per_page, cursor=f.cursor, settings=settings))
