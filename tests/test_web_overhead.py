"""What every request costs beside its own work: finding the user of a token or a session cookie is one
statement, and a refused token (unknown, revoked, expired, or of an inactive user) is refused by it."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event
from starlette.routing import Match

from luoshi.store import users as store_users
from luoshi.web import app as app_module
from webfixtures import web, web_sqlite  # noqa: F401

REFUSED = {"detail": "令牌无效、已撤销或已过期：请重新获取（POST /api/token）"}


@contextmanager
def statements(engine):
    """The SQL statements run on `engine` inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def me(client: TestClient, engine) -> tuple[int, object, int]:
    with statements(engine) as seen:
        response = client.get("/api/me")
    return response.status_code, response.json(), len(seen)


def test_a_token_is_checked_with_one_statement(web):
    client = web.api("unit_a")
    first = me(client, web.db.engine)  # the first use is recorded (then at most every 5 minutes)
    status, body, queries = me(client, web.db.engine)
    assert (first[2], status, body["username"], body["unit_name"], queries) == (2, 200, "unit_a", "市商务局", 1)


def test_a_session_cookie_is_checked_with_one_statement(web):
    status, body, queries = me(web.browser("office"), web.db.engine)
    assert (status, body["username"], body["unit"], queries) == (200, "office", None, 1)


def test_revoked_expired_unknown_and_inactive_tokens_are_401_in_one_statement(web):
    with web.db.session() as s:
        user_id = web.users["leader"].id
        revoked = store_users.create_token(s, user_id=user_id)
        store_users.revoke_token(s, token=revoked)
        expired = store_users.create_token(s, user_id=user_id, ttl=timedelta(seconds=-1))
        inactive = store_users.create_token(s, user_id=web.users["congress"].id)
        store_users.update_user(s, user_id=web.users["congress"].id, active=False)
    answers = []
    for token in (revoked, expired, "ls_no-such-token", inactive):
        client = TestClient(web.app, headers={"Authorization": f"Bearer {token}"})
        status, body, queries = me(client, web.db.engine)
        answers.append((status, body, queries))
    assert answers == [(401, REFUSED, 1)] * 4


