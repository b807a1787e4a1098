"""The dashboard (驾驶舱) at city scale and beyond: a synthetic ledger of 100 000 items (120 units, a year of
history, overdue and due-soon items), 300 targets with actual values and 600 deputies' suggestions, on
SQLite and on PostgreSQL.

Run: python bench/dashboard_speed.py [--items 100000] [--requests 15] [--backends sqlite,postgresql]
     [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--screenshot artifacts/screenshots]
Prints, per backend, p50/p95/max in ms of: the dashboard's queries (`luoshi.store.dashboard.dashboard`, for the
office and for one unit), and the rendered page /dashboard and its JSON twin /api/dashboard (in process,
signed in), wall clock and CPU time. Goal: under 1 s. PostgreSQL gets a fresh schema, dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from backends import each_database, settle
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store import aggregates
from luoshi.store import users as store_users
from luoshi.store.dashboard import dashboard
from luoshi.store.db import Database, make_engine, upgrade
from luoshi.store.models import Assignment, Document, ItemRow, Organisation
from luoshi.store.tracking import ActualRow, SuggestionRound, SuggestionRow, TargetRow, TargetUnit

UNITS = 120
# state, weight
STATES = [("draft", 4), ("confirmed", 2), ("assigned", 8), ("in_progress", 30), ("completion_requested", 4),
          ("done", 48), ("cancelled", 4)]
KINDS = ["局", "委", "办", "中心"]
FIELDS = ["发展改革", "教育", "科技", "工业和信息化", "公安", "民政", "司法", "财政", "人力资源和社会保障", "自然资源",
          "生态环境", "住房和城乡建设", "交通运输", "水利", "农业农村", "商务", "文化和旅游", "卫生健康", "退役军人事务",
          "应急管理", "审计", "市场监督管理", "统计", "医疗保障", "城市管理", "数据", "信访", "机关事务", "乡村振兴",
          "金融"]
PASSWORD = "bench-password-1"


def unit_names() -> list[str]:
    names = [f"县{f}{KINDS[0] if i % 3 else KINDS[1]}" for i, f in enumerate(FIELDS)]
    names += [f"{t}镇人民政府" for t in "东西南北中"] + [f"第{i}街道办事处" for i in range(1, 11)]
    names += [f"县属企业{i}" for i in range(1, UNITS - len(names) + 1)]
    return names[:UNITS]


def synthesize(url: str, n_items: int, seed: int = 11) -> None:
    """Fill a migrated database with the synthetic ledger (bulk inserts: no item goes through the rules)."""
    rng = random.Random(seed)
    engine = make_engine(url)
    now = datetime.now(UTC)
    today = now.date()
    states = [s for s, w in STATES for _ in range(w)]
    with engine.begin() as conn:  # a bulk load: the kept counts are counted once at the end
        aggregates.pause(conn)
    with engine.begin() as conn:
        conn.execute(insert(Organisation), [dict(id=i, name=name, key=f"bench-{i}", aliases=[], proposed=False,
                                                 webhook_format="json", mobiles=[], created_at=now)
                                            for i, name in enumerate(unit_names(), start=1)])
        conn.execute(insert(Document), [dict(id=1, name="bench.txt", path="bench.txt", sha256="1" * 64, version=1,
                                             doc_type="work_report", title="政府工作报告", issued=today,
                                             record={"format": 1}, text="基准测试", ingested_at=now,
                                             ingested_by="bench")])
        items, units = [], []
        for i in range(1, n_items + 1):
            state = rng.choice(states)
            created = now - timedelta(days=rng.triangular(0, 400, 60), hours=rng.randint(0, 23))
            handed = state not in ("draft", "confirmed")
            assigned = created + timedelta(days=rng.randint(0, 5)) if handed else None
            due = (assigned or created).date() + timedelta(days=rng.randint(15, 200))
            closed = None
            if state == "done":
                closed = min(now, assigned + timedelta(days=rng.randint(10, 220)))
            elif state == "cancelled":
                closed = min(now, assigned + timedelta(days=rng.randint(1, 60)))
            items.append(dict(id=i, kind="task", state=state, title=f"督办事项{i}", text="", due=due,
                              progress=rng.randint(0, 100), assigned_at=assigned, closed_at=closed,
                              completion_requested_at=now - timedelta(days=2) if state == "completion_requested"
                              else None,
                              last_progress_at=assigned and min(now, assigned + timedelta(days=rng.randint(0, 60))),
                              version=1, returns=0, reminders=0, created_at=created, updated_at=now))
            lead = rng.randint(1, UNITS)
            units.append(dict(item_id=i, organisation_id=lead, role="lead", position=0))
            if rng.random() < 0.3:
                units.append(dict(item_id=i, organisation_id=lead % UNITS + 1, role="co_operating", position=1))
            if len(items) == 5000 or i == n_items:
                conn.execute(insert(ItemRow), items)
                conn.execute(insert(Assignment), units)
                items, units = [], []
        _targets(conn, rng, now, today)
        _suggestions(conn, rng, now, today)
        if engine.dialect.name == "postgresql":
            for table in ("organisations", "documents", "items", "targets", "suggestions"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        aggregates.rebuild(conn)
    engine.dispose()


def _targets(conn, rng: random.Random, now: datetime, today: date) -> None:
    rows, units, actuals = [], [], []
    for i in range(1, 301):
        rows.append(dict(id=i, kind="commitment", year=today.year, indicator=f"指标{i}", measure=None,
                         value=str(rng.randint(10, 500)), unit="个", bound=None, text=f"指标{i}", document_id=1,
                         source_path=f"commitments[{i}]", fingerprint=f"bench-{i}", version=1, created_at=now,
                         updated_at=now))
        units.append(dict(target_id=i, organisation_id=rng.randint(1, UNITS), role="lead", position=0))
        for month in range(1, today.month + 1):
            if rng.random() < 0.7:
                actuals.append(dict(target_id=i, period=f"{today.year}-{month:02d}", value=str(rng.randint(0, 60)),
                                    entered_by="bench", entered_at=now, source="import"))
    conn.execute(insert(TargetRow), rows)
    conn.execute(insert(TargetUnit), units)
    conn.execute(insert(ActualRow), actuals)


def _suggestions(conn, rng: random.Random, now: datetime, today: date) -> None:
    rows, rounds = [], []
    for i in range(1, 601):
        state = rng.choice(["registered", "assigned", "assigned", "replied", "rehandling", "closed", "closed",
                            "closed"])
        rows.append(dict(id=i, no=i, title=f"代表建议{i}", category="经济发展", deputies=["代表"], text="", state=state,
                         lead_unit_id=None if state == "registered" else rng.randint(1, UNITS),
                         due=today + timedelta(days=rng.randint(-20, 90)), reminders=0, version=1, created_at=now,
                         updated_at=now))
        if state == "registered":
            continue
        rated = state in ("rehandling", "closed")
        satisfaction = ("dissatisfied" if state == "rehandling" else
                        rng.choice(["satisfied", "satisfied", "basically_satisfied"]) if rated else None)
        rounds.append(dict(suggestion_id=i, no=1, assigned_at=now - timedelta(days=60), due=today, opinions=[],
                           reply="答复" if state != "assigned" else None, satisfaction=satisfaction))
    conn.execute(insert(SuggestionRow), rows)
    conn.execute(insert(SuggestionRound), rounds)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, n: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of `n` calls (the CPU time of this process: on a busy machine the
    wall clock also counts the time other processes had the CPU)."""
    fn()  # warm the caches and the connection pool once
    wall, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def report(name: str, times: tuple[list[float], list[float]]) -> None:
    wall, cpu = times
    print(f"  {name:<30} p50 {statistics.median(wall):7.1f} ms  p95 {percentile(wall, 95):7.1f} ms  "
          f"max {max(wall):7.1f} ms  | CPU p50 {statistics.median(cpu):6.1f} ms  p95 {percentile(cpu, 95):6.1f} ms",
          flush=True)


