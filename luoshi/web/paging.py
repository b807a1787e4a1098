"""A list's pages on the web: the paging fields every JSON list carries (`Paged`), the query parameters that
ask for a page, and the links of the HTML pager (上一页/下一页 by cursor, numbered links for the first pages).
"""

# No `from __future__ import annotations`: FastAPI and pydantic must see the annotations as types.
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, Field
from starlette.requests import Request

from luoshi.store.paging import MAX_OFFSET_PAGE, Page

PAGE_NUMBER = f"1 to {MAX_OFFSET_PAGE}; deeper pages by `cursor`"
CURSOR = "a page's next_cursor or prev_cursor (then `page` is ignored)"
PageNumber = Annotated[int, Query(ge=1, description=PAGE_NUMBER)]
CursorParam = Annotated[str | None, Query(description=CURSOR)]


class Paged(BaseModel):
    """Where a page of a list stands; each list adds its rows (`items`, `documents`, `targets`, …)."""

    total: int = Field(description="rows in the whole list (counted when its first page was read)")
    page: int
    per_page: int
    pages: int
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page (none: the last)")
    prev_cursor: str | None = Field(None, description="pass as `cursor` for the page before (none: the first)")


def paged(result: Page[Any]) -> dict[str, Any]:
    """The `Paged` fields of a store page."""
    return {"total": result.total, "page": result.page, "per_page": result.per_page, "pages": result.pages,
            "next_cursor": result.next_cursor, "prev_cursor": result.prev_cursor}


def page_number(request: Request) -> int:
    """The page a list page asks for by number: 1 to `MAX_OFFSET_PAGE` (deeper pages come by cursor)."""
    raw = request.query_params.get("page", "")
    return min(MAX_OFFSET_PAGE, max(1, int(raw))) if raw.isdigit() else 1


def cursor_of(request: Request) -> str | None:
    return request.query_params.get("cursor") or None


def pager(result: Page[Any], link: Callable[..., str]) -> dict[str, Any]:
    """What the `pager` macro of `_macros.html` shows: `link(page=n)` or `link(cursor=…)` gives a page's address."""
    return dict(total=result.total, page=result.page, pages=result.pages, numbered=MAX_OFFSET_PAGE,
                page_link=lambda n: link(page=n),
                next_link=result.next_cursor and link(cursor=result.next_cursor),
                prev_link=result.prev_cursor and link(cursor=result.prev_cursor))
