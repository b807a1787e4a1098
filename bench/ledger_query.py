"""The ledger query (`luoshi.store.items.list_items`) and `get_item` on a synthetic ledger, in process.

A benchmark, not a test: `python bench/ledger_query.py [--items 100000] [--postgres URL]` builds the
ledger in a temporary SQLite file and (when a server answers) in a scratch PostgreSQL schema, then
prints the median and worst of 7 runs of each filter. It measures the store alone; the web's load
test is bench/api_load.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from backends import settle
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store.db import Database, make_engine, upgrade
from luoshi.store.items import get_item, list_items
from luoshi.store.models import Assignment, ItemRow, Organisation

NOW = datetime(2024, 5, 1, 4, tzinfo=UTC)
STATES = ["draft", "confirmed", "assigned", "in_progress", "completion_requested", "done", "cancelled"]
OFFICE = Actor("bench", Role.SUPERVISOR)
CASES = {
    "all, by due": dict(actor=OFFICE),
    "state": dict(actor=OFFICE, state="in_progress"),
    "warning red": dict(actor=OFFICE, warning="red"),
    "warning yellow": dict(actor=OFFICE, warning="yellow"),
    "a unit's user": dict(actor=Actor("u17", Role.UNIT, unit="17")),
    "unit filter": dict(actor=OFFICE, unit=17),
    "free text": dict(actor=OFFICE, q="推进工作12"),
    "by updated": dict(actor=OFFICE, sort="-updated"),
    "page 100": dict(actor=OFFICE, page=100),
}


def fill(engine, n: int, units: int = 200, seed: int = 1) -> None:
    """`n` items in every state, each led by one of `units` organisations."""
    rnd = random.Random(seed)
    with engine.begin() as conn:
        conn.execute(insert(Organisation), [dict(name=f"单位{i}", key=f"单位{i}", aliases=[], proposed=False,
                                                 webhook_format="json", mobiles=[], created_at=NOW)
                                            for i in range(1, units + 1)])
        rows, leads = [], []
        for i in range(1, n + 1):
            state = rnd.choice(STATES)
            assigned = None if state in ("draft", "confirmed") else NOW - timedelta(days=rnd.randint(0, 200))
            reported = None if assigned is None or rnd.random() < .5 else assigned + timedelta(days=3)
            rows.append(dict(id=i, kind="task", state=state, title=f"事项{i} 推进工作{rnd.randint(0, 999)}", text="",
                             due=date(2024, 1, 1) + timedelta(days=rnd.randint(0, 365)), progress=rnd.randint(0, 100),
                             assigned_at=assigned, last_progress_at=reported,
                             completion_requested_at=NOW if state == "completion_requested" else None, returns=0,
                             reminders=0, version=1, created_at=NOW, updated_at=NOW - timedelta(minutes=i)))
            leads.append(dict(item_id=i, organisation_id=rnd.randint(1, units), role="lead", position=0))
        for k in range(0, n, 5000):
            conn.execute(insert(ItemRow), rows[k:k + 5000])
            conn.execute(insert(Assignment), leads[k:k + 5000])


def measure(url: str, n: int) -> None:
    db = Database(url)
    settings = Settings(environment="test", secret_key="bench")
    with db.session() as session:
        for name, kwargs in CASES.items():
            times = []
            for _ in range(7):
                start = time.perf_counter()
                page = list_items(session, settings=settings, now=NOW, **kwargs)
                times.append(1000 * (time.perf_counter() - start))
            print(f"  {name:15} {page.total:7} rows  median {statistics.median(times):6.1f} ms  "
                  f"worst {max(times):6.1f} ms")
        rnd, times = random.Random(2), []
        for _ in range(50):
            start = time.perf_counter()
            get_item(session, item_id=rnd.randint(1, n), actor=OFFICE, settings=settings, now=NOW)
            times.append(1000 * (time.perf_counter() - start))
        print(f"  {'get_item':15} {'':12} median {statistics.median(times):6.1f} ms  worst {max(times):6.1f} ms")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        fill(engine, args.items)
        settle(url, Settings(environment="test", secret_key="bench"))
        print(f"SQLite, {args.items} items:")
        measure(url, args.items)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server: SQLite only
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return
    try:
        url = make_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        fill(engine, args.items)
        engine.dispose()
        settle(url, Settings(environment="test", secret_key="bench"))
        print(f"PostgreSQL, {args.items} items:")
        measure(url, args.items)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
