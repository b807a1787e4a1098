"""One page of a list (the ledger, documents, targets, suggestions, search): its rows, the total and where it stands.

Every list pages by keyset: a page after (or before) a cursor naming the last (first) row's sort keys, so that
page 4 000 costs what page 1 does; the first few pages may still be asked by number (`MAX_OFFSET_PAGE`). A list
declares its `Order`; `start` reads the request's cursor or page number, `window` reads the rows of the page
(`judged_window` when a filter is a rule computed in Python), and `page_of` makes the page with its cursors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, false, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from luoshi.errors import InvalidCursor

T = TypeVar("T")
# Pages by number (OFFSET) up to this one; deeper pages are reached by cursor, never by skipping rows.
MAX_OFFSET_PAGE = 10
JUDGED_BATCH = 500  # rows read at a time past a cursor when a filter is judged in Python
BAD_CURSOR = "翻页位置（cursor）无效或已过期：请回到第一页重新翻页"
TOO_DEEP = f"页码过大：按页码只能翻到第 {MAX_OFFSET_PAGE} 页，更多请用“下一页”（cursor）继续翻"


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    per_page: int
    next_cursor: str | None = None  # the page after this one, if any
    prev_cursor: str | None = None  # the page before, if this one was reached by cursor

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# -- cursors -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """One key of an order: the column, whether it goes down, and whether it holds NULLs (kept last)."""

    column: Any
    descending: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the list and order it belongs to, a row's key values, and the page's number."""

    order: str
    values: tuple[Any, ...]
    page: int
    backwards: bool = False  # the rows before `values`, not after
    total: int = 0  # the list's length when the first page was read: a deep page does not count again


