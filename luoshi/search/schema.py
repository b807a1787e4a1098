"""The search index's tables on SQLite (an FTS5 table beside the entries) and PostgreSQL (a weighted
`tsvector` column with a GIN index); created by `create_schema(engine)` or by a migration via `statements`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

ENTRIES = "search_entries"
FTS = "search_fts"

# Title tokens and body tokens are two FTS5 columns (bm25 weighs them apart); '.' is a token character
# so that `pm2.5` and `5.2` stay whole, exactly as luoshi.search.tokens cut them. `tags` holds the
# filters as tokens (kind, unit, year) so a filtered query is one FTS5 lookup, never a join over matches.
_SQLITE = [
    f"""CREATE TABLE IF NOT EXISTS {ENTRIES} (
    id INTEGER PRIMARY KEY,
    kind VARCHAR(16) NOT NULL,
    ref_id VARCHAR(64) NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    unit VARCHAR(200),
    year INTEGER,
    url VARCHAR(1000) NOT NULL,
    CONSTRAINT uq_{ENTRIES}_kind_ref_id UNIQUE (kind, ref_id)
)""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
    title, body, tags, tokenize = "unicode61 remove_diacritics 0 tokenchars '.'"
)""",
]

# `document` is setweight(title, 'A') || setweight(body, 'D') over the same pre-cut tokens ('simple'
# only lower-cases); it is written by luoshi.search.index, not by a trigger, so both backends agree.
# `title_document` (small, stored inline) tells title matches apart without reading `document`;
# `units` is the lead unit and the co-operating ones, which the unit filter all finds.
_POSTGRESQL = [
    f"""CREATE TABLE IF NOT EXISTS {ENTRIES} (
    id BIGSERIAL PRIMARY KEY,
    kind VARCHAR(16) NOT NULL,
    ref_id VARCHAR(64) NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    unit VARCHAR(200),
    year INTEGER,
    url VARCHAR(1000) NOT NULL,
    units TEXT[] NOT NULL,
    document TSVECTOR NOT NULL,
    title_document TSVECTOR NOT NULL,
    CONSTRAINT uq_{ENTRIES}_kind_ref_id UNIQUE (kind, ref_id)
)""",
    f"CREATE INDEX IF NOT EXISTS ix_{ENTRIES}_units ON {ENTRIES} USING gin (units)",
    f"CREATE INDEX IF NOT EXISTS ix_{ENTRIES}_year ON {ENTRIES} (year)",
    f"CREATE INDEX IF NOT EXISTS ix_{ENTRIES}_document ON {ENTRIES} USING gin (document)",
]

_DROP = {
    "sqlite": [f"DROP TABLE IF EXISTS {FTS}", f"DROP TABLE IF EXISTS {ENTRIES}"],
    "postgresql": [f"DROP TABLE IF EXISTS {ENTRIES}"],
}


def is_search_table(name: str) -> bool:
    """A table of the search index, FTS5's own shadow tables included: what Alembic's autogenerate
    and a schema-versus-models comparison should leave alone (`include_name`)."""
    return name in (ENTRIES, FTS) or name.startswith(f"{FTS}_")


def statements(dialect: str) -> list[str]:
    """The DDL of the index for `dialect` ("sqlite" or "postgresql"), idempotent (IF NOT EXISTS).

    A migration runs them with `for sql in statements(op.get_bind().dialect.name): op.execute(sql)`.
    """
    if dialect == "sqlite":
        return list(_SQLITE)
    if dialect == "postgresql":
        return list(_POSTGRESQL)
    from luoshi.errors import SearchError

    raise SearchError(f"search runs on sqlite or postgresql, not {dialect}")


def drop_statements(dialect: str) -> list[str]:
    """The DDL that removes the index (a migration's downgrade)."""
    statements(dialect)  # refuses an unknown dialect
    return list(_DROP[dialect])


def create_schema(bind: Engine | Connection) -> None:
    """Create the index's tables if they are missing; safe to call on every start."""
    _run(bind, statements(bind.dialect.name))


def drop_schema(bind: Engine | Connection) -> None:
    """Drop the index's tables (the entries can be fed again from the store)."""
    _run(bind, drop_statements(bind.dialect.name))


def _run(bind: Engine | Connection, sqls: list[str]) -> None:
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            _run(conn, sqls)
        return
    for sql in sqls:
        bind.exec_driver_sql(sql)
