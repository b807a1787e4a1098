"""Loading millions of rows into PostgreSQL at once (a synthetic province): rows written in COPY's text
format, and `bulk_load`, one transaction that drops the tables' keys, indexes and foreign keys, takes the
rows, then builds them again exactly as they were (their definitions read from the catalogue first).

Building an index once over sorted rows costs a fraction of updating it row by row, and a foreign key
validated by one join costs a fraction of a lookup per row. Everything is one transaction: a load that
fails leaves the tables, their indexes and constraints as they were. A caller's hooks run inside it (the
province pauses the kept counts, `luoshi.store.aggregates`, and counts them again at the end).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, JSON, Boolean, Date, DateTime, Integer, Table
from sqlalchemy.types import TypeDecorator, TypeEngine

from luoshi.errors import StoreError

NULL = "\\N"
# Memory for building the indexes again (the server's default, 64 MB, sorts ten million rows on disk).
INDEX_MEMORY = "1GB"


# -- rows as COPY text -------------------------------------------------------------------------------

def copy_text(value: str) -> str:
    """A string as a field of COPY's text format: backslash, newline, carriage return and tab escaped."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:  # as `luoshi.store.types.UTCDateTime` refuses one
        raise ValueError(f"naive datetime {value!r}: luoshi stores timezone-aware times only")
    return value.isoformat()


def _array(values: Sequence[Any]) -> str:
    """A text[] literal: every element quoted, its quotes and backslashes escaped."""
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # as SQLAlchemy's JSON type would, but UTF-8 as is


def field_writer(column_type: TypeEngine[Any], escape: bool = True) -> Callable[[Any], str]:
    """How a value of a column of `column_type` is written in COPY's text format (None is written apart);
    `escape=False`: the text without COPY's escapes (for text known to need none)."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, Boolean):
        return lambda v: "t" if v else "f"
    if isinstance(column_type, Integer):
        return int.__str__
    if isinstance(column_type, DateTime):
        return _timestamp
    if isinstance(column_type, Date):
        return date.isoformat
    write: Callable[[Any], str] = _json if isinstance(column_type, JSON) else _array if isinstance(
        column_type, ARRAY) else str
    if not escape:
        return write
    return copy_text if write is str else lambda v: copy_text(write(v))


def copy_rows(table: Table, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None
              ) -> tuple[tuple[str, ...], bytes]:
    """(the columns, the rows as COPY text) of `rows`, dicts with the same keys: `columns` of `table` (None:
    all the first row's keys)."""
    columns = tuple(rows[0] if columns is None else columns)
    types = [table.c[c].type for c in columns]
    # Most rows need no escape at all: written plain (NULL as NUL, which no value may hold: PostgreSQL
    # refuses it), checked once, whole, for what would need one, and only the rows that do written again.
    plain = [(c, field_writer(t, escape=False)) for c, t in zip(columns, types)]
    lines = ["\t".join(["\0" if (v := row[c]) is None else write(v) for c, write in plain]) for row in rows]
    text = "\n".join(lines)
    nulls = sum(list(map(operator.itemgetter(c), rows)).count(None) for c in columns)
    if ("\\" in text or "\r" in text or text.count("\n") != len(rows) - 1
            or text.count("\t") != (len(columns) - 1) * len(rows) or text.count("\0") != nulls):
        writers = [(c, field_writer(t)) for c, t in zip(columns, types)]
        for i, (row, line) in enumerate(zip(rows, lines)):
            if ("\\" in line or "\r" in line or "\n" in line or line.count("\t") != len(columns) - 1
                    or line.count("\0") != sum(row[c] is None for c in columns)):
                lines[i] = "\t".join([NULL if (v := row[c]) is None else write(v) for c, write in writers])
            else:
                lines[i] = line.replace("\0", NULL)
        return columns, ("\n".join(lines) + "\n").encode("utf-8")
    return columns, (text.replace("\0", NULL) + "\n").encode("utf-8")


def copy_statement(table: str, columns: Sequence[str], freeze: bool = False) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f"COPY {table} ({names}) FROM STDIN" + (" WITH (FREEZE)" if freeze else "")


# -- the load ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Schema:
    """What a load drops and builds again, each as (table, name, definition): primary keys and unique
    constraints of the tables, their other indexes and the foreign keys from or to them."""

    keys: list[tuple[str, str, str]]
    indexes: list[tuple[str, str, str]]
    foreign_keys: list[tuple[str, str, str]]


_OIDS = "SELECT array_agg(to_regclass(t)::oid) FROM unnest(%s::text[]) AS t"
_KEYS = """SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype IN ('p', 'u', 'x') AND conrelid = ANY(%s) ORDER BY conrelid::regclass::text, conname"""
_INDEXES = """SELECT x.indrelid::regclass::text, x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid)
FROM pg_index x WHERE x.indrelid = ANY(%s) AND NOT EXISTS (
    SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid
    AND k.contype IN ('p', 'u', 'x'))
ORDER BY 1, 2"""
_FOREIGN_KEYS = """SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND (conrelid = ANY(%s) OR confrelid = ANY(%s)) ORDER BY conrelid::regclass::text, conname"""


def read_schema(cursor: Any, tables: Sequence[str]) -> Schema:
    """The keys, indexes and foreign keys of `tables`, from the catalogue."""
    cursor.execute(_OIDS, (list(tables),))
    oids = cursor.fetchone()[0]
    if oids is None or None in oids:
        missing = [t for t, oid in zip(tables, oids or [None] * len(tables)) if oid is None]
        raise StoreError(f"数据库中没有表 {'、'.join(missing)}：请先迁移数据库（luoshi db upgrade）再批量导入")
    keys = _fetch(cursor, _KEYS, (oids,))
    indexes = _fetch(cursor, _INDEXES, (oids,))
    foreign_keys = _fetch(cursor, _FOREIGN_KEYS, (oids, oids))
    return Schema(keys, indexes, foreign_keys)


def _fetch(cursor: Any, sql: str, params: tuple[Any, ...]) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in cursor.execute(sql, params).fetchall()]


