"""Load on the web app: a synthetic ledger of 100 000 items, on SQLite and on PostgreSQL, served by
`luoshi serve` in a subprocess and read by 16 concurrent clients over loopback.

Run: python bench/api_load.py [--items 100000] [--clients 16] [--requests 25] [--workers cores]
     [--backends sqlite,postgresql] [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
Prints, per backend, p50/p95/max in ms of: the ledger query (GET /api/items filtered by state and
warning colour, of one unit or of all units, sorted, paged — and the one-unit view as the HTML page
/ledger), and an item (GET /api/items/{id}, and the HTML item page with its history and source). Each client makes `--requests` requests of each kind.
Goal: p95 under 100 ms on both databases. PostgreSQL gets a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import insert, text

from backends import each_database, settle
from luoshi.ledger.audit import record
from luoshi.ledger.canonical import canonical_json
from luoshi.ledger.events import Created
from luoshi.ledger import Role
from luoshi.store import users as store_users
from luoshi.store.db import Database, make_engine, upgrade
from luoshi.store.models import Assignment, AuditEntryRow, Document, ItemRow, Organisation

UNITS = 120
STATES = ["assigned", "in_progress", "in_progress", "in_progress", "completion_requested", "done", "draft"]
VERBS = ["推进", "加快", "完善", "落实", "开展", "组织", "建设", "整治", "优化", "保障"]
THINGS = ["老旧小区改造", "燃气管道更新", "停车设施建设", "高标准农田", "学位供给", "营商环境", "河道整治",
          "安全生产排查", "民营经济政策", "城区交通组织", "垃圾分类", "养老服务"]
PASSWORD = "bench-password-1"


def synthesize(url: str, n_items: int, seed: int = 7) -> dict[str, object]:
    """Fill a migrated database: units, one document, `n_items` items with lead units and a creation
    event each (hash-chained), a supervisor and a unit user. Returns what the clients need."""
    rng = random.Random(seed)
    engine = make_engine(url)
    now = datetime.now(UTC)
    today = now.date()
    doc_text = "\n".join(f"{i + 1}、{rng.choice(VERBS)}{rng.choice(THINGS)}。" for i in range(400))
    with engine.begin() as conn:
        conn.execute(insert(Organisation), [dict(id=i, name=f"县第{i}局", key=f"第{i}局", aliases=[], proposed=False,
                                                 webhook_format="json", mobiles=[], created_at=now)
                                            for i in range(1, UNITS + 1)])
        conn.execute(insert(Document), [dict(id=1, name="bench.txt", path="bench.txt", sha256="0" * 64, version=1,
                                             doc_type="meeting_minutes", title="基准测试纪要", issued=today,
                                             record={"format": 1}, text=doc_text, ingested_at=now,
                                             ingested_by="bench")])
        batch_items, batch_units, batch_audit = [], [], []
        for i in range(1, n_items + 1):
            state = rng.choice(STATES)
            title = f"{rng.choice(VERBS)}{rng.choice(THINGS)}（{i}）"
            due = today + timedelta(days=rng.randint(-60, 240))
            assigned = now - timedelta(days=rng.randint(1, 120)) if state != "draft" else None
            start = rng.randrange(0, len(doc_text) - 20)
            batch_items.append(dict(id=i, kind="task", state=state, title=title, text=title, document_id=1,
                                    span_start=start, span_end=start + 12, source_path=f"items[{i % 400}]",
                                    due=due, progress=rng.randint(0, 100), assigned_at=assigned, version=1,
                                    returns=0, reminders=0, created_at=now, updated_at=now,
                                    last_progress_at=assigned and assigned + timedelta(days=rng.randint(0, 30))))
            unit = rng.randint(1, UNITS)
            batch_units.append(dict(item_id=i, organisation_id=unit, role="lead", position=0))
            event = Created(item_id=str(i), version=1, at=now, actor="bench", role=Role.SUPERVISOR, from_state=None,
                            to_state="draft", kind="task", title=title, text=title)
            entry = record(None, event)
            batch_audit.append(dict(item_id=i, seq=1, type="create", at=now, actor="bench", from_state=None,
                                    to_state="draft", event=canonical_json(entry.event), prev_hash=entry.prev_hash,
                                    hash=entry.hash))
            if len(batch_items) == 5000 or i == n_items:
                conn.execute(insert(ItemRow), batch_items)
                conn.execute(insert(Assignment), batch_units)
                conn.execute(insert(AuditEntryRow), batch_audit)
                batch_items, batch_units, batch_audit = [], [], []
        if engine.dialect.name == "postgresql":
            for table in ("organisations", "documents", "items"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    engine.dispose()
    settle(url)
    db = Database(url, migrate=False)
    with db.session() as s:
        office = store_users.create_user(s, username="bench_office", password=PASSWORD, role="supervisor")
        liaison = store_users.create_user(s, username="bench_unit", password=PASSWORD, role="unit", unit=7)
        tokens = {"office": store_users.create_token(s, user_id=office.id),
                  "unit": store_users.create_token(s, user_id=liaison.id)}
    db.dispose()
    return {"tokens": tokens, "items": n_items}


class Client:
    """One keep-alive connection; a session cookie after `login`, else the bearer token."""

    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.cookie = ""

    def get(self, path: str, cookie: bool = False) -> float:
        headers = {"Cookie": self.cookie} if cookie else self.headers
        start = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return elapsed

    def login(self) -> None:
        self.conn.request("GET", "/login")
        response = self.conn.getresponse()
        html = response.read().decode()
        cookie = response.getheader("set-cookie").split(";")[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        body = urlencode({"username": "bench_office", "password": PASSWORD, "csrf_token": token})
        self.conn.request("POST", "/login", body=body, headers={"Cookie": cookie,
                                                                "Content-Type": "application/x-www-form-urlencoded"})
        response = self.conn.getresponse()
        response.read()
        self.cookie = response.getheader("set-cookie").split(";")[0]


def ledger_query(rng: random.Random, unit: bool = True) -> dict[str, object]:
    """A ledger view: a state and a warning colour, of one unit or of all, sorted, one of the first pages."""
    return {"state": rng.choice(["in_progress", "assigned", "completion_requested"]),
            "unit": rng.randint(1, UNITS) if unit else "", "warning": rng.choice(["", "red", "yellow", "green"]),
            "sort": rng.choice(["due", "-due", "id"]), "page": rng.randint(1, 3), "per_page": 25}


def load(port: int, tokens: dict[str, str], n_items: int, clients: int, requests: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"GET /api/items (one unit)": [], "GET /api/items (all units)": [],
                                       "GET /ledger (page)": [], "GET /api/items/{id}": [],
                                       "GET /items/{id} (page)": []}
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    errors: list[str] = []

    def run(k: int) -> None:
        rng = random.Random(k)
        client = Client(port, tokens["office"])
        try:
            client.login()
            barrier.wait()
            mine: dict[str, list[float]] = {name: [] for name in timings}
            for _ in range(requests):
                query = urlencode({k: v for k, v in ledger_query(rng).items() if v != ""})
                mine["GET /api/items (one unit)"].append(client.get(f"/api/items?{query}"))
                mine["GET /ledger (page)"].append(client.get(f"/ledger?{query}", cookie=True))
                query = urlencode({k: v for k, v in ledger_query(rng, unit=False).items() if v != ""})
                mine["GET /api/items (all units)"].append(client.get(f"/api/items?{query}"))
                item = rng.randint(1, n_items)
                mine["GET /api/items/{id}"].append(client.get(f"/api/items/{item}"))
                mine["GET /items/{id} (page)"].append(client.get(f"/items/{item}", cookie=True))
            with lock:
                for name, values in mine.items():
                    timings[name].extend(values)
        except Exception as exc:  # reported after the run
            errors.append(f"client {k}: {exc!r}")
            barrier.abort()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("\n".join(errors[:5]))
    return timings


def serve(url: str, workers: int, secret: str | None = None) -> tuple[subprocess.Popen, int]:
    """`luoshi serve` on a free port of loopback, once it answers; servers given one `secret` share sessions."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LUOSHI_DATABASE_URL": url, "LUOSHI_SECRET_KEY": secret or "bench-secret-" + uuid.uuid4().hex,
           "LUOSHI_ENVIRONMENT": "test"}
    # The log goes to a file: a pipe nobody reads fills after some 600 requests' access lines and then
    # blocks the server in its next log call (every request of a long run timed out).
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "luoshi.cli", "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    proc.wait()
    log.seek(0)
    raise SystemExit(f"the server did not start: {log.read().decode(errors='replace')[-2000:]}")


