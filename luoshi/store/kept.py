"""Kept statements: the fixed statements every request runs (the bearer token's user, the kept counts, one item
with its units and extensions) and a ledger page's own (its items' units and extensions read around it), run
on PostgreSQL straight through psycopg.

SQLAlchemy's execution of a statement it has compiled and cached before still costs about as much Python
as psycopg's own work (its cache key, an execution context, bind and result processing set up again, a
result object and its rows). A `Kept` statement is compiled by SQLAlchemy once per dialect; on PostgreSQL
its SQL is rewritten once to PostgreSQL's own placeholders ($1, $2 …) and sent through a psycopg raw cursor,
prepared on each connection once, and its rows come back as named tuples (a field is a slot read, where a
SQLAlchemy Row looks a name up in Python). A statement built per request (`built`: a ledger page's filters
make one) finds its plan by SQLAlchemy's cache key and goes the same way. The bind and result processing
are the statement's types' own; a driver error is handed to SQLAlchemy, which wraps it and invalidates a dead
connection as for any other statement, so a caller sees the same exceptions either way.

SQLite, and an engine with cursor-execute listeners (`db.recorded_statements`: what the EXPLAIN test and
the bench read), take SQLAlchemy's own path, with the rows made into the same named tuples.
"""

from __future__ import annotations

import functools
import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import psycopg
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@functools.cache
def record_type(fields: tuple[str, ...]) -> Any:
    """The named tuple of rows with `fields` (one class per set of field names, for the process)."""
    return namedtuple("Record", fields)


@dataclass
class _Plan:
    """A statement as psycopg is sent it: the SQL with $n placeholders, the bind names in $n order with
    their processors and fixed values, and the rows' fields with their result processors."""

    sql: str
    names: tuple[str, ...]  # as in the SQL (SQLAlchemy escapes a name with characters PostgreSQL cannot take)
    keys: tuple[str, ...]  # the same, as the statement's binds are named (what a Kept's caller passes)
    binds: tuple[Callable[[Any], Any] | None, ...]
    fixed: Mapping[str, Any]
    make: Callable[[Sequence[Any]], Any]
    fields: tuple[str, ...]
    compiled: Any  # SQLAlchemy's compiled statement: what gives a built statement's values
    statement: Select[Any]  # the statement compiled (its columns' types process the rows)
    # The columns that need processing, by position, with their processors (a ledger page: 6 of 25; none: ()).
    results: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
    checked: bool = False  # results are known once the first answer said what types the columns arrive as

    def check(self, description: Any, dialect: Dialect) -> None:
        """At the first answer: the columns PostgreSQL answers with are the statement's, by name and in order,
        and each column's result processor is the one SQLAlchemy would take for the type it arrives as."""
        names = tuple(column.name for column in description or ())
        if names != self.fields:
            raise RuntimeError(f"kept statement answers {names}, not {self.fields}: label its columns")
        processors = (column.type.dialect_impl(dialect).result_processor(dialect, arrived.type_code)
                      for column, arrived in zip(self.statement.selected_columns, description))
        self.results = tuple((i, p) for i, p in enumerate(processors) if p is not None)
        self.checked = True


