"""Steady under load: an OPEN arrival rate of users on a province (`bench/make_province.py`), served by N
`luoshi serve` processes on one database, as behind a load balancer.

Run: python bench/province.py [--url DB | --items 100000 --backend sqlite|postgresql] [--servers 2]
     [--rate 150] [--seconds 60] [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
Requests arrive as a Poisson process at --rate per second for --seconds, each on its own thread, whether or
not the ones before have been answered: a latency is counted from the moment the request arrived, so it
holds the time it queued, as a user sees it. The mix: the ledger (page and API, the office's and a unit's),
an item (page and API), the dashboard, search (common and rare words, the office's and a unit's), and writes
(a unit's progress report, the office's hand-out of a confirmed item), spread over the servers in turn.
Prints p50/p95/p99 per kind, errors, the servers' CPU per request (from /proc), PostgreSQL's CPU per
request (from /proc: one at a time, its backends serving the bench; under the load, every process of the
server, those that ended during the run included, so PostgreSQL must be on this machine and serve nothing
else), the core count, and the ratio of the ledger request to the bare SQL it runs (the statements captured
from `list_items`, run through the driver directly).
Without --url a province is made first (in a temporary SQLite file or PostgreSQL schema, dropped after).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import statistics
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from api_load import _stat, cpu_seconds, percentile, serve, stat_fields
from backends import each_database
from make_province import counties_for, make
from luoshi.ledger import Role
from luoshi.samples.province import PASSWORD, THINGS
from luoshi.settings import load_settings
from luoshi.store import items as store_items
from luoshi.store import users as store_users
from luoshi.store.db import Database, recorded_statements
from luoshi.store.models import Assignment, ItemRow

APPLICATION = "luoshi-province-bench"  # PostgreSQL's application_name of the servers' connections
STATES = ("in_progress", "assigned", "completion_requested")
RARE = ("验收材料", "冷链物流园区", "森林防火", "医共体建设")  # words of few items (or only of reports)
# kind → weight in the mix
MIX = {"ledger page": 12, "ledger API (office)": 12, "ledger API (unit)": 8, "item page": 10, "item API": 15,
       "dashboard": 5, "search (office)": 6, "search (unit)": 5, "write: progress": 6, "write: assign": 3}
GRACE = 20  # seconds after the last arrival that requests still queued may wait to be sent
TIMEOUT = 15  # seconds a request may take before it counts as an error


# -- who asks, and what ---------------------------------------------------------------------------------

@dataclass
class Fixture:
    """What the requests need: tokens, session cookies, items to open, items to write to."""

    office_token: str
    unit_tokens: dict[int, str]  # unit id → a token of its user
    office_cookie: str
    n_items: int
    progress: list[tuple[int, int]]  # (unit id, item id): in progress, led by a unit with a user
    confirmed: list[int]  # waiting to be handed out
    lock: threading.Lock = field(default_factory=threading.Lock)
    reported: list[tuple[int, int]] = field(default_factory=list)  # of `progress`, reported on in this run


def prepare(url: str, port: int) -> Fixture:
    db = Database(url, migrate=False)
    try:
        with db.session() as s:
            office = store_users.get_user(s, username="office")
            office_token = store_users.create_token(s, user_id=office.id, name="bench")
            units = [u for u in store_users.list_users(s) if u.role is Role.UNIT and u.unit_id]
            unit_tokens = {u.unit_id: store_users.create_token(s, user_id=u.id, name="bench") for u in units}
            progress = s.execute(select(Assignment.organisation_id, Assignment.item_id).where(
                Assignment.organisation_id.in_(list(unit_tokens)), Assignment.role == "lead",
                Assignment.state == "in_progress")).all()
            confirmed = list(s.scalars(select(ItemRow.id).where(ItemRow.state == "confirmed")))
            n_items = s.scalar(select(ItemRow.id).order_by(ItemRow.id.desc()).limit(1)) or 1
    finally:
        db.dispose()
    return Fixture(office_token, unit_tokens, login(port, "office"), n_items, [tuple(p) for p in progress],
                   confirmed)


def login(port: int, username: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("set-cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = urlencode({"username": username, "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/login", body=body, headers={"Cookie": cookie,
                                                       "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    return response.getheader("set-cookie").split(";")[0]


Request = tuple[str, str, dict[str, str], bytes | None]  # method, path, headers, body


def ledger_query(rng: random.Random, unit: int | None = None) -> str:
    query = {"state": rng.choice(STATES), "warning": rng.choice(["", "red", "yellow", "green"]),
             "sort": rng.choice(["due", "-due", "id"]), "page": rng.randint(1, 3), "per_page": 25}
    if unit:
        query["unit"] = unit
    return urlencode({k: v for k, v in query.items() if v != ""})


def request_for(kind: str, rng: random.Random, f: Fixture) -> Request:
    """The request of `kind`: as the office by its session (pages) or token (API), or as a unit."""
    page = {"Cookie": f.office_cookie}
    office = {"Authorization": f"Bearer {f.office_token}"}
    unit = rng.choice(list(f.unit_tokens))
    as_unit = {"Authorization": f"Bearer {f.unit_tokens[unit]}"}
    item = rng.randint(1, f.n_items)
    if kind == "ledger page":
        return "GET", f"/ledger?{ledger_query(rng)}", page, None
    if kind == "ledger API (office)":
        return "GET", f"/api/items?{ledger_query(rng, rng.choice([None, unit]))}", office, None
    if kind == "ledger API (unit)":
        return "GET", f"/api/items?{ledger_query(rng)}", as_unit, None
    if kind == "item page":
        return "GET", f"/items/{item}", page, None
    if kind == "item API":
        return "GET", f"/api/items/{item}", office, None
    if kind == "dashboard":
        return "GET", "/dashboard", page, None
    if kind.startswith("search"):
        word = rng.choice(RARE if rng.random() < 0.5 else THINGS)
        return "GET", f"/api/search?{urlencode({'q': word})}", office if kind == "search (office)" else as_unit, None
    json_headers = {"Content-Type": "application/json"}
    if kind == "write: progress":
        with f.lock:  # an item reported on once (until every one was): two reports on one item at once, the
            # second is refused (409, the item changed meanwhile), a right answer the bench would count as an error
            if not f.progress:
                f.progress, f.reported = f.reported, f.progress
            unit, item = f.progress.pop(rng.randrange(len(f.progress)))
            f.reported.append((unit, item))
        body = {"text": "本周完成现场施工，进度正常。", "percent": rng.randint(10, 90)}
        return ("POST", f"/api/items/{item}/progress",
                {**json_headers, "Authorization": f"Bearer {f.unit_tokens[unit]}"}, json.dumps(body).encode())
    with f.lock:
        item = f.confirmed.pop() if f.confirmed else None
    if item is None:  # every confirmed item is handed out: a report instead
        return request_for("write: progress", rng, f)
    return "POST", f"/api/items/{item}/assign", {**json_headers, **office}, json.dumps({"note": "请按期办结"}).encode()


# -- the open load --------------------------------------------------------------------------------------

class Connections(threading.local):
    """Each thread keeps one keep-alive connection per server, as a browser does."""

    def get(self, port: int) -> http.client.HTTPConnection:
        pool = self.__dict__.setdefault("pool", {})
        if port not in pool:
            pool[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        return pool[port]

    def drop(self, port: int) -> None:
        self.__dict__.get("pool", {}).pop(port, None)


def send(connections: Connections, port: int, request: Request) -> int:
    method, path, headers, body = request
    for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: once more, afresh
        conn = connections.get(port)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, ConnectionError):
            connections.drop(port)
            if attempt == 2:
                raise
    return 0


def open_load(ports: list[int], f: Fixture, rate: float, seconds: float, seed: int = 1
              ) -> tuple[dict[str, list[float]], dict[str, int], list[str], float]:
    """Requests arriving at `rate` per second (Poisson) for `seconds`: latencies (ms, from arrival) and
    errors by kind, a few error messages, and the lateness of the last arrival (the client keeping up)."""
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    messages: list[str] = []
    lock = threading.Lock()
    connections = Connections()

    def one(kind: str, request: Request, port: int, arrival: float) -> None:
        try:
            status = send(connections, port, request)
            problem = None if status in (200, 201) else f"{kind}: {request[0]} {request[1]} → {status}"
        except Exception as exc:  # reported after the run
            problem = f"{kind}: {exc!r}"
        elapsed = (time.perf_counter() - arrival) * 1000
        with lock:
            timings[kind].append(elapsed)
            if problem:
                errors[kind] += 1
                if len(messages) < 5:
                    messages.append(problem)

    start = time.perf_counter()
    arrival, n, lag = start, 0, 0.0
    pool = ThreadPoolExecutor(max_workers=400)
    futures = []
    while arrival - start < seconds:
        arrival += rng.expovariate(rate)
        pause = arrival - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            lag = -pause
        kind = rng.choices(kinds, weights)[0]
        futures.append((kind, pool.submit(one, kind, request_for(kind, rng, f), ports[n % len(ports)], arrival)))
        n += 1
    # Requests still waiting for a thread GRACE seconds after the last arrival are given up: the servers
    # did not keep up with the rate, and each counts as an error.
    wait([future for _, future in futures], timeout=GRACE)
    pool.shutdown(wait=True, cancel_futures=True)
    for kind, future in futures:
        if future.cancelled():
            errors[kind] += 1
    dropped = sum(future.cancelled() for _, future in futures)
    if dropped:
        messages.append(f"{dropped} requests not sent within {GRACE} s of the last arrival (the servers fell behind)")
    return timings, errors, messages, lag


# -- CPU of the servers and of PostgreSQL ----------------------------------------------------------------

def with_application_name(url: str) -> str:
    if make_url(url).get_backend_name() != "postgresql":
        return url
    return make_url(url).update_query_dict({"application_name": APPLICATION}).render_as_string(hide_password=False)


def postgres_backends_cpu(url: str) -> dict[int, float]:
    """{pid: CPU seconds so far} of the PostgreSQL backends serving the bench's servers (this machine only)."""
    if make_url(url).get_backend_name() != "postgresql":
        return {}
    db = Database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :a"),
                                {"a": APPLICATION}).scalars().all()
    finally:
        db.dispose()
    out = {}
    for pid in pids:
        try:
            out[pid] = _stat(pid)[1]
        except (OSError, ValueError, IndexError):
            pass
    return out


