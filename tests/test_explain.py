"""The plans of the lists' queries on PostgreSQL at a size where the planner must choose: a province of
30 000 items (COPY, `luoshi.samples.province`) with 5 000 more documents and 6 000 targets and suggestions,
every statement a list function really sends captured (`recorded_statements`) and EXPLAINed; none may read
items, assignments or the audit log by a sequential scan, nor documents, targets or suggestions but to count a
list's rows (once, for its first page: a cursor carries the total on).

PostgreSQL only; skipped without a server, failed in CI (LUOSHI_TEST_REQUIRE_ALL=1).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import _skip_or_fail, new_pg_schema, postgres_base_url
from luoshi.samples.province import ProvinceSpec, county_units, write_province
from luoshi.settings import Settings
from sqlalchemy import text

from luoshi.store import documents as store_documents
from luoshi.store import items as store
from luoshi.store import suggestions as store_suggestions
from luoshi.store import targets as store_targets
from luoshi.store import users
from luoshi.store.db import Database, make_engine, recorded_statements, upgrade
from luoshi.web import queries

WATCHED = {"items", "assignments", "audit_log"}
LISTED = {"documents", "targets", "suggestions"}  # watched but in the count of a list's rows
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
    with db.engine.begin() as conn:
        for sql in LISTS_SQL:
            conn.execute(text(sql))
    yield db, settings
    db.dispose()


# The province has a few hundred documents and no targets or suggestions: enough of each that the planner
# would rather read an index than the table (arrays of the province's documents and organisations).
LISTS_SQL = [
    """INSERT INTO documents (name, path, sha256, version, doc_type, title, record, text, ingested_at, ingested_by)
       SELECT 'extra-' || g || '.txt', 'extra/' || g, md5('extra' || g), 1,
              (ARRAY['meeting_minutes', 'work_report', 'congress_review'])[1 + g % 3], '文件' || g, '{}', '',
              now() - g * interval '1 hour', 'explain' FROM generate_series(1, 5000) g""",
    """INSERT INTO targets (kind, year, indicator, value, unit, text, document_id, source_path, fingerprint, version,
                           created_at, updated_at)
       SELECT CASE WHEN g % 3 = 0 THEN 'target' ELSE 'commitment' END, 2016 + g % 10, '指标' || g, '10', '个',
              '完成指标' || g, d.ids[1 + g % array_length(d.ids, 1)], 'targets[' || g || ']', md5('t' || g), 1, now(),
              now()
       FROM generate_series(1, 6000) g, (SELECT array_agg(id ORDER BY id) AS ids FROM documents) d""",
    """INSERT INTO target_units (target_id, organisation_id, role, position)
       SELECT t.id, o.ids[1 + t.id % array_length(o.ids, 1)], 'lead', 0
       FROM targets t, (SELECT array_agg(id ORDER BY id) AS ids FROM organisations) o""",
    """INSERT INTO suggestions (no, title, category, deputies, text, procedure, state, lead_unit_id, due, reminders,
                               version, created_at, updated_at)
       SELECT g, '建议' || g, '民生', '[]', '', 'suggestion', CASE WHEN g % 5 = 0 THEN 'registered' ELSE 'assigned' END,
              CASE WHEN g % 5 = 0 THEN NULL ELSE o.ids[1 + g % array_length(o.ids, 1)] END,
              CASE WHEN g % 5 = 0 THEN NULL ELSE current_date + (g % 400 - 200) END, 0, 1, now(), now()
       FROM generate_series(1, 6000) g, (SELECT array_agg(id ORDER BY id) AS ids FROM organisations) o""",
    """INSERT INTO suggestion_rounds (suggestion_id, no, assigned_at, due, opinions)
       SELECT id, 1, now(), due, '[]' FROM suggestions WHERE due IS NOT NULL""",
    "ANALYZE documents", "ANALYZE targets", "ANALYZE target_units", "ANALYZE suggestions", "ANALYZE suggestion_rounds",
]


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
            counted = " ".join(sql.split()).upper().startswith("SELECT COUNT(")
            scanned = (WATCHED if counted else WATCHED | LISTED).intersection(sequential_scans(plan))
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


def other_lists(session, office, unit, settings) -> dict[str, Callable[[], object]]:
    """The documents, targets and suggestions lists the pages and the API ask for: first pages, and the pages
    after and before a cursor."""
    lists = {"documents": store_documents.list_documents, "targets": store_targets.list_targets,
             "suggestions": store_suggestions.list_suggestions}

    def page(name, actor=None, **filters):
        who = {} if name == "documents" else {"actor": actor}
        return lambda: lists[name](session, per_page=25, settings=settings, **who, **filters)

    def cursor(name, actor=None, key="next_cursor", **filters):  # the page after the second, or the one before it
        who = {} if name == "documents" else {"actor": actor}
        at: list[str] = []

        def call():  # only the page at the cursor is watched: the pages before it are the other calls'
            if not at:
                first = lists[name](session, per_page=25, settings=settings, **who, **filters)
                second = lists[name](session, per_page=25, settings=settings, **who, **filters,
                                     cursor=first.next_cursor)
                at.append(getattr(second, key))
            return lists[name](session, per_page=25, settings=settings, **who, **filters, cursor=at[0])
        return call

    return {"documents": page("documents"), "work reports": page("documents", doc_type="work_report"),
            "latest documents": page("documents", latest_only=True),
            "documents page 3": cursor("documents"), "documents page 1 by cursor": cursor("documents", key="prev_cursor"),
            "targets": page("targets", office), "targets of a year": page("targets", office, year=2020),
            "commitments": page("targets", office, kind="commitment"), "a unit user's targets": page("targets", unit),
            "targets page 3": cursor("targets", office), "targets of a year page 3": cursor("targets", office, year=2020),
            "targets page 1 by cursor": cursor("targets", office, key="prev_cursor"),
            "a unit user's targets page 3": cursor("targets", unit),
            "suggestions": page("suggestions", office), "assigned suggestions": page("suggestions", office,
                                                                                     state="assigned"),
            "a unit user's suggestions": page("suggestions", unit), "suggestions page 3": cursor("suggestions", office),
            "suggestions page 1 by cursor": cursor("suggestions", office, key="prev_cursor"),
            "assigned suggestions page 3": cursor("suggestions", office, state="assigned"),
            "red suggestions page 3": cursor("suggestions", office, warning="red")}


def test_no_list_reads_its_table_by_a_sequential_scan(province):
    db, settings = province
    with db.session() as s:
        office = users.actor_for(users.get_user(s, username="office"))
        unit = users.actor_for(users.get_user(s, username="unit1"))
        found = {name: bad for name, call in other_lists(s, office, unit, settings).items()
                 if (bad := plans_scanning(db, call))}
    assert found == {}


def test_no_ledger_list_reads_the_items_by_a_sequential_scan(province):
    db, settings = province
    with db.session() as s:
        office = users.actor_for(users.get_user(s, username="office"))
        unit = users.actor_for(users.get_user(s, username="unit1"))
        item = store.list_items(s, actor=unit, per_page=1, settings=settings).rows[0].id
        today = store.today_in(settings)
        calls = ledgers(s, office, unit, settings) | {
            "a unit's workspace": lambda: queries.workspace(s, actor=unit, unit=unit.unit, settings=settings,
                                                            today=today),
            "an item": lambda: store.get_item(s, item_id=item, actor=unit, settings=settings),
            "an item's history": lambda: queries.history(s, item_id=item, actor=unit, zone=settings.zone)}
        found = {name: bad for name, call in calls.items() if (bad := plans_scanning(db, call))}
    assert found == {}


def items_scans(plan: dict) -> list[tuple[str, str, str]]:
    """(node type, index, index condition) of each node of `plan` that reads the items."""
    found = ([(plan["Node Type"], plan.get("Index Name", ""), plan.get("Index Cond", ""))]
             if plan.get("Relation Name") == "items" else [])
    return found + [s for child in plan.get("Plans", []) for s in items_scans(child)]


def page_plan(db: Database, session, marker: str, analyze: bool = False, **ledger) -> dict:
    """The plan (EXPLAIN, with `analyze` run) of the statement holding `marker` that `list_items(**ledger)`
    sends, on its second call."""
    store.list_items(session, **ledger)
    with recorded_statements(db.engine) as seen:
        store.list_items(session, **ledger)
    [(sql, parameters)] = [(q, p) for q, p in seen if marker in q]
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    [[plan]] = session.connection().exec_driver_sql(f"EXPLAIN ({options}) " + sql, parameters).fetchone()
    return plan["Plan"]


@pytest.mark.parametrize("sort", ["id", "-id"])
def test_a_ledger_of_one_state_and_colour_in_id_order_reads_that_states_range(province, sort):
    """A page of one state and colour, newest or oldest first, is sought in the (state, id) index with the
    colour checked in the index: read along the primary key, a state with few (or no) items of that colour
    read the whole table for one page (the EXPLAIN of the other tests sees no sequential scan there)."""
    db, settings = province
    with db.session() as s:
        office = users.actor_for(users.get_user(s, username="office"))
        scans = {}
        for state in ("assigned", "completion_requested"):
            for colour in ("red", "yellow", "green"):
                plan = page_plan(db, s, "ORDER BY items.id", actor=office, state=state, warning=colour, sort=sort,
                                 per_page=25, settings=settings)
                scans[state, colour] = items_scans(plan)
    assert {key: [(node, index) for node, index, _ in found] for key, found in scans.items()} == {
        key: [("Index Scan", "ix_items_state_id")] for key in scans}
    assert all("state" in cond and "red_on" in cond for found in scans.values() for _, _, cond in found)


def sorts(plan: dict) -> list[str]:
    found = [plan["Node Type"]] if "Sort" in plan["Node Type"] else []
    return found + [s for child in plan.get("Plans", []) for s in sorts(child)]


@pytest.mark.parametrize("sort", ["due", "-due"])
def test_a_ledger_of_one_state_and_colour_by_due_date_reads_only_its_page(province, sort):
    """A page of one state and colour by due date (then id) reads the (state, due, id) index in the page's
    order and stops at the page: without the id in the index, every item of the page's last due date was read
    and sorted (a province's items share their due dates by thousands). Red items are due before today, yellow
    and green ones today or later (or have no due date: a range of their own), which the index seeks."""
    db, settings = province
    index = {"due": "ix_items_state_due_id", "-due": "ix_items_state_due_id_desc"}[sort]
    with db.session() as s:
        office = users.actor_for(users.get_user(s, username="office"))
        found = {}
        for state in ("in_progress", "assigned"):
            for colour in ("red", "yellow", "green"):
                plan = page_plan(db, s, "ORDER BY items.due", analyze=True, actor=office, state=state,
                                 warning=colour, sort=sort, page=2, per_page=25, settings=settings)
                found[state, colour] = (items_scans(plan), sorts(plan), _rows_read(plan))
    sought = {key for key in found if key[1] != "red" and sort == "due"}  # the due date sought in two ranges
    assert {key: [(node, name) for node, name, _ in scan] for key, (scan, _, _) in found.items()} == {
        key: [("Index Scan", index)] * (2 if key in sought else 1) for key in found}
    assert all("due <" in scan[0][2] for (_, colour), (scan, _, _) in found.items() if colour == "red"), found
    assert all("due >=" in found[key][0][0][2] and "due IS NULL" in found[key][0][1][2] for key in sought), found
    assert {key: sorted_ for key, (_, sorted_, _) in found.items()} == {key: [] for key in found}
    assert all(read <= 100 for _, _, read in found.values()), found  # page 2 of 25: the 50 rows up to its end


def _rows_read(plan: dict) -> int:
    """The rows the plan's scans of the items handed on."""
    own = plan.get("Actual Rows", 0) if plan.get("Relation Name") == "items" else 0
    return own + sum(_rows_read(child) for child in plan.get("Plans", []))
