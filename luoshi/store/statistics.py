"""The query planner's statistics. PostgreSQL's autovacuum keeps them; SQLite has none until ANALYZE runs,
and without them it reads the ledger's colour and unit filters through the wrong index (a page of 100 000
items: 9 ms instead of 3.5). So they are gathered after bulk changes: an ingest, the warning days
recomputed, and when the web app starts on a SQLite database that has none (ANALYZE of 100 000 items
takes under a tenth of a second).

On PostgreSQL a bare ANALYZE would walk every schema of the database and wait for any table another
transaction holds: only the tables of the connection's own schema are analysed, and a table locked by
someone else at that moment is skipped (autovacuum gathers it later).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.orm import Session


def refresh(bind: Engine | Session) -> None:
    """Gather the planner's statistics of every table (committed on its own connection for an engine,
    in the session's transaction, then committed, for a session)."""
    if isinstance(bind, Session):
        _analyze(bind.connection())
        bind.commit()
        return
    with bind.begin() as conn:
        _analyze(conn)


def _analyze(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        conn.execute(text("ANALYZE"))
        return
    names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                              "ORDER BY tablename")).scalars().all()
    if names:
        quote = conn.dialect.identifier_preparer.quote_identifier
        conn.execute(text(f"ANALYZE (SKIP_LOCKED) {', '.join(quote(n) for n in names)}"))


def ensure(engine: Engine) -> None:
    """Gather them if the database has none yet: a SQLite file filled without an ingest (PostgreSQL's
    autovacuum gathers its own)."""
    if engine.dialect.name == "sqlite" and not inspect(engine).has_table("sqlite_stat1"):
        refresh(engine)
