"""Bulk loads on PostgreSQL (`luoshi.store.bulk`): rows as COPY text read back as psycopg writes them, and a load
that leaves every index, constraint and trigger as it found them, the kept counts right, or nothing at all."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import psycopg
import pytest
from sqlalchemy import ARRAY, JSON, Boolean, Column, Date, Integer, MetaData, Table, Text, create_engine, text
from sqlalchemy.engine import make_url

from luoshi.samples.province import ORDER, TABLES, Province, ProvinceSpec, organisation_rows, write_province
from luoshi.store import aggregates
from luoshi.store.bulk import bulk_load, copy_rows, copy_statement
from luoshi.store.types import UTCDateTime
from conftest import _skip_or_fail, _truncate_pg

NOW = datetime(2026, 6, 1, 2, tzinfo=UTC)
ODD = Table("odd", MetaData(), Column("id", Integer), Column("s", Text), Column("b", Boolean), Column("d", Date),
            Column("ts", UTCDateTime()), Column("j", JSON), Column("a", ARRAY(Text)))
ROWS = [
    dict(id=1, s="plain 中文", b=True, d=date(2026, 1, 2), ts=datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
         j={"k": ["é", None, 1]}, a=["x", "y z"]),
    dict(id=2, s=None, b=False, d=None, ts=None, j=None, a=None),
    dict(id=3, s='tab\there\nnew\\back\rcr "q" \\N', b=True, d=date(2026, 1, 2),
         ts=datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=8))), j={"q": 'a"b\\c\n'},
         a=['q"uote', "back\\slash", "new\nline", "", "NULL"]),
]


@pytest.fixture
def pg(pg_migrated_url):
    if pg_migrated_url is None or pg_migrated_url.startswith("error:"):
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    _truncate_pg(pg_migrated_url)
    return pg_migrated_url


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))


@pytest.mark.parametrize("rows", [ROWS[:2], ROWS], ids=["plain", "escaped"])
def test_copy_text_reads_back_as_psycopg_writes_rows(pg, rows):
    with connect(pg) as conn:
        conn.execute("CREATE TEMP TABLE odd (id int, s text, b bool, d date, ts timestamptz, j json, a text[])")
        conn.execute("CREATE TEMP TABLE theirs (LIKE odd)")
        columns, payload = copy_rows(ODD, rows)
        with conn.cursor().copy(copy_statement("odd", columns)) as copy:
            copy.write(payload)
        with conn.cursor().copy(f"COPY theirs ({', '.join(columns)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([json.dumps(r[c], ensure_ascii=False) if c == "j" and r[c] is not None else r[c]
                                for c in columns])
        read = "SELECT id, s, b, d, ts, j::text, a FROM {} ORDER BY id"
        assert conn.execute(read.format("odd")).fetchall() == conn.execute(read.format("theirs")).fetchall()


def schema_of(url: str) -> dict[str, list]:
    """Every index, constraint and trigger of the schema, with its definition and state."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {
            "indexes": conn.execute(text("SELECT tablename, indexname, indexdef FROM pg_indexes "
                                         "WHERE schemaname = current_schema() ORDER BY 1, 2")).all(),
            "constraints": conn.execute(text(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), convalidated "
                "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2")).all(),
            "triggers": conn.execute(text(
                "SELECT tgrelid::regclass::text, tgname, tgenabled, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = current_schema()::regnamespace "
                "AND NOT tgisinternal ORDER BY 1, 2")).all(),
            "counts": conn.execute(text("SELECT key, sum(n) FROM dashboard_counts WHERE scope = 0 AND kind = 'state' "
                                        "GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1")).all(),
            "recount": conn.execute(text("SELECT state, count(*) FROM items GROUP BY 1 ORDER BY 1")).all(),
        }
    engine.dispose()
    return found


@pytest.fixture
def own_data_dir(monkeypatch, tmp_path):
    """The chain's checkpoints in the test's own folder; the cached settings dropped before and after, so no
    later test writes its checkpoints here while the command line reads them elsewhere."""
    from luoshi.settings import get_settings

    monkeypatch.setenv("LUOSHI_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_a_province_load_leaves_the_schema_as_it_was_and_the_counts_right(pg, settings, own_data_dir):
    before = schema_of(pg)
    triggers = {name for _, name, _, _ in before["triggers"]}
    assert len(before["indexes"]) > 100 and before["recount"] == []
    assert {"dashboard_items_insert", "dashboard_pending_apply"} < triggers  # the counts' and their commit's
    write_province(pg, ProvinceSpec(items=600, counties=3, seed=3, now=NOW, unit_users=1), settings, jobs=2)
    after = schema_of(pg)
    assert {k: after[k] for k in ("indexes", "constraints", "triggers")} == {
        k: before[k] for k in ("indexes", "constraints", "triggers")}
    assert after["counts"] == after["recount"]
    assert sum(n for _, n in after["recount"]) == 600
    engine = create_engine(pg)
    with engine.connect() as conn:
        dashboard = aggregates.kept(conn)  # the dashboard's counts, made once at the load's end, are right
        assert dashboard and dashboard == aggregates.recount(conn)
    with engine.connect() as conn:  # every id sequence goes on past the rows loaded
        for table in ORDER:
            assert conn.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) = "
                                     f"(SELECT max(id) + 1 FROM {table})")).scalar(), table
    engine.dispose()


def test_a_failed_load_leaves_nothing(pg):
    before = schema_of(pg)
    with connect(pg) as conn, pytest.raises(RuntimeError):
        with bulk_load(conn, ("organisations", "items")) as load:
            assert load.freeze  # the tables were empty
            columns, payload = copy_rows(TABLES["organisations"], organisation_rows(ProvinceSpec(1, 2, now=NOW)))
            with load.cursor.copy(copy_statement("organisations", columns, load.freeze)) as copy:
                copy.write(payload)
            raise RuntimeError("the load fails half way")
    assert schema_of(pg) == before
    with connect(pg) as conn:
        assert conn.execute("SELECT count(*) FROM organisations").fetchone() == (0,)


def test_a_seed_makes_the_same_copy_text(settings):
    def county(seed: int, c: int):
        return Province(ProvinceSpec(items=300, counties=3, seed=seed, now=NOW), settings).county_copy(c)

    same = county(5, 2)
    assert same == county(5, 2)
    assert same.payloads["audit_log"] != county(6, 2).payloads["audit_log"]
    assert len(same.facts) == sum(same.counts[t] for t in ("items", "audit_log", "progress_reports", "attachments",
                                                           "ratings", "instructions"))