@dataclass
class Load:
    """A load under way: `freeze` is True when the tables were empty (and so truncated in this
    transaction): COPY may then write its rows frozen, sparing the first reads after it a rewrite."""

    cursor: Any
    schema: Schema
    freeze: bool


@contextmanager
def bulk_load(connection: Any, tables: Sequence[str], *, before: Callable[[], None] | None = None,
              after: Callable[[], None] | None = None) -> Iterator[Load]:
    """A transaction on the psycopg `connection` in which `tables` have no keys, indexes or foreign keys (from
    or to them); at the end they are built again and the transaction committed. Rolled back, nothing of it
    remains. `before` runs first, `after` once the indexes are back, both in the transaction (a province
    pauses the kept counts' triggers and counts them once at the end: `luoshi.store.aggregates`)."""
    cursor = connection.cursor()
    try:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'")
        schema = read_schema(cursor, tables)
        for table, name, _ in schema.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for table, name, _ in schema.keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for _, name, _ in schema.indexes:
            cursor.execute(f"DROP INDEX {name}")
        if before is not None:
            before()
        empty = not any(cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0] for t in tables)
        if empty:  # nothing refers to them any more: emptied in this transaction, COPY may freeze its rows
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        yield Load(cursor, schema, empty)
        rebuild(cursor, schema)
        if after is not None:
            after()
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        cursor.close()


def rebuild(cursor: Any, schema: Schema) -> None:
    """Keys first (the foreign keys need them), then the other indexes and the foreign keys."""
    for table, name, definition in schema.keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for _, _, definition in schema.indexes:
        cursor.execute(definition)
    for table, name, definition in schema.foreign_keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
