"""The databases a benchmark runs on: a throw-away SQLite file, or a PostgreSQL schema of its own.

`each_database("sqlite,postgresql", postgres_url)` yields (backend, url) and removes each one after use.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from luoshi.settings import Settings


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A URL of `base` whose search path is a fresh schema, dropped afterwards."""
    schema = f"luoshi_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def each_database(backends: str, postgres_url: str) -> Iterator[tuple[str, str]]:
    """(backend, url) for each name of the comma-separated `backends`."""
    for backend in backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                yield backend, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        elif backend == "postgresql":
            with postgres_schema(postgres_url) as url:
                yield backend, url
        else:
            raise SystemExit(f"unknown backend {backend!r}: sqlite or postgresql")


def settle(url: str, settings: Settings | None = None) -> None:
    """After rows were inserted without the service: compute the items' warning days for `settings`
    (default: the environment's, as a server started from it uses), then gather the planner's statistics
    (and, on PostgreSQL, vacuum)."""
    from luoshi.settings import get_settings
    from luoshi.store import statistics
    from luoshi.store.db import Database
    from luoshi.store.warnings import ensure_current

    settings = settings or get_settings()
    db = Database(url, migrate=False)
    try:
        with db.session() as session:
            if not ensure_current(session, settings.warning_policy, settings.timezone):
                statistics.refresh(session)  # else ensure_current gathered them
        if db.engine.dialect.name == "postgresql":
            # VACUUM, as autovacuum soon would, so that index-only scans need not visit the table for the
            # rows just written.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM"))
    finally:
        db.dispose()
