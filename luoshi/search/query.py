"""Asking the search index: ranked hits (title matches first, then body) with filters by kind, unit
and year, and a snippet of each hit with its matches marked; odd input finds nothing, never fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from luoshi.search.entries import Bind, check_kind, connection, dialect_of, filter_tags
from luoshi.search.schema import ENTRIES, FTS
from luoshi.search.snippets import highlight
from luoshi.search.tokens import MAX_QUERY_CHARS, highlight_terms, query_terms

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
    # The index's own id (not what the hit is, so not compared): with `score`, where it stands (a page's cursor).
    entry_id: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class SearchResults:
    """The hits of one page, best first, and how many there are in all."""

    total: int
    hits: list[Hit] = field(default_factory=list)
    query: str = ""
    terms: list[str] = field(default_factory=list)  # the tokens every hit contains
    more: bool = False  # hits follow the page in the direction it was read (before it, read backwards)
    # `total` is an estimate: the query's words are common, and only their newest matches were ranked (NEWEST)
    estimated: bool = False


@dataclass(frozen=True)
class UnitWord:
    """A word of the query that names a unit (`县住建局`): an entry matches it by holding the word's
    `terms` or by being one of `units`' (their names, as the index files them)."""

    terms: list[str]
    units: list[str]


def _fts5_match(terms: list[str], kinds: list[str] | None, unit: str | None, year: int | None,
                unit_words: Sequence[UnitWord] = ()) -> str:
    """The FTS5 query: every term in the title or body (or a unit word's unit as a tag), every filter as
    a tag. Every token is quoted, so user text never reaches FTS5's syntax (AND, OR, NEAR, *, quotes,
    parentheses, column names)."""

    def quoted(tokens: list[str]) -> str:
        return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)

    def in_text(tokens: list[str]) -> str:
        return "{title body} : (" + " AND ".join(quoted([t]) for t in tokens) + ")"

    parts = [in_text(terms)] if terms else []
    for word in unit_words:
        either = ([in_text(word.terms)] if word.terms else []) + [f"tags : ({quoted(filter_tags(units=word.units))})"]
        parts.append("(" + " OR ".join(either) + ")")
    if kinds is not None:
        parts.append(f"tags : ({quoted([filter_tags(kind=k)[0] for k in kinds])})")
    parts += [f"tags : ({quoted([tag])})" for tag in filter_tags(units=[unit] if unit else [], year=year)]
    return " AND ".join(parts)


def _tsquery(terms: list[str], joint: str = " & ") -> str:
    # A tsquery literal of quoted lexemes; the tokens carry no quote or backslash, but escape anyway.
    return joint.join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)


# Pages go on by keyset on (score, id): the page after a hit holds those ranked below it; SQLite's bm25 is
# lower for better hits, so its rows go up (s, id) where the hits' score is -s.
_SQLITE_RANKED = f"""
WITH m AS MATERIALIZED (
    SELECT rowid AS id, bm25({FTS}, {TITLE_WEIGHT}, 1.0, 0.0) AS s FROM {FTS} WHERE {FTS} MATCH :match)
SELECT id, -s AS score, (SELECT count(*) FROM m) AS total FROM m {{seek}} ORDER BY {{order}} LIMIT :limit OFFSET :offset"""
_SQLITE_SEEK = {False: ("", "s, id"), "after": ("WHERE (s, id) > (-:score, :id)", "s, id"),
                "before": ("WHERE (s, id) < (-:score, :id)", "s DESC, id DESC")}
_SQLITE_COUNT = f"SELECT count(*) FROM {FTS} WHERE {FTS} MATCH :match"

# PostgreSQL reads a whole tsvector to rank it: past RANKED matches only the first RANKED in the order
# title match, newest year, newest entry are ranked, the others follow in that order with a score of 0.
RANKED = 1000

# An office's search of a word that many entries hold (营商环境 in one of twenty at a province's
# 1 000 000) ranks only its NEWEST matches, read newest first along the primary key: a GIN index finds
# every match of the words, and PostgreSQL then visits each in the table (50 000 pages for 56 000
# matches, 150 ms with all of them in memory) to sort them and count them. Read newest first, a word
# held by one entry of twenty gives its newest 250 in ~5 000 rows (5 ms), and the total is estimated
# from their share of the rows read. Whether a query is common is tried on the newest PROBE entries
# (2 ms): at least COMMON of them match. A rarer word goes on through the index, counted exactly.
# 250 is twelve pages of twenty, past what anyone reads before narrowing a search that holds tens of
# thousands; the walk and the ranking cost in proportion (500: the largest share of PostgreSQL's time at
# 150 requests/s on a province, 29 ms a search under that load).
PROBE = 2000
COMMON = 0.02
NEWEST = 250
assert NEWEST <= RANKED  # a common word's matches are all ranked (`_postgresql_newest_sql`)


