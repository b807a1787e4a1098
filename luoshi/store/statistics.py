"""The query planner's statistics. PostgreSQL's autovacuum keeps them; SQLite has none until ANALYZE runs,
and without them it reads the ledger's colour and unit filters through the wrong index (a page of 100 000
items: 9 ms instead of 3.5). So they are gathered after bulk changes: an ingest, the warning days
recomputed, and when the web app starts on a SQLite database that has none (ANALYZE of 100 000 items
takes under a tenth of a second).
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session


def refresh(bind: Engine | Session) -> None:
    """Gather the planner's statistics of every table (committed on its own connection for an engine,
    in the session's transaction, then committed, for a session)."""
    if isinstance(bind, Session):
        bind.execute(text("ANALYZE"))
        bind.commit()
        return
    with bind.begin() as conn:
        conn.execute(text("ANALYZE"))


def ensure(engine: Engine) -> None:
    """Gather them if the database has none yet: a SQLite file filled without an ingest (PostgreSQL's
    autovacuum gathers its own)."""
    if engine.dialect.name == "sqlite" and not inspect(engine).has_table("sqlite_stat1"):
        refresh(engine)
