"""Faults at scale: PostgreSQL going away under a running app (503 in Chinese, then recovery without a
restart), a notification worker killed mid-batch (the next one resumes, nothing accepted is sent twice),
and migrations that do not lock the ledger (no table rewrite of items after 0013).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from luoshi.store import db as store_db
from luoshi.store.db import Database
from luoshi.store.outbox import LEASE, ChannelRow, OutboxRow
from luoshi.web import monitoring
from luoshi.web.errors import DATABASE_DOWN, TOO_SLOW
from processes import LuoshiProcess, luoshi_env, pg_schema_or_skip
from webfixtures import PASSWORD, login, make_web


# -- PostgreSQL away and back ------------------------------------------------------------------------

class Cable:
    """A TCP forwarder from a loopback port to PostgreSQL that can be cut (every connection closed, new ones
    refused) and joined again on the same port: a database restarting, as the app sees it."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener: socket.socket | None = None
        self.port = 0
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def join(self) -> "Cable":
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        assert self.listener is not None
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(): it stops
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for conn in self.open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
            self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for conn in (source, sink):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def through(cable: Cable, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=cable.port).render_as_string(hide_password=False)


@pytest.fixture
def pg_web(make_db, settings, monkeypatch):
    from webfixtures import cheap_password_hashes

    cheap_password_hashes(monkeypatch)
    return make_web(make_db("postgresql"), settings)


def test_postgresql_restarting_gives_503_in_chinese_then_recovers_without_a_restart(pg_web, settings):
    from luoshi.web.app import create_app

    url = make_url(pg_web.db.url)
    cable = Cable(url.host or "127.0.0.1", url.port or 5432).join()
    app = create_app(settings, database=Database(through(cable, pg_web.db.url), migrate=False))
    api, browser = client_of(app, pg_web, "office"), TestClient(app, raise_server_exceptions=False)
    assert login(browser, "office", PASSWORD).status_code == 303
    item_id = pg_web.item("assigned")
    assert api.get(f"/api/items/{item_id}").status_code == 200
    cable.cut()
    counted = monitoring.REGISTRY.get_sample_value("luoshi_db_unavailable_total")
    down = [api.get(f"/api/items/{item_id}") for _ in range(3)]
    assert monitoring.REGISTRY.get_sample_value("luoshi_db_unavailable_total") == counted + 3  # /metrics says so
    assert [(r.status_code, r.json()["detail"]) for r in down] == [(503, DATABASE_DOWN)] * 3
    assert down[0].headers["Retry-After"] == "5"
    page = browser.get("/ledger")
    assert page.status_code == 503 and DATABASE_DOWN in page.text and "Traceback" not in page.text
    assert browser.get("/readyz").status_code == 503 and browser.get("/healthz").status_code == 200
    cable.join()  # PostgreSQL is back on the same address
    assert [api.get(f"/api/items/{item_id}").status_code for _ in range(3)] == [200] * 3
    assert browser.get("/ledger").status_code == 200 and browser.get("/readyz").status_code == 200
    cable.cut()
    app.state.db.dispose()


def client_of(app, web_, username: str) -> TestClient:
    """An API client of `app` with `username`'s token, answering errors as a server would."""
    token = web_.api(username).headers["Authorization"]
    return TestClient(app, raise_server_exceptions=False, headers={"Authorization": token})