def _postgresql_sql(where: str, matches: str, seek: str | bool, newest: bool = False) -> tuple[str, str]:
    """The ranked page and the count; `matches` is the condition of a hit (the query's words), `where`
    the filters, and `:match` the tsquery that ranks. Each match gets keys that all go up in the order (ranked
    first: best score, then id; the rest: title matches, newest year, newest id), so that the page after (or
    before) the hit of the cursor's (score, id) is one row comparison. A rank is computed, not indexed: every
    match is read to find a page, as it is to count them; the cursor saves sorting past the pages before.
    `newest`: the matches are the NEWEST `:newest`, read along the primary key (`matches` must then not be
    indexed: see NEWEST), and the total is counted among them, with the rows read to find them and the
    rows in all, from which the total of every match is estimated (`_total`)."""
    if newest:
        return _postgresql_newest_sql(where, matches, seek)
    # a page by number reads the ranked ones from the matches it can reach, a cursor's page from them all
    reached, pool, keyed = (_PG_REACHED, "o", _PG_FIRST) if seek is False else ("", "m", _PG_ALL)
    matched = f"""
WITH m AS MATERIALIZED (
    SELECT e.id, e.year, e.title_document @@ CAST(:match AS tsquery) AS in_title
    FROM {ENTRIES} e WHERE {matches}{where}
)"""
    ranked = f"""{matched}{reached}, top AS MATERIALIZED (
    SELECT id FROM {pool} ORDER BY in_title DESC, year DESC NULLS LAST, id DESC LIMIT :ranked
), r AS (
    SELECT t.id, CAST(ts_rank_cd(e.document, CAST(:match AS tsquery), 1) AS float8) AS score
    FROM top t JOIN {ENTRIES} e ON e.id = t.id
), k AS ({keyed}
)
SELECT k.id, k.score, (SELECT count(*) FROM m) AS total, {_PG_NOT_READ} FROM k {_PG_SEEK[seek][0]}
ORDER BY {_PG_SEEK[seek][1]} LIMIT :limit OFFSET :offset"""
    return ranked, f"SELECT count(*) AS total, {_PG_NOT_READ} FROM {ENTRIES} e WHERE {matches}{where}"


def _postgresql_newest_sql(where: str, matches: str, seek: str | bool) -> tuple[str, str]:
    """`_postgresql_sql` of a common word: its NEWEST matches are fewer than RANKED, so every one is ranked,
    and ranked as the walk finds it (the row is at hand: no second visit of the NEWEST entries to read their
    documents, and no sort of them by title match and year, which only chose the RANKED among more). Their
    keys are those of ranked matches: tier, untitled and older 0, tie the id; the cursor's seek is the same."""
    walk = f"""
    FROM {ENTRIES} e WHERE {matches}{where}
    ORDER BY e.id DESC LIMIT :newest
)"""
    ranked = f"""
WITH m AS MATERIALIZED (
    SELECT e.id, CAST(ts_rank_cd(e.document, CAST(:match AS tsquery), 1) AS float8) AS score{walk}, k AS (
    SELECT id, score, 0 AS tier, 0 AS untitled, 0 AS older, id AS tie FROM m
)
SELECT k.id, k.score, (SELECT count(*) FROM m) AS total, {_PG_READ} FROM k {_PG_SEEK[seek][0]}
ORDER BY {_PG_SEEK[seek][1]} LIMIT :limit OFFSET :offset"""
    return ranked, f"""
WITH m AS MATERIALIZED (
    SELECT e.id{walk}
SELECT (SELECT count(*) FROM m) AS total, {_PG_READ}"""


# Of a common word's newest matches (the primary key read backwards): the rows read to find them, and the
# rows in all (the planner's count, kept by ANALYZE: an estimate is all it serves).
_PG_READ = (f"(SELECT count(*) FROM {ENTRIES} x WHERE x.id >= (SELECT min(id) FROM m)) AS examined, "
            f"(SELECT reltuples FROM pg_class WHERE oid = CAST('{ENTRIES}' AS regclass)) AS entries")
_PG_NOT_READ = "NULL AS examined, NULL AS entries"


