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
