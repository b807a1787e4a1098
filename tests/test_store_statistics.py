"""The planner's statistics are gathered after bulk changes, so SQLite reads the ledger through the right
indexes without anyone running ANALYZE by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from luoshi.ingest import ingest_paths
from luoshi.store.orgs import create_organisation
from luoshi.web.app import create_app

SAMPLES = Path(__file__).resolve().parent.parent / "luoshi" / "samples"


def _stats(db) -> set[str]:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
            return set()
        return {r[0] for r in conn.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1"))}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_ingest_gathers_them(make_db, backend, settings):
    db = make_db(backend)
    assert "items" not in _stats(db)
    with db.session() as session:
        report = ingest_paths(session, [SAMPLES], settings=settings)
    assert report.inserted and "items" in _stats(db)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_web_app_gathers_them_when_it_starts(make_db, backend, settings):
    db = make_db(backend)
    with db.session() as session:
        create_organisation(session, name="县住建局")
        session.commit()
    assert "organisations" not in _stats(db)
    create_app(settings, database=db)
    assert "organisations" in _stats(db)


def test_postgres_gathers_its_own_schema_and_waits_for_no_ones_lock(make_db):
    """A bare ANALYZE walks every schema of the database and waits for each table another transaction holds
    (a test suite's schemas side by side, an administrator's ALTER TABLE): the refresh analyses only the
    connection's own schema's tables and skips one that is locked at that moment."""
    import threading

    from luoshi.store import statistics

    db = make_db("postgresql")
    with db.session() as session:
        create_organisation(session, name="县住建局")
        session.commit()
    own = db.engine.connect()
    schema = own.execute(text("SELECT current_schema()")).scalar_one()

    def analyses() -> dict[str, int]:  # the run's schema is shared: earlier tests analysed its tables too
        counts = dict(own.execute(text(
            "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE schemaname = :s"), {"s": schema}).all())
        own.rollback()  # a new transaction reads the statistics afresh
        return counts

    before = analyses()
    other = f"{schema}_other"
    holder = db.engine.connect()
    try:
        holder.execute(text(f'CREATE SCHEMA "{other}"'))
        holder.execute(text(f'CREATE TABLE "{other}".t (x int)'))
        holder.commit()
        holder.execute(text(f'LOCK TABLE "{other}".t IN ACCESS EXCLUSIVE MODE'))  # until rollback
        holder.execute(text("LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE"))  # conflicts with ANALYZE
        done = threading.Event()
        worker = threading.Thread(target=lambda: (statistics.refresh(db.engine), done.set()), daemon=True)
        worker.start()
        assert done.wait(20), "the refresh waited for a lock another transaction holds"
        after = analyses()
        assert after["organisations"] > before["organisations"] and after["items"] > before["items"]
        assert after["users"] == before["users"]  # locked: skipped, left to autovacuum
    finally:
        holder.rollback()
        holder.execute(text(f'DROP SCHEMA "{other}" CASCADE'))
        holder.commit()
        holder.close()
        own.close()