# Every match with its keys (a cursor's page may start anywhere): numbered once in the order of `top`, the
# first RANKED ranked (a scalar subquery, evaluated only for them), the others after them in that order ...
_PG_ALL = """
    SELECT n.id, CASE WHEN n.n <= :ranked THEN (SELECT CAST(ts_rank_cd(e.document, CAST(:match AS tsquery), 1)
           AS float8) FROM {entries} e WHERE e.id = n.id) ELSE 0.0 END AS score,
           CASE WHEN n.n <= :ranked THEN 0 ELSE 1 END AS tier,
           CASE WHEN n.n <= :ranked THEN 0 ELSE 1 - CAST(n.in_title AS int) END AS untitled,
           CASE WHEN n.n <= :ranked THEN 0 ELSE -coalesce(n.year, -1) END AS older,
           CASE WHEN n.n <= :ranked THEN n.id ELSE -n.id END AS tie
    FROM (SELECT m.*, row_number() OVER (ORDER BY m.in_title DESC, m.year DESC NULLS LAST, m.id DESC) AS n
          FROM m) n""".replace("{entries}", ENTRIES)
# ... or, for a page by number, the ranked ones and only as many of the rest, in their order, as the page can
# reach (those after the first RANKED among the matches `o` holds: no join, no second sort of every match):
# the same rows in the same order, without sorting every match of a common word.
_PG_FIRST = """
    SELECT id, score, 0 AS tier, 0 AS untitled, 0 AS older, id AS tie FROM r
    UNION ALL (
    SELECT o.id, 0.0, 1, 1 - CAST(o.in_title AS int), -coalesce(o.year, -1), -o.id FROM o
    ORDER BY o.in_title DESC, o.year DESC NULLS LAST, o.id DESC OFFSET :ranked)"""
# The matches a page by number can reach, in that order: one top-N sort of every match (a common word's
# tens of thousands), which the ranked ones and the rest after them then sort again among only these.
_PG_REACHED = """, o AS MATERIALIZED (
    SELECT id, year, in_title FROM m ORDER BY in_title DESC, year DESC NULLS LAST, id DESC
    LIMIT :ranked + :offset + :limit)"""
_PG_KEYS = "(k.tier, -k.score, k.untitled, k.older, k.tie)"
_PG_AT = "(SELECT c.tier, -CAST(:score AS float8), c.untitled, c.older, c.tie FROM k c WHERE c.id = :id)"
_PG_SEEK = {False: ("", "k.tier, -k.score, k.untitled, k.older, k.tie"),
            "after": (f"WHERE {_PG_KEYS} > {_PG_AT}", "k.tier, -k.score, k.untitled, k.older, k.tie"),
            "before": (f"WHERE {_PG_KEYS} < {_PG_AT}",
                       "k.tier DESC, -k.score DESC, k.untitled DESC, k.older DESC, k.tie DESC")}


def _postgresql_matches(terms: list[str], unit_words: Sequence[UnitWord],
                        indexed: bool = True) -> tuple[str, dict[str, Any]]:
    """The condition of a hit: every term in the document, and for each unit word its terms or its units.
    Not `indexed`, the words are tested on the rows another condition found (ts_match_vq is @@ without
    its index): a unit's entries are a few thousand, a common word's matches tens of thousands, and
    PostgreSQL, which takes the words' matches for the product of each word's share (about one row), would
    otherwise read every match of the words to keep the unit's (a unit's search of a common word at
    1 000 000 entries: 87 ms → 5 ms)."""
    match = "e.document @@ CAST(:{} AS tsquery)" if indexed else "ts_match_vq(e.document, CAST(:{} AS tsquery))"
    conds = [match.format("terms")] if terms else []
    params: dict[str, Any] = {"terms": _tsquery(terms)} if terms else {}
    for i, word in enumerate(unit_words):
        either = [match.format(f"word{i}")] if word.terms else []
        either.append(f"e.units && CAST(:word{i}_units AS TEXT[])")
        params |= {f"word{i}": _tsquery(word.terms), f"word{i}_units": list(word.units)}
        conds.append("(" + " OR ".join(either) + ")")
    return " AND ".join(conds), params


def _postgresql_filters(kinds: list[str] | None, unit: str | None, year: int | None) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if kinds is not None:
        params["kinds"] = kinds
        where.append("e.kind IN :kinds")
    if unit:
        params["unit"] = unit
        where.append("e.units @> CAST(ARRAY[:unit] AS TEXT[])")
    if year is not None:
        params["year"] = year
        where.append("e.year = :year")
    return "".join(f" AND {w}" for w in where), params