def test_an_inactive_users_session_is_sent_to_the_login_page(web):
    client = web.browser("unit_b")
    with web.db.session() as s:
        store_users.update_user(s, user_id=web.users["unit_b"].id, active=False)
    response = client.get("/ledger", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=/ledger")


def test_templates_reload_in_development_only(settings):
    from luoshi.web import render

    reloads = []
    for environment in ("development", "test", "production"):
        render.configure(environment)
        reloads.append(render.TEMPLATES.env.auto_reload)
    render.configure(settings.environment)
    assert reloads == [True, False, False]


def test_options_mark_the_selected_values_and_escape_the_labels():
    from luoshi.web.render import options

    units = [{"id": 1, "name": "市商务局"}, {"id": 2, "name": "<b>局</b>"}]
    assert options(units, "2") == ('<option value="1">市商务局</option>'
                                   '<option value="2" selected>&lt;b&gt;局&lt;/b&gt;</option>')
    assert options(units, ["1", "2"]).count(" selected") == 2
    assert options([("red", "红色")], None, 0, 1) == '<option value="red">红色</option>'


def test_a_dicts_keys_read_as_attributes_in_templates_as_before():
    from luoshi.web.render import TEMPLATES

    template = TEMPLATES.env.from_string("{{ d.title }}|{{ d.missing is undefined }}|{{ d.items()|list|length }}|"
                                         "{{ d.items is callable }}")
    assert template.render(d={"title": "<标题>", "items": 3}) == "&lt;标题&gt;|True|2|True"


def test_an_items_source_is_shown_in_the_lines_around_it_read_from_the_database(session):
    from datetime import UTC, datetime

    from luoshi.ledger import SourceRef
    from luoshi.store.models import Document
    from luoshi.web.queries import source_context

    text = "第一行。\n" + "甲" * 300 + "\n二、加快老旧小区改造。\n" + "乙" * 300
    session.add(Document(id=1, name="a.txt", path="a.txt", sha256="0" * 64, doc_type="meeting_minutes", record={},
                         text=text, ingested_at=datetime.now(UTC), ingested_by="t"))
    session.flush()
    start = text.index("加快")
    context = source_context(session, SourceRef("1", (start, start + 8), "items[0]"))
    shown = "".join(run.text for run in context["source_runs"])
    marked = [run.text for run in context["source_runs"] if run.mark]
    assert (shown, marked, context["source_cut_before"], context["source_cut_after"]) == (
        "二、加快老旧小区改造。", ["加快老旧小区改造"], True, True)
    whole = source_context(session, SourceRef("1", (0, 4), "items[0]"), radius=10_000)
    assert ("".join(run.text for run in whole["source_runs"]), whole["source_cut_before"],
            whole["source_cut_after"]) == (text[:text.rindex("\n")], False, True)
    assert source_context(session, SourceRef("2", (0, 4), "items[0]")) == {}


def test_the_dependencies_that_do_no_io_run_on_the_event_loop_not_in_a_worker_thread():
    import inspect

    from luoshi.web.deps import get_db, get_settings

    assert (inspect.isasyncgenfunction(get_db), inspect.iscoroutinefunction(get_settings)) == (True, True)


def test_a_server_process_bounds_its_worker_threads_and_freezes_its_startup_objects(settings):
    import gc
    import threading

    import anyio
    import anyio.to_thread
    from fastapi import FastAPI

    from luoshi.web.app import serving

    async def started() -> tuple[int, bool]:
        async with serving(settings.model_copy(update={"web_threads": 3}))(FastAPI()):
            return anyio.to_thread.current_default_thread_limiter().total_tokens, gc.get_freeze_count() > 0

    results = []  # in a thread of its own: another test's event loop may still run in this one
    thread = threading.Thread(target=lambda: results.append(anyio.run(started)))
    try:
        thread.start()
        thread.join()
        assert results == [(3, True)]
    finally:
        gc.unfreeze()


def test_a_server_process_keeps_as_many_connections_as_its_setting_says(settings, tmp_path):
    from luoshi.store.db import pool_arguments
    from luoshi.web.app import create_app

    app = create_app(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'a.sqlite3'}",
                                                 "database_pool_size": 12}))
    pool = app.state.db.engine.pool
    assert (pool.size(), pool._max_overflow) == (12, 12)
    assert pool_arguments("postgresql+psycopg://u@h/db", 4) == {"pool_size": 4, "max_overflow": 4}
    assert pool_arguments("sqlite://", 4) == {}
    app.state.db.dispose()


def test_a_server_process_works_on_a_few_requests_at_once_with_a_connection_each_and_one_for_its_jobs(settings):
    sqlite = settings.model_copy(update={"database_url": "sqlite:///x.sqlite3"})
    postgresql = settings.model_copy(update={"database_url": "postgresql+psycopg://u@h/db"})
    assert (sqlite.threads, sqlite.pool_size, postgresql.threads, postgresql.pool_size) == (8, 9, 4, 5)
    chosen = postgresql.model_copy(update={"web_threads": 5})
    assert (chosen.threads, chosen.pool_size) == (5, 6)
    assert chosen.model_copy(update={"database_pool_size": 9}).pool_size == 9


def test_a_postgresql_connection_is_pinged_only_after_resting_and_replaced_if_it_died(make_db, monkeypatch):
    from sqlalchemy import text

    from luoshi.store import db as store_db

    db = make_db("postgresql")
    with db.engine.connect() as conn:
        first = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with statements(db.engine) as seen, db.engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == first
    assert len(seen) == 1  # in steady use: no ping
    with store_db.make_engine(db.url).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    monkeypatch.setattr(store_db, "IDLE_PING", 0.0)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != first


