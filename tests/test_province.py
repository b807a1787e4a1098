"""The synthetic province (`luoshi.samples.province`): a tiny one on each backend holds items in every state,
each with a history its state follows from, intact audit chains, the same rows for the same seed, and an
app whose pages and API work on it."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from luoshi.ledger.states import State
from luoshi.samples.province import PASSWORD, Province, ProvinceSpec, county_units, write_province
from luoshi.store.anchor import verify_chain
from luoshi.store.audit import verify_audit
from luoshi.store.db import recorded_statements
from luoshi.store.models import (Assignment, AuditEntryRow, ItemRow, Organisation, ProgressReport, RatingRow,
                                 ReminderRow)
from luoshi.web.app import create_app
from conftest import BACKENDS, _skip_or_fail, _truncate_pg
from webfixtures import cheap_password_hashes, login

NOW = datetime(2026, 6, 1, 2, tzinfo=UTC)
SPEC = ProvinceSpec(items=1200, counties=3, seed=11, now=NOW, unit_users=2)


@pytest.fixture(scope="module", params=BACKENDS)
def province(request, sqlite_template, pg_migrated_url, tmp_path_factory):
    """One tiny province per backend for the module (its tests only read, but for the pages' sessions)."""
    from luoshi.settings import Settings, get_settings
    from luoshi.store.db import Database

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("province") / "province.sqlite3"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = pg_url(pg_migrated_url)
        _truncate_pg(url)
    with pytest.MonkeyPatch.context() as patch:
        cheap_password_hashes(patch)
        patch.setenv("LUOSHI_DATA_DIR", str(tmp_path_factory.mktemp("data")))  # the chain's checkpoints
        get_settings.cache_clear()
        summary = write_province(url, SPEC, Settings(environment="test", secret_key="test-secret", _env_file=None))
        db = Database(url, migrate=False)
        yield db, summary
        db.dispose()
        get_settings.cache_clear()


def pg_url(url: str | None) -> str:
    if url is None or url.startswith("error:"):
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    return url


def test_every_state_and_every_table_is_filled(province):
    db, summary = province
    with db.session() as s:
        states = dict(s.execute(select(ItemRow.state, func.count()).group_by(ItemRow.state)).all())
        assert set(states) == {state.value for state in State}
        assert sum(states.values()) == 1200
        assert states["in_progress"] > states["done"] > states["assigned"] > states["draft"]
        assert s.scalar(select(func.count()).select_from(Organisation)) == 1 + 3 * 13
        unassigned = s.scalar(select(func.count()).select_from(ItemRow).where(
            ~ItemRow.id.in_(select(Assignment.item_id))))
        assert unassigned == 0
    assert {t for t, n in summary.counts.items() if n} >= {
        "documents", "meetings", "people", "items", "assignments", "extensions", "audit_log", "progress_reports",
        "attachments", "reminders", "ratings", "instructions", "audit_chain", "search_entries"}


def test_each_history_leads_to_its_state(province, settings):
    db, _ = province
    with db.session() as s:
        assert verify_audit(s, key=settings.audit_key_bytes) == []  # chains, copied columns, state = last event
        assert verify_chain(s) == []  # the global chain, every fact covered, the users, the checkpoint
        events = Counter(s.execute(select(AuditEntryRow.type)).scalars())
        reports = Counter(s.execute(select(ProgressReport.kind)).scalars())
        assert reports == {k: events[k] for k in ("report_progress", "apply_completion")}
        assert s.scalar(select(func.count()).select_from(RatingRow)) == events["rate"]
        assert s.scalar(select(func.count()).select_from(ReminderRow)) >= events["remind"]
        rated = set(s.scalars(select(ItemRow.state).where(ItemRow.rating.isnot(None))))
        assert rated == {"done"}
        for state, closed in s.execute(select(ItemRow.state, ItemRow.closed_at.isnot(None)).distinct()):
            assert closed == State(state).closed
        handed_out = set(s.scalars(select(ItemRow.state).where(ItemRow.assigned_at.isnot(None))))
        assert {"draft", "confirmed"}.isdisjoint(handed_out)


def test_a_seed_makes_the_same_province(settings):
    def county(seed: int, c: int) -> dict:
        return Province(ProvinceSpec(items=300, counties=3, seed=seed, now=NOW), settings).county(c).rows

    assert county(5, 1) == county(5, 1)
    assert county(5, 1)["audit_log"] != county(6, 1)["audit_log"]


def test_the_pages_and_the_api_work_on_it(province, settings):
    db, summary = province
    app = create_app(settings, database=db)
    office = TestClient(app)
    assert login(office, "office", PASSWORD).status_code == 303
    with db.session() as s:
        item = s.scalar(select(ItemRow.id).where(ItemRow.state == "in_progress").order_by(ItemRow.id).limit(1))
    for path in ("/ledger?state=in_progress", "/ledger?warning=red", f"/items/{item}", "/dashboard",
                 "/search?q=老旧小区改造", "/documents", "/documents/1", "/api/items?state=done&sort=-due",
                 f"/api/items/{item}", "/api/dashboard", "/api/search?q=河道"):
        assert office.get(path).status_code == 200, path
    listed = office.get("/api/items?per_page=5").json()
    assert listed["total"] == 1200
    unit = TestClient(app)
    assert login(unit, "unit1", PASSWORD).status_code == 303
    mine = unit.get("/api/items?per_page=200").json()
    with db.session() as s:
        unit_id = county_units(0)[1][0]  # unit1's: the first department of the first county
        expected = s.scalar(select(func.count(func.distinct(Assignment.item_id))).join(
            ItemRow, ItemRow.id == Assignment.item_id).where(Assignment.organisation_id == unit_id,
                                                             ItemRow.assigned_at.isnot(None)))
    assert mine["total"] == expected > 0
    assert unit.get("/workspace").status_code == 200


def _walk(client: TestClient, query: str, key: str = "next_cursor") -> list[int]:
    """The ids of every page from the first (`next_cursor`) or back from where `query` starts."""
    ids, url = [], f"/api/items?{query}"
    while url:
        page = client.get(url).json()
        ids += [i["id"] for i in page["items"]] if key == "next_cursor" else [i["id"] for i in page["items"]][::-1]
        url = f"/api/items?{query}&cursor={page[key]}" if page[key] else None
    return ids


@pytest.mark.parametrize("sort", ["due", "-due", "id", "-updated", "state", "title", "-progress"])
def test_cursor_pages_walk_the_whole_ledger_in_order(province, settings, sort):
    db, _ = province
    office = TestClient(create_app(settings, database=db))
    login(office, "office", PASSWORD)
    by_number = [i["id"] for n in range(1, 8)
                 for i in office.get(f"/api/items?sort={sort}&per_page=200&page={n}").json()["items"]]
    assert len(by_number) == 1200
    assert _walk(office, f"sort={sort}&per_page=97") == by_number
    last = office.get(f"/api/items?sort={sort}&per_page=97").json()
    while last["next_cursor"]:
        last = office.get(f"/api/items?sort={sort}&per_page=97&cursor={last['next_cursor']}").json()
    assert last["page"] == last["pages"] == 13
    back = [i["id"] for i in last["items"]][::-1] + _walk(
        office, f"sort={sort}&per_page=97&cursor={last['prev_cursor']}", "prev_cursor")
    assert back == by_number[::-1]


@pytest.mark.parametrize("sort", ["due", "-due", "id", "-id"])
@pytest.mark.parametrize("query", ["warning=red", "warning=green", "state=assigned&state=in_progress&state=done",
                                   "state=assigned&state=completion_requested", "state=in_progress&warning=red"])
def test_a_ledger_of_several_states_reads_each_states_range_in_order(province, settings, sort, query):
    """The office's ledger by colour (three states) or by several states, by due date or id: PostgreSQL merges
    each state's range of the (state, due) or (state, id) index; the pages by number and by cursor hold the
    rows in order."""
    from luoshi.store.items import SORTS, today_in
    from luoshi.store.warnings import CLOCKED, colour_clause

    db, _ = province
    office = TestClient(create_app(settings, database=db))
    login(office, "office", PASSWORD)
    filters = dict(part.split("=") for part in query.split("&") if part.startswith("warning"))
    states = [part.split("=")[1] for part in query.split("&") if part.startswith("state")]
    where = ([colour_clause(filters["warning"], today_in(settings))] if filters else []) + \
        ([ItemRow.state.in_(states)] if states else [])
    with db.session() as s:
        expected = list(s.scalars(select(ItemRow.id).where(*where).order_by(*SORTS[sort])))
    assert len(expected) > 40
    by_number = [i["id"] for n in range(1, 11)
                 for i in office.get(f"/api/items?{query}&sort={sort}&per_page=200&page={n}").json()["items"]]
    assert by_number == expected[:2000]
    assert _walk(office, f"{query}&sort={sort}&per_page=37") == expected
    with recorded_statements(db.engine) as seen:
        assert office.get(f"/api/items?{query}&sort={sort}&per_page=5").json()["total"] == len(expected)
    held = set(states or CLOCKED) & (set(CLOCKED) if filters else set(states))
    merged = [sql for sql, _ in seen if "UNION ALL" in sql]  # one ordered range a state, on PostgreSQL
    if db.engine.dialect.name == "postgresql" and len(held) > 1:
        assert [sql.count("WHERE items.state = ") for sql in merged] == [len(held)]
    else:
        assert merged == []


def test_a_bad_cursor_or_a_deep_page_number_is_refused_in_chinese(province, settings):
    db, _ = province
    office = TestClient(create_app(settings, database=db))
    login(office, "office", PASSWORD)
    cursor = office.get("/api/items?sort=due&per_page=25").json()["next_cursor"]
    for query in (f"cursor={cursor[:-1]}x", "cursor=abc", f"sort=id&cursor={cursor}"):
        response = office.get(f"/api/items?{query}")
        assert (response.status_code, response.json()) == (400, {"detail": "翻页位置（cursor）无效或已过期：请回到第一页重新翻页"})
    deep = office.get("/api/items?page=11")
    assert deep.status_code == 400 and deep.json()["detail"].startswith("页码过大")
    page = office.get(f"/ledger?cursor={cursor}")
    assert page.status_code == 200 and "第 2/48 页" in page.text and 'rel="prev"' in page.text
    assert office.get("/ledger?cursor=abc").status_code == 400


@pytest.mark.parametrize("province", ["sqlite"], indirect=True)
@pytest.mark.parametrize("sort", ["due", "-due"])
def test_on_sqlite_a_ledger_of_one_state_by_due_date_is_read_from_its_index(province, settings, sort):
    """With its statistics (ANALYZE) and a bound state, SQLite read the due-date index from its start, past
    every item of the other states; told the state is selective, it seeks the (state, due) index. And a
    list given at execution is a condition of its own (no `IN (…) = 1`), which it seeks by."""
    db, _ = province
    assert db.engine.dialect.name == "sqlite"
    from luoshi.store.items import list_items
    from luoshi.store.users import actor_for, get_user

    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    with db.session() as s:
        office = actor_for(get_user(s, username="office"))
        with recorded_statements(db.engine) as seen:
            list_items(s, actor=office, state="in_progress", sort=sort, per_page=25, settings=settings)
        plans = {table: [row[3] for row in s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, parameters).fetchall()]
            for sql, parameters in seen for table in ("items", "assignments") if f"FROM {table} " in sql}
    assert any("ix_items_state_due" in step for step in plans["items"]), plans["items"]
    assert not any(step.startswith("SCAN") for step in plans["items"] + plans["assignments"]), plans