def search(bind: Bind, q: str, *, kinds: Iterable[str] | None = None, unit: str | None = None,
           year: int | None = None, limit: int = 20, offset: int = 0,
           units_named: Mapping[str, Sequence[str]] | None = None, after: tuple[float, int] | None = None,
           backwards: bool = False, most: int = MAX_LIMIT, snippets: bool = True) -> SearchResults:
    """The entries that contain every word of `q` (each Chinese character pair, each Latin word or
    number), best first: `limit` of them from `offset`, or after the hit whose (`score`, `entry_id`) is
    `after` (`backwards`: the `limit` before it, still best first), and the total.

    `units_named` maps words of `q` (split at spaces) that name a unit (`县住建局`) to the names of
    the units they name: such a word is also matched by every entry of those units.
    Any `q` is accepted: one without a letter, digit or Chinese character finds nothing. An unknown
    kind in `kinds` raises SearchError naming the valid ones. `most` bounds `limit` (a caller that filters
    the hits itself reads more at once); without `snippets` the hits carry no HTML (`with_snippets` adds it
    to the few shown).
    """
    q = q if isinstance(q, str) else ""
    kind_list = None if kinds is None else [check_kind(k) for k in kinds]
    year = None if year is None else int(year)
    unit = unit or None
    named = {w: list(u) for w, u in (units_named or {}).items() if u}
    words = q[:MAX_QUERY_CHARS].split()
    unit_words = [UnitWord(query_terms(w), named[w]) for w in dict.fromkeys(words) if w in named]
    terms = query_terms(" ".join(w for w in words if w not in named)) if unit_words else query_terms(q)
    every_term = list(dict.fromkeys(terms + [t for w in unit_words for t in w.terms]))
    if not (terms or unit_words) or kind_list == []:
        return SearchResults(total=0, query=q, terms=terms)
    limit = max(1, min(int(limit), most))
    # One hit more than the page: whether another follows.
    page: dict[str, Any] = {"limit": limit + 1, "offset": 0 if after else max(0, int(offset))}
    seek: str | bool = False
    if after is not None:
        seek = "before" if backwards else "after"
        page |= {"score": float(after[0]), "id": int(after[1])}
    with connection(bind) as conn:
        if dialect_of(conn) == "sqlite":
            ranked, total = _ranked_sqlite(conn, _fts5_match(terms, kind_list, unit, year, unit_words), page, seek)
            estimated = False
        else:
            ranking = _tsquery(every_term, " & " if not unit_words else " | ")
            ranked, total, estimated = _ranked_postgresql(conn, terms, unit_words, ranking, kind_list, unit, year,
                                                          page, seek)
        more, ranked = len(ranked) > limit, ranked[:limit]
        rows = _entries(conn, [r.id for r in ranked], body=snippets)
    marks = highlight_terms(q) if snippets else None
    hits = [_hit(rows[r.id], float(r.score), marks) for r in (ranked[::-1] if seek == "before" else ranked)]
    return SearchResults(total=total, hits=hits, query=q, terms=every_term, more=more, estimated=estimated)


def _ranked_sqlite(conn: Any, match: str, page: dict[str, Any], seek: str | bool) -> tuple[list[Any], int]:
    where, order = _SQLITE_SEEK[seek]
    ranked = conn.execute(text(_SQLITE_RANKED.format(seek=where, order=order)), {"match": match, **page}).all()
    if ranked or not (page["offset"] or seek):
        return ranked, ranked[0].total if ranked else 0
    return ranked, conn.execute(text(_SQLITE_COUNT), {"match": match}).scalar_one()


def _ranked_postgresql(conn: Any, terms: list[str], unit_words: Sequence[UnitWord], ranking: str,
                       kinds: list[str] | None, unit: str | None, year: int | None, page: dict[str, Any],
                       seek: str | bool) -> tuple[list[Any], int, bool]:
    """The ranked rows of the page, the total, and whether the total is estimated (a common word: NEWEST).
    Under a unit filter the words are tested on the unit's entries (`_postgresql_matches`)."""
    where, params = _postgresql_filters(kinds, unit, year)
    tested, words = _postgresql_matches(terms, unit_words, indexed=False)
    params |= words | {"match": ranking, "ranked": RANKED, "newest": NEWEST, "probe": PROBE}
    with _search_plans(conn):
        newest = unit is None and _common(conn, tested, where, params)
        matches = tested if newest or unit is not None else _postgresql_matches(terms, unit_words)[0]
        ranked_sql, count_sql = (_expanding(text(sql), kinds) for sql in _postgresql_sql(where, matches, seek, newest))
        ranked = conn.execute(ranked_sql, params | page).all()
        if ranked or not (page["offset"] or seek):
            return (ranked, *_total(ranked[0])) if ranked else (ranked, 0, False)
        return (ranked, *_total(conn.execute(count_sql, params).one()))