def test_terminated_backends_give_503_once_then_new_connections(pg_web, settings, monkeypatch):
    from luoshi.web.app import create_app

    monkeypatch.setattr(store_db, "IDLE_PING", 3600.0)  # no ping on checkout: the dead connection is used
    name = f"luoshi-fault-{time.monotonic_ns()}"
    tagged = make_url(pg_web.db.url).update_query_dict({"application_name": name}).render_as_string(hide_password=False)
    app = create_app(settings, database=Database(tagged, migrate=False, pool_size=2, max_overflow=0))
    api = client_of(app, pg_web, "office")
    item_id = pg_web.item("assigned")
    assert api.get(f"/api/items/{item_id}").status_code == 200
    admin = create_engine(pg_web.db.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = :name"), {"name": name}).scalar_one()
    admin.dispose()
    assert killed >= 1
    first = api.get(f"/api/items/{item_id}")
    assert (first.status_code, first.json()["detail"]) == (503, DATABASE_DOWN)
    assert [api.get(f"/api/items/{item_id}").status_code for _ in range(3)] == [200] * 3
    app.state.db.dispose()


def test_a_statement_running_past_the_timeout_is_stopped_with_a_chinese_503(pg_web, settings, monkeypatch):
    from luoshi.store import items as store_items
    from luoshi.web.app import create_app

    app = create_app(settings.model_copy(update={"database_url": pg_web.db.url, "statement_timeout_seconds": 0.3}))
    api = client_of(app, pg_web, "office")
    item_id = pg_web.item("assigned")
    assert api.get(f"/api/items/{item_id}").status_code == 200  # a quick statement runs as ever

    def slow(session, **_):  # a query that would run for ten seconds
        session.execute(text("SELECT pg_sleep(10)"))

    monkeypatch.setattr(store_items, "get_item", slow)
    started = time.monotonic()
    answer = api.get(f"/api/items/{item_id}")
    assert (answer.status_code, answer.json()["detail"]) == (503, TOO_SLOW)
    assert time.monotonic() - started < 5  # stopped by the database, not waited out
    monkeypatch.undo()
    assert api.get(f"/api/items/{item_id}").status_code == 200  # the connection serves the next request
    app.state.db.dispose()


# -- a worker killed mid-batch -----------------------------------------------------------------------

class Receiver:
    """A webhook that takes notices, and holds the `hold_at`-th request unanswered until released: the
    moment to kill the worker that sent it. `accepted` counts what it answered 200 to, by notice."""

    def __init__(self, hold_at: int):
        self.arrived: list[int] = []
        self.accepted: list[int] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.arrived.append(body["n"])
                if len(receiver.arrived) == hold_at:
                    receiver.holding.set()
                    receiver.release.wait(30)
                    return  # never answered: its sender was killed meanwhile
                receiver.accepted.append(body["n"])
                data = b'{"errcode": 0}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _queue_notices(database: Database, unit_id: int, url: str, count: int) -> None:
    now = datetime.now(UTC)
    with database.session() as s:
        channel = ChannelRow(unit_id=unit_id, kind="webhook", target=url, secret=None, mobiles=[], enabled=True,
                             created_by="office", created_at=now)
        s.add(channel)
        s.flush()
        for n in range(count):
            s.add(OutboxRow(key=f"fault:{n}", kind="test", unit_id=unit_id, channel_id=channel.id, state="pending",
                            message={"n": n, "text": f"第 {n} 条提醒"}, attempts=0, next_attempt_at=now,
                            created_at=now))
        s.commit()


def _states(database: Database) -> dict[str, int]:
    """{state: rows} of the outbox."""
    with database.session() as s:
        return dict(s.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state)).all())


def test_a_worker_killed_mid_batch_is_resumed_by_another_without_sending_twice(tmp_path, settings, monkeypatch):
    from webfixtures import cheap_password_hashes

    cheap_password_hashes(monkeypatch)
    url = pg_schema_or_skip()
    database = Database(url, migrate=False)
    web_ = make_web(database, settings)
    receiver = Receiver(hold_at=4)
    total = 10
    _queue_notices(database, web_.units["a"], receiver.url, total)
    env = luoshi_env(url, tmp_path / "data", worker_poll_seconds="0.2")
    first = LuoshiProcess(["worker"], env, tmp_path / "worker-1.log")
    try:
        assert receiver.holding.wait(60), first.output()
        first.kill()  # kill -9 while the fourth notice is on the wire
        assert sorted(receiver.accepted) == [0, 1, 2]
        assert _states(database) == {"sent": 3, "sending": total - 3}  # the rest of its batch is leased
        second = LuoshiProcess(["worker"], env, tmp_path / "worker-2.log")
        time.sleep(2)  # several passes: the dead worker's lease has not run out, its rows wait
        assert sorted(receiver.accepted) == [0, 1, 2]
        with database.session() as s:  # five minutes on: the lease runs out
            s.execute(update(OutboxRow).where(OutboxRow.state == "sending")
                      .values(claimed_at=datetime.now(UTC) - LEASE - timedelta(seconds=1)))
            s.commit()
        deadline = time.monotonic() + 30
        while _states(database) != {"sent": total} and time.monotonic() < deadline:
            time.sleep(0.2)
        second.stop()
    finally:
        first.kill()
        receiver.stop()
        database.dispose()
    assert _states(database) == {"sent": total}, second.output()
    assert sorted(receiver.accepted) == list(range(total))  # each notice taken once: none sent twice
    assert receiver.arrived.count(3) == 2  # the one on the wire when the first worker died was sent again