def bench(backend: str, url: str, args: argparse.Namespace) -> None:
    from fastapi.testclient import TestClient

    from luoshi.web.app import create_app

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    start = time.perf_counter()
    synthesize(url, args.items)
    settings = Settings(environment="test", secret_key="bench-secret", _env_file=None)
    settle(url, settings)
    print(f"{backend}: {args.items:,} items, 300 targets, 600 suggestions made in {time.perf_counter() - start:.1f} s",
          flush=True)
    print(f"  (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs)", flush=True)
    db = Database(url, migrate=False)
    office, unit = Actor("bench", Role.SUPERVISOR), Actor("bench-unit", Role.UNIT, unit="7")
    with db.session() as s:
        store_users.create_user(s, username="bench_leader", password=PASSWORD, role="leader")
        for name, actor in (("queries (office, all units)", office), ("queries (one unit)", unit)):
            report(name, timed(lambda a=actor: dashboard(s, actor=a, settings=settings), args.requests))
        d = dashboard(s, actor=office, settings=settings)
        print(f"  figures: {d.headline.total:,} handed out, {d.headline.done:,} done, {d.headline.overdue:,} overdue, "
              f"{d.headline.due_soon:,} due soon; {len(d.units)} units ranked", flush=True)
    client = TestClient(create_app(settings, database=db))
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": "bench_leader", "password": PASSWORD, "csrf_token": token},
                follow_redirects=False)
    for path in ("/dashboard", "/api/dashboard"):
        assert client.get(path).status_code == 200, path
        report(f"GET {path} (rendered)", timed(lambda p=path: client.get(p), args.requests))
    if args.screenshot:
        screenshot(create_app(settings, database=db), Path(args.screenshot) / f"dashboard-{backend}-{args.items}.png")
    db.dispose()


def screenshot(app, path: Path) -> None:
    """The page at 1920×1080 in headless Chromium (Playwright), as a leader sees this ledger."""
    import threading

    import uvicorn
    from playwright.sync_api import sync_playwright

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("LUOSHI_TEST_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page.goto(f"http://127.0.0.1:{port}/login")
        page.fill("#username", "bench_leader")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("html[data-dashboard=ready]", timeout=60_000)
        page.wait_for_timeout(800)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    print(f"  screenshot: {path}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--screenshot", metavar="DIR", help="also save the page at 1920×1080 in DIR (Chromium)")
    args = parser.parse_args()
    for backend, url in each_database(args.backends, args.postgres_url):
        bench(backend, url, args)


if __name__ == "__main__":
    main()
