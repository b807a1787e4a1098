"""Column types and SQL functions that behave the same on SQLite and PostgreSQL.

Times are stored in UTC and always come back timezone-aware; `local_date` and `day_number` let a query
do the date arithmetic of `luoshi.ledger.warnings` in SQL on either database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, DateTime, Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC (SQLite keeps no offset, so it is normalised on the way in)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: luoshi stores timezone-aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        # PostgreSQL sends an aware time, and in UTC on luoshi's connections (their TimeZone is set when they
        # open): one check per value instead of TypeDecorator's two calls and a conversion (a ledger page
        # reads ~160 times).
        if dialect.name == "postgresql":
            return _utc
        return super().result_processor(dialect, coltype)


def _utc(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo is UTC else value.astimezone(UTC)


class local_date(FunctionElement[Any]):
    """The calendar date of a UTCDateTime column in time zone `zone` (the office's), comparable with a
    Date column. PostgreSQL converts exactly; SQLite adds the zone's UTC offset now (exact for zones
    without summer time, such as Asia/Shanghai)."""

    name = "local_date"
    # The zone and its offset are part of the SQL text, so they are part of the statement's cache key.
    _traverse_internals = FunctionElement._traverse_internals + [("zone", InternalTraversal.dp_string),
                                                                  ("minutes", InternalTraversal.dp_plain_obj)]

    def __init__(self, column: Any, zone: str = "UTC"):
        self.zone = ZoneInfo(zone).key  # validates the name before it is written into SQL
        self.minutes = int((datetime.now(ZoneInfo(zone)).utcoffset() or timedelta(0)).total_seconds() // 60)
        super().__init__(column)


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '{element.minutes:+d} minutes')"


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE '{element.zone}' AS DATE)"


class day_number(FunctionElement[int]):
    """A date as a whole number of days, so that differences of dates are day counts on both databases."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(day_number, "postgresql")
def _day_number_pg(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '2000-01-01')"


class among(ColumnElement[bool]):
    """`column IN (:name)` for a list given at execution. SQLAlchemy's expanding IN renders the statement
    anew at each execution (one placeholder per value: a new SQL text for every length, ~0.2 ms per
    statement of a ledger page); PostgreSQL takes the list as one array, `column = ANY(:name)`, the same
    text every time (so the driver also prepares it once per connection). SQLite keeps the expanding IN."""

    inherit_cache = True
    type = Boolean()
    # A condition in itself: without this, SQLite (no native boolean) was sent `item_id IN (…) = 1`, which
    # its planner cannot seek an index by (every page of a SQLite ledger read all the assignments: 18 ms).
    _is_implicitly_boolean = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement), ("name", InternalTraversal.dp_string)]

    def __init__(self, column: Any, name: str):
        self.column = column
        self.name = name


@compiles(among, "postgresql")
def _among_pg(element: among, compiler: Any, **kw: Any) -> str:
    values = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(values), **kw)


@compiles(among)
def _among(element: among, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


_CONSTANT = re.compile(r"[a-z_]+")


class one_of(ColumnElement[bool]):
    """`column IN ('a', 'b', …)` for a set of the code's own names (the states whose clock runs, or states a
    caller has checked against `State`), written into the SQL. SQLAlchemy's IN of a list is rendered anew at each execution, so a statement that holds one
    is neither kept (`luoshi.store.kept`) nor prepared: a ledger page filtered by colour went the slow way."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # (see `among`)
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("values", InternalTraversal.dp_plain_obj)]

    def __init__(self, column: Any, values: Iterable[str]):
        self.column = column
        self.values = tuple(values)
        if not self.values or not all(_CONSTANT.fullmatch(v) for v in self.values):
            raise ValueError(f"one_of takes the code's own names, not {self.values!r}")


@compiles(one_of)
def _one_of(element: one_of, compiler: Any, **kw: Any) -> str:
    names = ", ".join(f"'{value}'" for value in element.values)
    return f"{compiler.process(element.column, **kw)} IN ({names})"


class seldom(ColumnElement[bool]):
    """A condition that SQLite's planner should take for one few rows meet (`likelihood(…, 0.001)`); the
    condition itself elsewhere. A ledger page of one state by due date: with its statistics (7 states of
    100 000 items) and a bound state, SQLite read the due-date index from its start, past every item of
    another state and every item without a date, rather than the (state, due) index that gives the page in
    order (30–75 ms against 0.2 ms at 100 000 items)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]

    def __init__(self, clause: Any):
        self.clause = clause


@compiles(seldom, "sqlite")
def _seldom_sqlite(element: seldom, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.clause, **kw)}, 0.001)"


@compiles(seldom)
def _seldom(element: seldom, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clause, **kw)
