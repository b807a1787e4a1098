"""The assessment ranking (考核) at city scale: the dashboard benchmark's synthetic ledger of 100 000 items
(120 units, a year of history), with 60 000 progress reports and 8 000 extensions added, on SQLite and
PostgreSQL.

Run: python bench/assessment_speed.py [--items 100000] [--requests 5] [--backends sqlite,postgresql]
Prints, per backend, p50/p95 in ms of `luoshi.store.assessment.ranking` for the office over this year and
over the last 12 months, and of one unit's drill-down.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from backends import each_database, settle
from dashboard_speed import percentile, synthesize
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store.assessment import Period, ranking, unit_items
from luoshi.store.db import Database, make_engine, upgrade
from luoshi.store.models import ExtensionRow, ItemRow, ProgressReport


def add_history(url: str, reports: int, extensions: int, seed: int = 5) -> None:
    rng, engine, now = random.Random(seed), make_engine(url), datetime.now(UTC)
    with engine.begin() as conn:
        handed = conn.execute(select(ItemRow.id, ItemRow.assigned_at, ItemRow.due)
                              .where(ItemRow.assigned_at.isnot(None))).all()
        rows = []
        for n in range(reports):
            i, at, _ = rng.choice(handed)
            rows.append(dict(item_id=i, version=100 + n, kind="report_progress", text="进展", attachments=[],
                             unit_id=None, by="bench", at=min(now, at + timedelta(days=rng.randint(1, 200)))))
        conn.execute(insert(ProgressReport), rows)
        rows = []
        for n, (i, at, due) in enumerate(rng.sample(handed, extensions)):
            asked = at + timedelta(days=rng.randint(10, 200))
            rows.append(dict(item_id=i, position=0, requested_due=due + timedelta(days=60), previous_due=due,
                             reason="bench", requested_by="bench", requested_at=asked, status="approved",
                             granted_due=due + timedelta(days=60), decided_by="bench",
                             decided_at=asked + timedelta(days=3)))
        conn.execute(insert(ExtensionRow), rows)
    engine.dispose()


def bench(backend: str, url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    synthesize(url, args.items)
    add_history(url, args.items * 6 // 10, args.items // 12)
    settings = Settings(environment="test", secret_key="bench", _env_file=None)
    settle(url, settings)
    print(f"{backend}: {args.items:,} items made in {time.perf_counter() - started:.1f} s")
    db = Database(url, migrate=False)
    office = Actor("bench", Role.SUPERVISOR)
    today = datetime.now(UTC).date()
    cases = {"ranking, this year": Period(date(today.year, 1, 1), today),
             "ranking, last 12 months": Period(today - timedelta(days=365), today)}
    for name, period in cases.items():
        times = []
        for _ in range(args.requests):
            with db.session() as s:
                t = time.perf_counter()
                result = ranking(s, period=period, actor=office, settings=settings)
                times.append((time.perf_counter() - t) * 1000)
        print(f"  {name:28} p50 {percentile(times, 50):7.1f} ms  p95 {percentile(times, 95):7.1f} ms  "
              f"({len(result.units)} units)")
    times = []
    for _ in range(args.requests):
        with db.session() as s:
            t = time.perf_counter()
            facts = unit_items(s, unit=1, period=cases["ranking, last 12 months"], actor=office, settings=settings)
            times.append((time.perf_counter() - t) * 1000)
    print(f"  {'one unit drill-down':28} p50 {percentile(times, 50):7.1f} ms  p95 {percentile(times, 95):7.1f} ms  "
          f"({len(facts)} items)")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    for backend, url in each_database(args.backends, args.postgres_url):
        bench(backend, url, args)


if __name__ == "__main__":
    main()
