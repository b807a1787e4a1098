"""Feeding the search index: `SearchEntry` rows for documents, items, targets and suggestions,
upserted by (kind, ref_id) and removed, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Union

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.orm import Session

from luoshi.errors import SearchError
from luoshi.search.schema import ENTRIES, FTS
from luoshi.search.tokens import index_tokens

KINDS = ("document", "item", "target", "suggestion")

Bind = Union[Session, Connection, Engine]


@dataclass(frozen=True)
class SearchEntry:
    """One searchable thing: what it is (`kind`, `ref_id` its id in the store), what is searched
    (`title` weighs more than `body`), what it is filtered by (`unit`, the lead, and `co_units`, the
    co-operating units that the unit filter finds too; `year`) and where it opens (`url`)."""

    kind: str
    ref_id: str | int
    title: str
    body: str = ""
    unit: str | None = None
    year: int | None = None
    url: str = ""
    co_units: tuple[str, ...] = ()

    def all_units(self) -> list[str]:
        return list(dict.fromkeys(u for u in (self.unit, *self.co_units) if u))


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise SearchError(f"搜索类别“{kind}”无法识别：可选{'、'.join(KINDS)}")
    return kind


@contextmanager
def connection(bind: Bind) -> Iterator[Session | Connection]:
    """`bind` itself when it is a session or connection (the caller commits), else a transaction."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
    else:
        yield bind


def dialect_of(conn: Session | Connection) -> str:
    name = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise SearchError(f"search runs on sqlite or postgresql, not {name}")
    return name


def filter_tags(kind: str | None = None, units: Iterable[str] = (), year: int | None = None) -> list[str]:
    """The filter tokens of an entry on SQLite: `kitem`, `u` + a digest of each unit's name, `y2024`."""
    tags = [f"k{kind}"] if kind else []
    for unit in units:
        tags.append("u" + hashlib.blake2b(unit.encode("utf-8"), digest_size=8).hexdigest())
    if year is not None:
        tags.append(f"y{int(year)}")
    return tags


def _row(entry: SearchEntry) -> dict[str, Any]:
    check_kind(entry.kind)
    # PostgreSQL text cannot hold NUL; drop it on both backends so they index the same text
    title, body = (entry.title or "").replace("\x00", ""), (entry.body or "").replace("\x00", "")
    return {"kind": entry.kind, "ref_id": str(entry.ref_id), "title": title, "body": body,
            "unit": entry.unit or None, "units": entry.all_units(), "year": entry.year, "url": entry.url or "",
            "title_tokens": index_tokens(title), "body_tokens": index_tokens(body),
            "tags": " ".join(filter_tags(entry.kind, entry.all_units(), entry.year))}


_UPSERT_SQLITE = text(f"""
INSERT INTO {ENTRIES} (kind, ref_id, title, body, unit, year, url)
VALUES (:kind, :ref_id, :title, :body, :unit, :year, :url)
ON CONFLICT (kind, ref_id) DO UPDATE SET title = excluded.title, body = excluded.body,
    unit = excluded.unit, year = excluded.year, url = excluded.url
RETURNING id""")

_UPSERT_POSTGRESQL = text(f"""
INSERT INTO {ENTRIES} (kind, ref_id, title, body, unit, units, year, url, document, title_document)
VALUES (:kind, :ref_id, :title, :body, :unit, :units, :year, :url,
        setweight(to_tsvector('simple', :title_tokens), 'A')
        || setweight(to_tsvector('simple', :body_tokens), 'D'),
        to_tsvector('simple', :title_tokens))
ON CONFLICT (kind, ref_id) DO UPDATE SET title = excluded.title, body = excluded.body,
    unit = excluded.unit, units = excluded.units, year = excluded.year, url = excluded.url,
    document = excluded.document,
    title_document = excluded.title_document""")


def index(bind: Bind, entries: Iterable[SearchEntry]) -> int:
    """Add `entries` to the index, replacing any with the same kind and ref_id; how many were written.

    With a session or connection the caller's transaction holds the change (commit it with the rows
    the entries describe); with an engine it is committed here.
    """
    rows = [_row(entry) for entry in entries]
    if not rows:
        return 0
    with connection(bind) as conn:
        if dialect_of(conn) == "postgresql":
            conn.execute(_UPSERT_POSTGRESQL, rows)
            return len(rows)
        for row in rows:
            entry_id = conn.execute(_UPSERT_SQLITE, row).scalar_one()
            conn.execute(text(f"DELETE FROM {FTS} WHERE rowid = :id"), {"id": entry_id})
            conn.execute(text(f"INSERT INTO {FTS} (rowid, title, body, tags) VALUES (:id, :t, :b, :tags)"),
                         {"id": entry_id, "t": row["title_tokens"], "b": row["body_tokens"], "tags": row["tags"]})
    return len(rows)


def remove(bind: Bind, kind: str, ref_ids: Iterable[str | int]) -> int:
    """Take the entries of `kind` with these ids out of the index; how many there were."""
    check_kind(kind)
    ids = [str(ref_id) for ref_id in ref_ids]
    if not ids:
        return 0
    params = {"kind": kind, "ref_ids": ids}
    where = "kind = :kind AND ref_id IN :ref_ids"
    with connection(bind) as conn:
        if dialect_of(conn) == "sqlite":
            conn.execute(text(f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {ENTRIES} WHERE {where})")
                         .bindparams(bindparam("ref_ids", expanding=True)), params)
        result = conn.execute(text(f"DELETE FROM {ENTRIES} WHERE {where}")
                              .bindparams(bindparam("ref_ids", expanding=True)), params)
        return result.rowcount


def clear(bind: Bind, kind: str | None = None) -> None:
    """Empty the index, or only the entries of one kind (before feeding them all again)."""
    with connection(bind) as conn:
        params = {"kind": check_kind(kind)} if kind else {}
        where = " WHERE kind = :kind" if kind else ""
        if dialect_of(conn) == "sqlite":
            conn.execute(text(f"DELETE FROM {FTS} WHERE rowid IN (SELECT id FROM {ENTRIES}{where})"), params)
        conn.execute(text(f"DELETE FROM {ENTRIES}{where}"), params)
