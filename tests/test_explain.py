"""The plans of the ledger's queries on PostgreSQL at a size where the planner must choose: a province of
30 000 items (COPY, `luoshi.samples.province`), every statement a list function really sends captured
(`recorded_statements`) and EXPLAINed; none may read items, assignments or the audit log by a sequential scan.

PostgreSQL only; skipped without a server, failed in CI (LUOSHI_TEST_REQUIRE_ALL=1).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from conftest import _skip_or_fail, new_pg_schema, postgres_base_url
from luoshi.samples.province import ProvinceSpec, county_units, write_province
from luoshi.settings import Settings
from luoshi.store import items as store
from luoshi.store import users
from luoshi.store.db import Database, make_engine, recorded_statements, upgrade
from luoshi.web import queries

WATCHED = {"items", "assignments", "audit_log"}
SORTS = ["due", "-due", "id", "-id", "updated", "-updated", "state", "progress", "-progress"]


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    base = postgres_base_url()
    if base is None:
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    url = new_pg_schema(base)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(environment="test", secret_key="test-secret", data_dir=str(tmp_path_factory.mktemp("data")),
                        _env_file=None)
    write_province(url, ProvinceSpec(items=30_000, counties=10, seed=3, unit_users=1), settings, jobs=2)
    db = Database(url, migrate=False)
    yield db, settings
    db.dispose()


def sequential_scans(plan: dict) -> list[str]:
    found = [plan["Relation Name"]] if plan.get("Node Type") == "Seq Scan" else []
    return found + [t for child in plan.get("Plans", []) for t in sequential_scans(child)]


def plans_scanning(db: Database, call: Callable[[], object]) -> list[str]:
    """The statements `call` sends whose plan reads a watched table by a sequential scan."""
    call()  # warm: what runs once per process (warning rules, statistics) is not the list's
    with recorded_statements(db.engine) as seen:
        call()
    bad = []
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for sql, parameters in seen:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, parameters)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            scanned = WATCHED.intersection(sequential_scans(plan))
            if scanned:
                bad.append(f"{sorted(scanned)}: {' '.join(sql.split())[:200]}")
        raw.rollback()
    finally:
        raw.close()
    return bad


def ledgers(session, office, unit, settings) -> dict[str, Callable[[], object]]:
    """Every kind of ledger list the pages and the API ask for."""
    def page(actor, **filters):
        return lambda: store.list_items(session, actor=actor, per_page=25, settings=settings, **filters)

    def second(actor, **filters):  # the page after the first, by its cursor
        return lambda: store.list_items(session, actor=actor, per_page=25, settings=settings, **filters,
                                        cursor=store.list_items(session, actor=actor, per_page=25, settings=settings,
                                                                **filters).next_cursor)

    calls = {f"all by {s}": page(office, sort=s) for s in SORTS}
    calls |= {f"in progress by {s}": page(office, state="in_progress", sort=s) for s in ("due", "-due")}
    calls |= {f"{c} by due": page(office, state=["assigned", "in_progress"], warning=c) for c in ("red", "yellow")}
    calls |= {"a unit's": page(office, unit=county_units(0)[1][0], state="in_progress"),
              "a document's": page(office, document=3), "a unit user's": page(unit),
              "a unit user's red": page(unit, state="in_progress", warning="red"),
              "page 2 by due": second(office, state="in_progress"), "page 2 by -due": second(office, sort="-due"),
              "page 2 by -updated": second(office, sort="-updated"), "a unit user's page 2": second(unit)}
    return calls


def test_no_ledger_list_reads_the_items_by_a_sequential_scan(province):
    db, settings = province
    with db.session() as s:
        office = users.actor_for(users.get_user(s, username="office"))
        unit = users.actor_for(users.get_user(s, username="unit1"))
        item = store.list_items(s, actor=unit, per_page=1, settings=settings).rows[0].id
        today = datetime.now(UTC).date()
        calls = ledgers(s, office, unit, settings) | {
            "a unit's workspace": lambda: queries.workspace(s, actor=unit, unit=unit.unit, settings=settings,
                                                            today=today),
            "an item": lambda: store.get_item(s, item_id=item, actor=unit, settings=settings),
            "an item's history": lambda: queries.history(s, item_id=item, actor=unit, zone=settings.zone)}
        found = {name: bad for name, call in calls.items() if (bad := plans_scanning(db, call))}
    assert found == {}