class Kept:
    """A fixed statement (its binds named, their values given at execution) run as described above."""

    def __init__(self, statement: Select[Any]):
        self.statement = statement
        self.fields = tuple(statement.selected_columns.keys())
        self._plans: WeakKeyDictionary[Dialect, _Plan | None] = WeakKeyDictionary()

    def all(self, session: Session | Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The rows, as named tuples of the statement's columns."""
        connection = session.connection() if isinstance(session, Session) else session
        params = params or {}
        dialect = connection.dialect
        plan = self._plans.get(dialect, _UNSEEN)
        if plan is _UNSEEN:
            plan = self._plans[dialect] = _compile(self.statement, dialect)
        if plan is None or _recorded(connection):
            return _through_sqlalchemy(connection, self.statement, self.fields, params)
        return _run(connection, plan, [params[key] if key in params else plan.fixed[key] for key in plan.keys])

    def first(self, session: Session | Connection, params: Mapping[str, Any] | None = None) -> Any | None:
        rows = self.all(session, params)
        return rows[0] if rows else None

    def scalar(self, session: Session | Connection, params: Mapping[str, Any] | None = None) -> Any:
        rows = self.all(session, params)
        return rows[0][0] if rows else None


def built(connection: Connection, statement: Select[Any],
          around: Callable[[Select[Any]], Select[Any]] | None = None) -> list[Any]:
    """The rows of a statement built for this request (a ledger page's), as named tuples of its columns.

    The statement's SQLAlchemy cache key (its shape, and its values in order) finds the plan of that shape,
    made once per process, and gives the values, as SQLAlchemy's own execution of a cached statement does;
    the rest is the kept path. A shape that cannot be sent so (an expanding IN, rendered anew for each
    execution) or a statement without a cache key takes SQLAlchemy's path.

    `around` (a function, the same object for each use) makes of the statement one that reads more around
    it: on the kept path the plan is that statement's, made with the shape's plan (SQLAlchemy builds a
    statement around a subquery in about a millisecond); on SQLAlchemy's path the statement is sent as it is
    (a caller reads the rest itself when the rows lack the columns `around` adds). `around` adds no values
    of its own but constants."""
    dialect = connection.dialect
    key = statement._generate_cache_key() if _psycopg(dialect) and not _recorded(connection) else None
    if key is not None:
        shapes = _SHAPES.setdefault(dialect, {})
        shape = (key.key, around)
        plan = shapes.get(shape, _UNSEEN)
        if plan is _UNSEEN:
            plan = _shape(shapes, shape, key, around(statement) if around else statement, dialect)
        if plan is not None:
            values = plan.compiled.construct_params(extracted_parameters=key.bindparams)
            return _run(connection, plan, [values[name] for name in plan.names])
    return _through_sqlalchemy(connection, statement, tuple(statement.selected_columns.keys()), {})


_UNSEEN: Any = object()
SHAPES_KEPT = 500  # plans of built statements kept per database, per process (a ledger has some dozens)
_SHAPES: WeakKeyDictionary[Dialect, dict[Any, _Plan | None]] = WeakKeyDictionary()


def _shape(shapes: dict[Any, _Plan | None], shape: Any, key: Any, statement: Select[Any],
           dialect: Dialect) -> _Plan | None:
    plan = _compile(statement, dialect, key)
    remember(shapes, shape, plan, SHAPES_KEPT)
    return plan


def remember(memory: dict[Any, Any], key: Any, value: Any, most: int) -> None:
    """`memory[key] = value`, the oldest entries leaving first once `memory` holds `most` (another thread may
    be at it too: a dict's single operations are atomic, and a race only drops one entry more)."""
    while len(memory) >= most:
        try:
            memory.pop(next(iter(memory)), None)
        except (StopIteration, RuntimeError):
            break
    memory[key] = value


def _through_sqlalchemy(connection: Connection, statement: Select[Any], fields: tuple[str, ...],
                        params: Mapping[str, Any]) -> list[Any]:
    """SQLAlchemy's execution of `statement`, its rows made into the same named tuples."""
    make = record_type(fields)._make
    return [make(r) for r in connection.execute(statement, dict(params)).all()]


def _psycopg(dialect: Dialect) -> bool:
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _recorded(connection: Connection) -> bool:
    """Whether something listens to the statements sent (then SQLAlchemy sends them, and tells it)."""
    return bool(connection.dispatch.before_cursor_execute or connection.dispatch.after_cursor_execute)


def _compile(statement: Select[Any], dialect: Dialect, key: Any = None) -> _Plan | None:
    """`statement` compiled for `dialect` and rewritten for psycopg; None where SQLAlchemy must run it.
    With its cache `key`, the compiled statement matches another statement's values of the same shape to
    its own binds (as compiled statements in SQLAlchemy's cache do)."""
    if not _psycopg(dialect):
        return None
    compiled = statement.compile(dialect=dialect, **({"cache_key": key} if key is not None else {}))
    if "POSTCOMPILE" in compiled.string or compiled.literal_execute_params:
        return None  # rendered anew at each execution
    unescaped = {escaped: name for name, escaped in (compiled.escaped_bind_names or {}).items()}
    order: list[str] = []

    def placeholder(found: re.Match[str]) -> str:
        name = found.group(1)
        if name is None:
            return "%"
        if name not in order:
            order.append(name)
        return f"${order.index(name) + 1}"

    sql = _PLACEHOLDER.sub(placeholder, compiled.string)
    keys = tuple(unescaped.get(name, name) for name in order)
    params = [compiled.binds[key] for key in keys]
    binds = tuple(p.type.dialect_impl(dialect).bind_processor(dialect) for p in params)
    fixed = {key: p.value for key, p in zip(keys, params) if p.value is not None or not p.required}
    fields = tuple(statement.selected_columns.keys())
    return _Plan(sql, tuple(order), keys, binds, fixed, record_type(fields)._make, fields, compiled, statement)


def _run(connection: Connection, plan: _Plan, values: list[Any]) -> list[Any]:
    """`plan` sent through the connection's psycopg connection with `values` ($1, $2 … in order)."""
    values = [value if bind is None else bind(value) for value, bind in zip(values, plan.binds)]
    cursor = psycopg.RawCursor(connection.connection.driver_connection)
    try:
        cursor.execute(plan.sql, values, prepare=True)
        rows = cursor.fetchall()
        if not plan.checked:
            plan.check(cursor.description, connection.dialect)
    except psycopg.Error as exc:  # wrapped (and a dead connection invalidated) as SQLAlchemy does
        connection._handle_dbapi_exception(exc, plan.sql, values, cursor, None)
    finally:
        cursor.close()
    make = plan.make
    results = plan.results
    if not results:
        return [make(r) for r in rows]
    made = []
    for r in rows:
        cells = list(r)
        for i, p in results:
            cells[i] = p(cells[i])
        made.append(make(cells))
    return made