_PG_PROBE = f"SELECT count(*) FROM (SELECT * FROM {ENTRIES} e ORDER BY e.id DESC LIMIT :probe) e WHERE {{}}{{}}"


def _common(conn: Any, tested: str, where: str, params: dict[str, Any]) -> bool:
    """Whether at least COMMON of the newest PROBE entries match (`tested`: the words without their index)."""
    probe = _expanding(text(_PG_PROBE.format(tested, where)), "kinds" in params)
    return conn.execute(probe, params).scalar_one() >= COMMON * PROBE


def _total(row: Any) -> tuple[int, bool]:
    """The total of a row of the ranked page or the count: counted; or, where a common word's NEWEST
    matches were found before every row was read, estimated from their share of the rows read (two
    significant digits: "约 56 000")."""
    if row.examined is None or row.total < NEWEST:
        return row.total, False
    estimate = round(row.total / max(row.examined, 1) * max(row.entries or 0, row.examined))
    return max(row.total, round(estimate, 2 - len(str(estimate)))), True


def _expanding(sql: Any, kinds: object) -> Any:
    """`sql` with the kinds filter's list bound as IN's values (when the query filters by kind)."""
    return sql.bindparams(bindparam("kinds", expanding=True)) if kinds else sql


@contextmanager
def _search_plans(conn: Any) -> Iterator[None]:
    """Keep PostgreSQL on the GIN index even for a word most entries hold (a sequential scan would read
    every tsvector), and its search statements in one process (a parallel count of a common word's
    rows started workers to read 10 000 index entries). Set for this transaction's statements only, and
    put back after them. Outside a transaction (a web GET reads in autocommit: `Database.session`) a
    local setting would end with the statement that set it, so none is sent: the app's connections start
    without parallel workers (`luoshi.store.db`), and the plans are the planner's own."""
    if _autocommit(conn):
        yield
        return
    previous = conn.execute(text("SELECT current_setting('enable_seqscan'), "
                                 "current_setting('max_parallel_workers_per_gather')")).one()
    conn.execute(text("SELECT set_config('enable_seqscan', 'off', true), "
                      "set_config('max_parallel_workers_per_gather', '0', true)"))
    yield
    conn.execute(text("SELECT set_config('enable_seqscan', :seqscan, true), "
                      "set_config('max_parallel_workers_per_gather', :workers, true)"),
                 {"seqscan": previous[0], "workers": previous[1]})


def _autocommit(conn: Any) -> bool:
    connection = conn.connection() if isinstance(conn, Session) else conn
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def with_snippets(bind: Bind, hits: Sequence[Hit], q: str) -> list[Hit]:
    """`hits` read without snippets, with their title and a snippet of their body marked for `q`."""
    with connection(bind) as conn:
        rows = _entries(conn, [h.entry_id for h in hits])
    marks = highlight_terms(q)
    return [_hit(rows[h.entry_id], h.score, marks) if h.entry_id in rows else h for h in hits]


def _entries(conn: Any, ids: list[int], body: bool = True) -> dict[int, Any]:
    if not ids:
        return {}
    columns = "id, kind, ref_id, title, body, unit, year, url" if body else "id, kind, ref_id, title, unit, year, url"
    sql = text(f"SELECT {columns} FROM {ENTRIES} WHERE id IN :ids")
    return {row.id: row for row in conn.execute(sql.bindparams(bindparam("ids", expanding=True)), {"ids": ids})}


def _hit(row: Any, score: float, marks: list[str] | None) -> Hit:
    """The hit of an index row; with no `marks` (no snippets asked for), without its HTML."""
    if marks is None:
        return Hit(kind=row.kind, ref_id=row.ref_id, title=row.title, url=row.url, score=score, snippet_html="",
                   unit=row.unit, year=row.year, entry_id=int(row.id))
    body = row.body if row.body.strip() else row.title
    return Hit(kind=row.kind, ref_id=row.ref_id, title=row.title, url=row.url, score=score,
               snippet_html=highlight(body, marks), title_html=highlight(row.title, marks, width=None),
               unit=row.unit, year=row.year, entry_id=int(row.id))
