"""One page of a list (the ledger, targets, suggestions): its rows, the total and where it stands.

Lists filtered in SQL page there, by keyset: a page after (or before) a cursor naming the last (first) row's
sort keys, so that page 4 000 costs what page 1 does; the first few pages may still be asked by number
(`MAX_OFFSET_PAGE`). Lists filtered by a rule computed in Python page with `Page.of`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, false, or_
from sqlalchemy.sql import ColumnElement

from luoshi.errors import InvalidCursor

T = TypeVar("T")
# Pages by number (OFFSET) up to this one; deeper pages are reached by cursor, never by skipping rows.
MAX_OFFSET_PAGE = 10
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

    @classmethod
    def of(cls, everything: Sequence[T], page: int, per_page: int) -> "Page[T]":
        """Page `page` of all the rows, cut in Python."""
        return cls(list(everything[(page - 1) * per_page: page * per_page]), len(everything), page, per_page)


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
    return or_(*terms)


def reversed_order(keys: Sequence[Key]) -> list[Any]:
    """ORDER BY of the keys read backwards (NULLs first), for the page before a cursor."""
    out = []
    for k in keys:
        term = k.column.asc() if k.descending else k.column.desc()
        out.append(term.nulls_first() if k.nullable else term)
    return out