def stat_fields(pid: int | str) -> tuple[str, list[str]]:
    """A process's command name and the fields of /proc/PID/stat after it (Linux): [1] its parent's pid,
    [11] and [12] its user and system clock ticks, [13] and [14] those of its children it has reaped."""
    with open(f"/proc/{pid}/stat") as f:
        head, tail = f.read().rsplit(")", 1)
    return head.split("(", 1)[1], tail.split()


def _stat(pid: int | str) -> tuple[str, float]:
    """A process's command name and CPU time (user + system) so far, from /proc/PID/stat (Linux)."""
    name, fields = stat_fields(pid)
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants so far, from /proc (Linux; 0 elsewhere)."""
    try:
        own = _stat(pid)[1]
        children = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += [int(c) for c in f.read().split()]
    except (OSError, ValueError, IndexError):
        return 0.0
    return own + sum(cpu_seconds(c) for c in children)


def postgres_cpu_seconds() -> float:
    """CPU time (user + system) of every PostgreSQL server process on this machine so far (Linux)."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            name, seconds = _stat(pid)
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
        total += seconds if name == "postgres" else 0.0
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench(backend: str, url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    data = synthesize(url, args.items)
    print(f"\n{backend}: {args.items} items synthesized in {time.perf_counter() - started:.1f} s; "
          f"{args.clients} clients × {args.requests} requests of each kind, {args.workers} server workers")
    engine = make_engine(url)
    upgrade(engine)  # again: a migration may have landed in the checkout while the ledger was made
    engine.dispose()
    proc, port = serve(url, args.workers)
    try:
        load(port, data["tokens"], args.items, args.clients, 2)  # warm-up
        before, cpu, pg_cpu = os.getloadavg()[0], cpu_seconds(proc.pid), postgres_cpu_seconds()
        started = time.perf_counter()
        timings = load(port, data["tokens"], args.items, args.clients, args.requests)
        elapsed = time.perf_counter() - started
        cpu, pg_cpu = cpu_seconds(proc.pid) - cpu, postgres_cpu_seconds() - pg_cpu
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    total = sum(len(v) for v in timings.values())
    print(f"  {total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s) on {os.cpu_count()} CPUs shared with the "
          f"clients; load average {before:.1f} before, {os.getloadavg()[0]:.1f} after; server CPU "
          f"{1000 * cpu / total:.1f} ms per request"
          + (f", PostgreSQL's {1000 * pg_cpu / total:.1f} ms" if backend == "postgresql" else ""))
    print(f"  {'request':<26} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in timings.items():
        print(f"  {name:<26} {len(values):>5} {statistics.median(values):>8.1f} {percentile(values, 95):>8.1f} "
              f"{max(values):>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=25, help="requests of each kind per client")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (default: one per core, as README advises)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("LUOSHI_TEST_POSTGRES_URL",
                                                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    for backend, url in each_database(args.backends, args.postgres_url):
        bench(backend, url, args)


if __name__ == "__main__":
    main()
