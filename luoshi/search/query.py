"""Asking the search index: ranked hits (title matches first, then body) with filters by kind, unit
and year, and a snippet of each hit with its matches marked; odd input finds nothing, never fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text

from luoshi.search.entries import Bind, check_kind, connection, dialect_of
from luoshi.search.schema import ENTRIES, FTS
from luoshi.search.snippets import highlight
from luoshi.search.tokens import highlight_terms, query_terms

MAX_LIMIT = 100
TITLE_WEIGHT = 10.0  # bm25 column weight on SQLite; PostgreSQL weighs A (title) 1.0 against D (body) 0.1


@dataclass(frozen=True)
class Hit:
    """One result: what it is and where it opens, its score (higher is better, comparable only within
    one backend), and its title and a snippet of its body as HTML with the matches in `<mark>`."""

    kind: str
    ref_id: str
    title: str
    url: str
    score: float
    snippet_html: str
    title_html: str = ""
    unit: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class SearchResults:
    """The hits of one page, best first, and how many there are in all."""

    total: int
    hits: list[Hit] = field(default_factory=list)
    query: str = ""
    terms: list[str] = field(default_factory=list)  # the tokens every hit contains


def _filters(kinds: Iterable[str] | None, unit: str | None, year: int | None) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if kinds is not None:
        params["kinds"] = [check_kind(k) for k in kinds] or [""]
        where.append("e.kind IN :kinds")
    if unit:
        params["unit"] = unit
        where.append("e.unit = :unit")
    if year is not None:
        params["year"] = int(year)
        where.append("e.year = :year")
    return "".join(f" AND {w}" for w in where), params


def _fts5_match(terms: list[str]) -> str:
    # Every term quoted: user text never reaches FTS5's syntax (AND, OR, NEAR, *, quotes, parentheses).
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _tsquery(terms: list[str]) -> str:
    # A tsquery literal of quoted lexemes; the tokens carry no quote or backslash, but escape anyway.
    return " & ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


def _ranked_sql(dialect: str, where: str) -> str:
    if dialect == "sqlite":
        return f"""
SELECT id, score, count(*) OVER () AS total FROM (
    SELECT e.id, e.kind, e.ref_id, -bm25({FTS}, {TITLE_WEIGHT}, 1.0) AS score
    FROM {FTS} JOIN {ENTRIES} e ON e.id = {FTS}.rowid
    WHERE {FTS} MATCH :match{where}
) ORDER BY score DESC, kind, ref_id LIMIT :limit OFFSET :offset"""
    return f"""
SELECT e.id, ts_rank_cd(e.document, q.query, 1) AS score, count(*) OVER () AS total
FROM {ENTRIES} e, (SELECT CAST(:match AS tsquery) AS query) q
WHERE e.document @@ q.query{where}
ORDER BY score DESC, e.kind, e.ref_id LIMIT :limit OFFSET :offset"""


def _count_sql(dialect: str, where: str) -> str:
    if dialect == "sqlite":
        return (f"SELECT count(*) FROM {FTS} JOIN {ENTRIES} e ON e.id = {FTS}.rowid "
                f"WHERE {FTS} MATCH :match{where}")
    return f"SELECT count(*) FROM {ENTRIES} e WHERE e.document @@ CAST(:match AS tsquery){where}"


def search(bind: Bind, q: str, *, kinds: Iterable[str] | None = None, unit: str | None = None,
           year: int | None = None, limit: int = 20, offset: int = 0) -> SearchResults:
    """The entries that contain every word of `q` (each Chinese character pair, each Latin word or
    number), best first: `limit` of them from `offset`, and the total.

    Any `q` is accepted: one without a letter, digit or Chinese character finds nothing. An unknown
    kind in `kinds` raises SearchError naming the valid ones.
    """
    q = q if isinstance(q, str) else ""
    where, params = _filters(kinds, unit, year)
    terms = query_terms(q)
    if not terms:
        return SearchResults(total=0, query=q)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    with connection(bind) as conn:
        dialect = dialect_of(conn)
        params["match"] = _fts5_match(terms) if dialect == "sqlite" else _tsquery(terms)
        sql = text(_ranked_sql(dialect, where))
        count = text(_count_sql(dialect, where))
        if "kinds" in params:
            sql = sql.bindparams(bindparam("kinds", expanding=True))
            count = count.bindparams(bindparam("kinds", expanding=True))
        ranked = conn.execute(sql, {**params, "limit": limit, "offset": offset}).all()
        if ranked:
            total = ranked[0].total
        else:
            total = conn.execute(count, params).scalar_one() if offset else 0
        rows = _entries(conn, [r.id for r in ranked])
    marks = highlight_terms(q)
    hits = [_hit(rows[r.id], float(r.score), marks) for r in ranked]
    return SearchResults(total=int(total), hits=hits, query=q, terms=terms)


def _entries(conn: Any, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    sql = text(f"SELECT id, kind, ref_id, title, body, unit, year, url FROM {ENTRIES} WHERE id IN :ids")
    return {row.id: row for row in conn.execute(sql.bindparams(bindparam("ids", expanding=True)), {"ids": ids})}


def _hit(row: Any, score: float, marks: list[str]) -> Hit:
    body = row.body if row.body.strip() else row.title
    return Hit(kind=row.kind, ref_id=row.ref_id, title=row.title, url=row.url, score=score,
               snippet_html=highlight(body, marks), title_html=highlight(row.title, marks, width=None),
               unit=row.unit, year=row.year)