def postgres_server_cpu(url: str) -> float | None:
    """CPU seconds so far of the PostgreSQL server on this machine: its postmaster and every process it
    runs (backends, autovacuum, checkpointer, WAL writer), and those that have ended, whose times the kernel
    adds to the postmaster's as it reaps them. Summing the bench's backends alive at both ends of a run
    missed the pool's overflow connections that closed in between (with 4 threads a server, a third of
    PostgreSQL's CPU went uncounted)."""
    if not is_postgres(url):
        return None
    db = Database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            postmaster = int(stat_fields(backend)[1][1])  # the backend's parent
    except OSError:
        return None  # PostgreSQL on another machine
    finally:
        db.dispose()
    fields = stat_fields(postmaster)[1]
    reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return cpu_seconds(postmaster) + reaped


# -- the distance to the limit: a ledger request against its bare SQL ---------------------------------

def bare_sql_ms(url: str, repeat: int = 30) -> tuple[float, int]:
    """The median time (ms) of the statements one ledger API request runs (`list_items`, as the office, in
    progress, by due date, first page), sent through the driver directly; and how many statements."""
    settings = load_settings(database_url=url)
    db = Database(url, migrate=False)
    try:
        with db.session() as s:
            office = store_users.actor_for(store_users.get_user(s, username="office"))
            store_items.list_items(s, actor=office, state="in_progress", sort="due", per_page=25, settings=settings)
            with recorded_statements(db.engine) as statements:
                store_items.list_items(s, actor=office, state="in_progress", sort="due", per_page=25,
                                       settings=settings)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                for sql, parameters in statements:
                    cursor.execute(sql, parameters)
                    cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
            raw.rollback()
        finally:
            raw.close()
    finally:
        db.dispose()
    return statistics.median(times), len(statements)