def _sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()[:16]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def encode(cursor: Cursor, secret: str) -> str:
    """The cursor as an opaque URL-safe token, signed with `secret` so that only luoshi's own are taken."""
    body = json.dumps([cursor.order, [_plain(v) for v in cursor.values], cursor.page, cursor.backwards, cursor.total],
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + _sign(body, secret)


def decode(token: str, order: str, keys: Sequence[Key], secret: str) -> Cursor:
    """The cursor of `token` for the list ordered by `order` (InvalidCursor: not ours, or not for this order)."""
    try:
        data, signature = token.split(".", 1)
        body = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        if not hmac.compare_digest(signature, _sign(body, secret)):
            raise ValueError("signature")
        name, raw, page, backwards, total = json.loads(body)
        if name != order or len(raw) != len(keys) or not isinstance(page, int) or page < 1 or \
                not isinstance(total, int):
            raise ValueError("another order")
        values = tuple(_typed(k, v) for k, v in zip(keys, raw))
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor(BAD_CURSOR) from None
    return Cursor(order, values, page, bool(backwards), total)


def _typed(key: Key, raw: Any) -> Any:
    if raw is None:
        if not key.nullable:
            raise ValueError("null")
        return None
    kind = getattr(key.column.type, "impl", key.column.type).python_type  # a TypeDecorator's own type
    if kind is datetime:
        return datetime.fromisoformat(raw)
    if kind is date:
        return date.fromisoformat(raw)
    if not isinstance(raw, kind) or isinstance(raw, bool):
        raise ValueError("type")
    return raw


# -- the SQL of a keyset page ------------------------------------------------------------------------------

def _after(key: Key, value: Any, backwards: bool) -> ColumnElement[bool]:
    """Rows strictly past `value` in this key's order (NULLs last), or strictly short of it (`backwards`)."""
    col = key.column
    if value is None:
        return col.isnot(None) if backwards else false()
    down = key.descending != backwards
    beyond = col < value if down else col > value
    return or_(beyond, col.is_(None)) if key.nullable and not backwards else beyond


def _same(key: Key, value: Any) -> ColumnElement[bool]:
    return key.column.is_(None) if value is None else key.column == value


def seek(keys: Sequence[Key], values: Sequence[Any], backwards: bool = False) -> ColumnElement[bool]:
    """The condition for the rows after (`backwards`: before) the row with key `values`, in keys order."""
    terms = [and_(*(_same(k, v) for k, v in zip(keys[:i], values[:i])), _after(keys[i], values[i], backwards))
             for i in range(len(keys))]
    first, value = keys[0], values[0]
    if len(keys) == 1 or value is None or first.nullable:
        return or_(*terms)
    # The first key's bound again, alone: what an index range starts from (an OR of terms is only a filter).
    down = first.descending != backwards
    return and_(first.column <= value if down else first.column >= value, or_(*terms))


def reversed_order(keys: Sequence[Key]) -> list[Any]:
    """ORDER BY of the keys read backwards (NULLs first), for the page before a cursor."""
    out = []
    for k in keys:
        term = k.column.asc() if k.descending else k.column.desc()
        out.append(term.nulls_first() if k.nullable else term)
    return out


# -- one list's page ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Order:
    """A list's order: the name its cursors carry (the list and the order, so that one list's cursor is refused
    by another) and its keys, the last of them unique (an id)."""

    name: str
    keys: tuple[Key, ...]

    def by(self) -> list[Any]:
        """ORDER BY of the keys (NULLs last)."""
        terms = [k.column.desc() if k.descending else k.column.asc() for k in self.keys]
        return [t.nulls_last() if k.nullable else t for k, t in zip(self.keys, terms)]

    def values(self, row: Any) -> tuple[Any, ...]:
        """The row's key values (an ORM object or a row with the key columns)."""
        return tuple(getattr(row, k.column.key) for k in self.keys)


@dataclass(frozen=True)
class Window(Generic[T]):
    """The rows of one page, its number, and whether rows come before it and after it."""

    rows: list[T]
    page: int
    before: bool
    after: bool


def start(order: Order, *, cursor: str | None, page: int, per_page: int, per_page_max: int,
          secret: str) -> Cursor | None:
    """Where the asked page starts: the decoded `cursor`, or None for page `page` by number (InvalidCursor: a
    cursor luoshi did not issue for this list, or a page number past `MAX_OFFSET_PAGE`)."""
    from luoshi.ledger import InvalidValue

    if page < 1 or not 1 <= per_page <= per_page_max:
        raise InvalidValue(f"页码须不小于 1，每页条数须在 1–{per_page_max} 之间", "page")
    if cursor:
        return decode(cursor, order.name, order.keys, secret)
    if page > MAX_OFFSET_PAGE:
        raise InvalidCursor(TOO_DEEP)
    return None


def _run(session: Session, stmt: Select[Any], scalars: bool) -> list[Any]:
    return list(session.scalars(stmt).all() if scalars else session.execute(stmt).all())


def window(session: Session, stmt: Select[Any], order: Order, at: Cursor | None, *, page: int, per_page: int,
           scalars: bool = False) -> Window[Any]:
    """The page's rows of `stmt` (filtered, not ordered): page `page` by number when `at` is None (the first
    few pages only), else the rows after (before) the cursor, sought in the order's index."""
    if at is None:
        rows = _run(session, stmt.order_by(*order.by()).limit(per_page + 1).offset((page - 1) * per_page), scalars)
        return Window(rows[:per_page], page, page > 1, len(rows) > per_page)
    stmt = stmt.where(seek(order.keys, at.values, at.backwards))
    if at.backwards:  # the page the cursor came from follows
        rows = _run(session, stmt.order_by(*reversed_order(order.keys)).limit(per_page + 1), scalars)
        return _back(rows, at, per_page)
    rows = _run(session, stmt.order_by(*order.by()).limit(per_page + 1), scalars)
    return Window(rows[:per_page], at.page, True, len(rows) > per_page)


def _back(rows: list[Any], at: Cursor, per_page: int) -> Window[Any]:
    """The page before a cursor from its rows read backwards (one more than a page: are there earlier ones?)."""
    earlier = len(rows) > per_page
    return Window(rows[:per_page][::-1], max(at.page, 2) if earlier else 1, earlier, True)


def judged_window(session: Session, stmt: Select[Any], order: Order, at: Cursor | None, *, page: int,
                  per_page: int, keep: Callable[[list[Any]], list[Any]],
                  scalars: bool = False) -> tuple[Window[Any], int]:
    """`window` for a list whose filter is a rule computed in Python: `keep(rows)` gives the rows of a batch that
    pass, in order. A page by number judges every row (its total is exact); a page by cursor reads batches from
    the cursor until a page and one more row have passed (its total is the one its first page counted)."""
    if at is None:
        kept = keep(_run(session, stmt.order_by(*order.by()), scalars))
        return Window(kept[(page - 1) * per_page: page * per_page], page, page > 1, page * per_page < len(kept)), \
            len(kept)
    found: list[Any] = []
    values = at.values
    ordered = reversed_order(order.keys) if at.backwards else order.by()
    while len(found) <= per_page:
        rows = _run(session, stmt.where(seek(order.keys, values, at.backwards)).order_by(*ordered)
                    .limit(JUDGED_BATCH), scalars)
        found += keep(rows)
        if len(rows) < JUDGED_BATCH:
            break
        values = order.values(rows[-1])
    if at.backwards:
        return _back(found, at, per_page), at.total
    return Window(found[:per_page], at.page, True, len(found) > per_page), at.total


def counted(win: Window[Any], per_page: int, count: Callable[[], int | None]) -> int:
    """The total of a page read by number: said by the page itself when it is the last, else `count()`."""
    if not win.after and (win.rows or win.page == 1):
        return (win.page - 1) * per_page + len(win.rows)
    return count() or 0


def page_of(win: Window[Any], views: list[T], order: Order, *, total: int, at: Cursor | None, per_page: int,
            secret: str) -> Page[T]:
    """The page of `views` (one per row of `win`) with the cursors of the pages after and before it; a page
    reached by cursor keeps the total its first page counted."""
    total = at.total if at is not None else total

    def cursor(row: Any, page: int, backwards: bool) -> str:
        return encode(Cursor(order.name, order.values(row), page, backwards, total), secret)

    return Page(views, total, win.page, per_page,
                next_cursor=cursor(win.rows[-1], win.page + 1, False) if win.rows and win.after else None,
                prev_cursor=cursor(win.rows[0], win.page - 1, True) if win.rows and win.before else None)


def listed(session: Session, stmt: Select[Any], order: Order, at: Cursor | None, *, page: int, per_page: int,
           secret: str, count: Callable[[], int | None], views: Callable[[list[Any]], list[T]],
           judge: Callable[[list[Any]], list[tuple[Any, T]]] | None = None, scalars: bool = False) -> Page[T]:
    """A page of a list whose rows are shown as views. Without `judge`: the window's rows, `views(rows)` of
    them, and the total by `count()` when the page does not say it itself. With `judge(rows)`, the (row, view)
    pairs of a batch that pass a rule computed in Python (`judged_window`), each row shown as judged."""
    if judge is None:
        win = window(session, stmt, order, at, page=page, per_page=per_page, scalars=scalars)
        total = 0 if at else counted(win, per_page, count)
        return page_of(win, views(win.rows), order, total=total, at=at, per_page=per_page, secret=secret)
    judged: dict[int, T] = {}

    def keep(rows: list[Any]) -> list[Any]:
        passed = judge(rows)
        judged.update((id(row), view) for row, view in passed)
        return [row for row, _ in passed]

    win, total = judged_window(session, stmt, order, at, page=page, per_page=per_page, keep=keep, scalars=scalars)
    return page_of(win, [judged[id(row)] for row in win.rows], order, total=total, at=at, per_page=per_page,
                   secret=secret)


def walk(fetch: Callable[[str | None], Page[T]], limit: int | None = None) -> list[T]:
    """Every row of a list, page after page by `next_cursor` (`fetch(cursor)`: the page at `cursor`, the first at
    None), however deep it goes; stops after `limit` rows if given."""
    rows: list[T] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        rows += page.rows
        cursor = page.next_cursor
        if cursor is None or (limit is not None and len(rows) >= limit):
            return rows
