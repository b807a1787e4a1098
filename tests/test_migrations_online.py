"""Migrations after 0013 run on a big PostgreSQL ledger while the app serves: none rewrites a table or holds
it under an exclusive lock for a scan (`luoshi.store.online_ddl`; the rule is in docs/operations.md)."""

from __future__ import annotations

from sqlalchemy import text

from luoshi.store.db import make_engine, upgrade
from luoshi.store.online_ddl import Problem, Recorder, rewritten, statement_problems, storage_of
from processes import pg_empty_schema_or_skip

LAST_BEFORE_THE_RULE = "0013"


def test_the_rules_name_each_locking_statement():
    statements = [
        "ALTER TABLE items ADD COLUMN region VARCHAR(20)",
        "ALTER TABLE items ADD COLUMN score INTEGER DEFAULT 0 NOT NULL",
        "ALTER TABLE items ADD COLUMN stamped TIMESTAMP DEFAULT now()",
        "ALTER TABLE items ALTER COLUMN title TYPE TEXT",
        "ALTER TABLE assignments ALTER COLUMN due SET NOT NULL",
        "ALTER TABLE items ADD CONSTRAINT ck_progress CHECK (progress <= 100)",
        "ALTER TABLE items ADD CONSTRAINT ck_progress CHECK (progress <= 100) NOT VALID",
        "ALTER TABLE new_table ALTER COLUMN x TYPE TEXT",  # made by the same migration: empty
        "CREATE INDEX ix_items_region ON items (region)",
    ]
    found = [(p.table, p.rule.split(" (")[0], p.statement) for p in statement_problems(statements, ["items", "assignments"])]
    assert found == [
        ("items", "adds a column with a volatile default", statements[2]),
        ("items", "changes a column's type", statements[3]),
        ("assignments", "sets NOT NULL", statements[4]),
        ("items", "adds a CHECK constraint validated at once", statements[5]),
    ]


def test_no_migration_after_0013_rewrites_or_locks_a_table_on_postgresql():
    url = pg_empty_schema_or_skip()
    engine = make_engine(url)
    upgrade(engine, LAST_BEFORE_THE_RULE)
    with engine.connect() as conn:
        before = storage_of(conn)
    with Recorder(engine) as statements:
        upgrade(engine)
    with engine.connect() as conn:
        after = storage_of(conn)
    engine.dispose()
    assert any("alembic_version" in s for s in statements)  # the migrations' SQL was seen
    problems = statement_problems(statements, before) + rewritten(before, after)
    assert [str(p) for p in problems] == []


def test_a_rewrite_is_seen_in_the_storage_of_the_table():
    engine = make_engine(pg_empty_schema_or_skip())
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE ledger (id INTEGER PRIMARY KEY, title VARCHAR(10))"))
        before = storage_of(conn)
        conn.execute(text("ALTER TABLE ledger ADD COLUMN note VARCHAR(10)"))
        assert rewritten(before, storage_of(conn)) == []
        conn.execute(text("ALTER TABLE ledger ALTER COLUMN id TYPE BIGINT"))
        assert rewritten(before, storage_of(conn)) == [Problem("ledger", "was rewritten (its storage changed)", "")]
    engine.dispose()


def test_an_index_built_concurrently_again_after_a_build_that_failed():
    """Migration 0024 builds its index on items CONCURRENTLY, outside the migrations' transaction; a build
    that failed half-way leaves an invalid index, which the next upgrade drops and builds again."""
    url = pg_empty_schema_or_skip()
    engine = make_engine(url)
    upgrade(engine, "0023")
    with engine.begin() as conn:  # what a build stopped half-way leaves: an index marked invalid
        conn.execute(text("CREATE INDEX ix_items_state_id ON items (state)"))
        conn.execute(text("UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass('ix_items_state_id')"))
    with Recorder(engine) as statements:
        upgrade(engine)
    with engine.connect() as conn:
        valid, columns = conn.execute(text(
            "SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indexrelid = to_regclass('ix_items_state_id')")).one()
    engine.dispose()
    assert valid and "(state, id, red_on, yellow_on)" in columns
    assert any("CREATE INDEX CONCURRENTLY" in s for s in statements)
    assert any("DROP INDEX CONCURRENTLY" in s for s in statements)