def ledger_request_ms(port: int, f: Fixture, repeat: int = 30) -> float:
    """The median time (ms) of that ledger request through a server, one at a time, once the server has
    worked off what the load left queued."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Authorization": f"Bearer {f.office_token}"}
    times = []
    for k in range(repeat + 5):
        started = time.perf_counter()
        conn.request("GET", "/api/items?state=in_progress&sort=due&per_page=25", headers=headers)
        conn.getresponse().read()
        if k >= 5:  # the first wait behind the backlog
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# -- CPU by kind: what each request costs the server and PostgreSQL, one at a time ------------------------

def cpu_by_kind(port: int, server_pid: int, url: str, f: Fixture, repeat: int) -> dict[str, tuple[float, float]]:
    """{kind: (server CPU ms, PostgreSQL CPU ms)} per request, each kind sent `repeat` times in a row to one
    server (after a few unmeasured): CPU seconds do not depend on how busy the machine is, as latencies do."""
    rng = random.Random(7)
    connections = Connections()
    out = {}
    for kind in MIX:
        for _ in range(5):
            send(connections, port, request_for(kind, rng, f))
        requests = [request_for(kind, rng, f) for _ in range(repeat)]
        pg_before = postgres_backends_cpu(url)
        before = cpu_seconds(server_pid)
        for request in requests:
            try:
                send(connections, port, request)
            except (OSError, http.client.HTTPException) as exc:
                print(f"  {kind}: {request[0]} {request[1]} → {exc!r}")
        cpu = cpu_seconds(server_pid) - before
        pg_after = postgres_backends_cpu(url)
        pg = sum(pg_after.values()) - sum(v for pid, v in pg_before.items() if pid in pg_after)
        out[kind] = (1000 * cpu / repeat, 1000 * pg / repeat)
    return out


# -- the run --------------------------------------------------------------------------------------------

def report(timings: dict[str, list[float]], errors: dict[str, int], elapsed: float, cpu: float,
           pg_cpu: float | None, client: float | None = None) -> None:
    """The run's figures; `client`: the CPU seconds of this process, the load generator, on the same cores."""
    total = sum(len(v) for v in timings.values())
    print(f"  {total} requests in {elapsed:.1f} s ({total / elapsed:.0f}/s) on {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f}; servers' CPU {1000 * cpu / total:.1f} ms per request"
          + (f", PostgreSQL's {1000 * pg_cpu / total:.1f} ms" if pg_cpu is not None else "")
          + (f", the load generator's {1000 * client / total:.1f} ms" if client is not None else ""))
    print(f"  {'request':<22} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in MIX:
        values = timings.get(kind) or [0.0]
        print(f"  {kind:<22} {len(timings.get(kind, [])):>6} {errors.get(kind, 0):>6} "
              f"{statistics.median(values):>8.1f} {percentile(values, 95):>8.1f} {percentile(values, 99):>8.1f}")


def run(url: str, args: argparse.Namespace) -> None:
    served = with_application_name(url)
    secret = "province-bench-" + uuid.uuid4().hex
    servers = [serve(served, 1, secret) for _ in range(args.servers)]
    ports = [port for _, port in servers]
    try:
        f = prepare(url, ports[0])
        open_load(ports, f, min(args.rate, 20.0), 3, seed=99)  # warm-up: every server, every kind
        if args.cpu_repeat:
            by_kind = cpu_by_kind(ports[0], servers[0][0].pid, url, f, args.cpu_repeat)
            print(f"\nCPU per request, one at a time ({args.cpu_repeat} of each kind; 1/100 s clock ticks)")
            print(f"  {'request':<22} {'server ms':>10}" + (f" {'PostgreSQL ms':>14}" if is_postgres(url) else ""))
            for kind, (server_ms, pg_ms) in by_kind.items():
                print(f"  {kind:<22} {server_ms:>10.2f}" + (f" {pg_ms:>14.2f}" if is_postgres(url) else ""))
            if args.seconds <= 0:
                return
        settle(url)
        pg_before = postgres_server_cpu(url)
        cpu_before = sum(cpu_seconds(p.pid) for p, _ in servers)
        started, client_before = time.perf_counter(), time.process_time()
        timings, errors, messages, lag = open_load(ports, f, args.rate, args.seconds)
        elapsed, client = time.perf_counter() - started, time.process_time() - client_before
        cpu = sum(cpu_seconds(p.pid) for p, _ in servers) - cpu_before
        pg_after = postgres_server_cpu(url)
        pg_cpu = pg_after - pg_before if pg_after is not None and pg_before is not None else None
        print(f"\n{args.servers} servers, open load {args.rate:g} requests/s for {args.seconds:g} s"
              + (f" (the client fell {lag:.2f} s behind its schedule)" if lag > 0.05 else ""))
        report(timings, errors, elapsed, cpu, pg_cpu, client)
        for message in messages:
            print(f"  error: {message}")
        try:
            luoshi_ms = ledger_request_ms(ports[0], f)
        except OSError as exc:  # an overloaded server still working off its backlog
            print(f"  the ledger API request alone: not measured ({exc!r} behind the load's backlog)")
            return
        sql_ms, n = bare_sql_ms(url)
        print(f"  the ledger API request alone: {luoshi_ms:.1f} ms; its SQL alone ({n} statements through the driver):"
              f" {sql_ms:.1f} ms; ratio {luoshi_ms / sql_ms:.1f}")
    finally:
        stop(servers)


def settle(url: str) -> None:
    """On PostgreSQL, a checkpoint before the load: the pages that making the province, an ANALYZE or the
    runs before left to write are written now, not by the checkpointer in the middle of this run (a
    checkpoint spread over minutes while a run went on took its CPU and disk from it). The run's own writes
    are still checkpointed as they would be in service."""
    if not is_postgres(url):
        return
    db = Database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
    finally:
        db.dispose()


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def stop(servers: list) -> None:
    for proc, _ in servers:
        proc.terminate()
    for proc, _ in servers:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still draining connections: enough
            proc.kill()
            proc.wait()


def main() -> None:
    # A SIGTERM (a timeout, a Ctrl-C from a supervisor) unwinds like an exception, so the servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a province's database (made by bench/make_province.py); default: make one")
    parser.add_argument("--items", type=int, default=100_000, help="items of the province made without --url")
    parser.add_argument("--backend", default="sqlite", help="sqlite or postgresql, without --url")
    parser.add_argument("--postgres-url", default=os.environ.get("LUOSHI_TEST_POSTGRES_URL",
                                                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=150.0, help="requests per second (Poisson arrivals)")
    parser.add_argument("--seconds", type=float, default=60.0, help="of the open load (0: only --cpu-repeat)")
    parser.add_argument("--cpu-repeat", type=int, default=200,
                        help="requests of each kind sent one at a time for the CPU by kind (0: none)")
    args = parser.parse_args()
    if args.url:
        run(args.url, args)
        return
    for _, url in each_database(args.backend, args.postgres_url):
        started = time.perf_counter()
        make(url, args.items, counties_for(args.items), 1, os.cpu_count() or 1)
        print(f"province made in {time.perf_counter() - started:.1f} s")
        run(url, args)


if __name__ == "__main__":
    main()