def test_an_item_pages_history_read_in_one_statement_is_the_apis(web):
    from luoshi.store import items as store_items
    from luoshi.web.queries import history

    item_id = web.item("completion_requested")
    office = web.actor("office")
    with web.db.session() as s:
        view = store_items.get_item(s, item_id=item_id, actor=office, settings=web.settings)
        with statements(web.db.engine) as seen:
            fast = history(s, item_id=item_id, actor=office, zone=web.settings.zone, known=view.units, view=view)
        slow = history(s, item_id=item_id, actor=office, zone=web.settings.zone)
    assert (fast, len(seen)) == (slow, 1)
    assert [e["actor_name"] for e in fast] == ["office-名", "office-名", "office-名", "unit_a-名", "unit_a-名"]


def test_on_postgresql_a_get_reads_outside_a_transaction_and_a_post_writes_inside_one(web):
    """A GET saves PostgreSQL's BEGIN and ROLLBACK (at READ COMMITTED each statement has its own snapshot
    anyway); a change keeps its transaction. SQLite keeps a transaction for both."""
    seen: list[tuple[str, bool]] = []

    def note(conn, cursor, statement, *args):
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit
                     if web.db.engine.dialect.name == "postgresql" else conn.connection.dbapi_connection.in_transaction))

    admin = web.api("admin")
    event.listen(web.db.engine, "before_cursor_execute", note)
    try:
        assert admin.get("/api/me").status_code == 200
        got = list(seen)
        seen.clear()
        assert admin.post("/api/users", json={"username": "newcomer", "password": "long-enough-1",
                                              "role": "leader"}).status_code == 201
    finally:
        event.remove(web.db.engine, "before_cursor_execute", note)
    if web.db.engine.dialect.name == "postgresql":
        assert got and all(autocommit for _, autocommit in got)
        assert any(kind == "INSERT" for kind, _ in seen) and not any(autocommit for _, autocommit in seen)
    else:
        assert any(kind == "INSERT" for kind, _ in seen)


# -- routing: each router is tried only on the paths its routes begin with ----------------------------------

def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _answered(app, path: str, method: str = "GET") -> bool:
    """Whether a route of `app` takes `path` (in full, or but for the method: 405)."""
    scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": [], "query_string": b""}
    return any(route.matches(dict(scope))[0] is not Match.NONE for route in app.router.routes)


def _route_paths(app) -> list[tuple[str, str]]:
    out = []
    for route in app.router.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for context in contexts:
            for method in sorted(getattr(context, "methods", None) or ()):  # a Mount (/static) has none
                out.append((method, _concrete(context.path)))
    return out


def test_every_route_is_still_found_and_a_path_of_none_is_not(web_sqlite, monkeypatch):
    app = web_sqlite.app
    routes = _route_paths(app)
    assert len(routes) > 150 and any(p == "/api/items" for _, p in routes) and any(p == "/ledger" for _, p in routes)
    monkeypatch.setattr(app_module, "_quick_routing", lambda app: None)
    plain = app_module.create_app(web_sqlite.settings, database=web_sqlite.db)
    near = ["/api/nothing", "/api/items/1/nothing/2", "/nothing", "/ledger/", "/api/items/", "/items/1/", "/", "/api",
            "/api/", "/static/app.css", "/healthz", "/api/me/", "/ledgerx", "/api/itemsx"]
    for method, path in routes + [("GET", p) for p in near]:
        assert _answered(app, path, method) == _answered(plain, path, method), (method, path)
        assert _answered(app, path, method) or path in near, (method, path)
    assert not any(_answered(app, p) for p in ("/api/nothing", "/nothing", "/ledgerx", "/api/itemsx"))
    assert all(hasattr(r, "heads") for r in app.router.routes if type(r).__name__ == "_IncludedRouter")


def test_a_route_answers_through_the_guards(web):
    client = web.api("office")
    assert client.get("/api/me").json()["username"] == "office"
    assert client.get("/api/items", params={"per_page": 1}).status_code == 200
    assert client.get("/api/nothing").status_code == 404
    assert web.browser("office").get("/ledger").status_code == 200
