"""How long the migrations after 0013 hold up the ledger of a large PostgreSQL database.

Fills a fresh schema (migrated to 0013) with N items and their unit assignments, then runs `luoshi db
upgrade`'s migrations to the head, and the online work it does after them (`aggregates.key_facts`), while
reader threads page through the ledger (the unit ledger's query shape: a unit's items by due date) and a
writer updates items' progress, and prints the migration's time and the longest any read or write waited. `--rewrite` also times, for contrast, a statement the rule
forbids (a column's type changed: a table rewrite under an exclusive lock), rolled back.

    python bench/migration_lock.py --items 1000000            # LUOSHI_TEST_POSTGRES_URL or 127.0.0.1:5432/test
    python bench/migration_lock.py --items 200000 --rewrite
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from luoshi.store.aggregates import key_facts  # noqa: E402
from luoshi.store.db import make_engine, upgrade  # noqa: E402
from luoshi.store.online_ddl import Recorder, rewritten, statement_problems, storage_of  # noqa: E402

BASE = os.environ.get("LUOSHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
START = "0013"
READ = text("SELECT i.id, i.title, i.state, i.due, i.progress FROM (SELECT item_id, due FROM assignments "
            "WHERE organisation_id = :unit AND state = 'in_progress' ORDER BY due, item_id LIMIT 50) a "
            "JOIN items i ON i.id = a.item_id ORDER BY a.due, a.item_id")
WRITE = text("UPDATE items SET progress = (progress + 1) % 100, version = version + 1 WHERE id = :id")


def fill(engine, items: int, units: int = 100) -> None:
    """`items` items in progress, each led by one of `units` units, written by INSERT … SELECT."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (id, name, key, aliases, proposed, webhook_format, mobiles, "
                          "created_at) SELECT g, '单位' || g, 'unit-' || g, '[]', false, 'json', '[]', now() "
                          "FROM generate_series(1, :n) g"), {"n": units})
        conn.execute(text(
            "INSERT INTO items (id, kind, state, title, text, progress, returns, reminders, extension_count, version, "
            "created_at, updated_at, due, assigned_at) SELECT g, 'task', 'in_progress', '督办事项 ' || g, '', g % 100, "
            "0, 0, 0, 1, now(), now(), DATE '2026-01-01' + (g % 700), now() FROM generate_series(1, :n) g"),
            {"n": items})
        conn.execute(text("INSERT INTO assignments (item_id, organisation_id, role, position, state, due) "
                          "SELECT i.id, 1 + i.id % :units, 'lead', 0, i.state, i.due FROM items i"), {"units": units})
        for table in ("items", "assignments", "organisations"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE items"))
        conn.execute(text("VACUUM ANALYZE assignments"))


class Load:
    """Readers and a writer in threads, each recording how long every statement took."""

    def __init__(self, url: str, readers: int, items: int):
        self.engine = create_engine(url, pool_size=readers + 2)
        self.readers, self.items = readers, items
        self.stop = threading.Event()
        self.reads: list[tuple[float, float]] = []  # (started, seconds)
        self.writes: list[tuple[float, float]] = []
        self.threads = [threading.Thread(target=self._read, args=(n,)) for n in range(readers)]
        self.threads.append(threading.Thread(target=self._write))

    def _timed(self, out: list[tuple[float, float]], statement, params) -> None:
        with self.engine.connect() as conn:
            while not self.stop.is_set():
                started = time.perf_counter()
                conn.execute(statement, params())
                conn.commit()
                out.append((started, time.perf_counter() - started))

    def _read(self, n: int) -> None:
        counter = iter(range(10**9))
        self._timed(self.reads, READ, lambda: {"unit": 1 + (n * 7 + next(counter)) % 100})

    def _write(self) -> None:
        counter = iter(range(10**9))
        self._timed(self.writes, WRITE, lambda: {"id": 1 + (next(counter) * 7919) % self.items})

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.engine.dispose()

    def between(self, start: float, end: float, which: str) -> list[float]:
        return [s for t, s in getattr(self, which) if start <= t <= end or start <= t + s <= end]


def summary(label: str, waits: list[float]) -> str:
    if not waits:
        return f"{label}: none ran"
    waits = sorted(waits)
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    return (f"{label}: {len(waits)} statements, median {statistics.median(waits) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms, max {waits[-1] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--rewrite", action="store_true", help="also time a forbidden table rewrite (rolled back)")
    parser.add_argument("--keep", action="store_true", help="keep the schema (dropped by default)")
    args = parser.parse_args()

    schema = f"bench_migration_{uuid.uuid4().hex[:8]}"
    admin = create_engine(BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(BASE).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine, START)
        started = time.perf_counter()
        fill(engine, args.items)
        print(f"filled {args.items} items and assignments at {START} in {time.perf_counter() - started:.1f} s "
              f"({os.cpu_count()} cores)")
        with Load(url, args.readers, args.items) as load:
            time.sleep(2)
            before = time.perf_counter()
            with engine.connect() as conn:
                storage = storage_of(conn)
            with Recorder(engine) as statements:
                upgrade(engine)
            after = time.perf_counter()
            with engine.connect() as conn:
                problems = statement_problems(statements, storage) + rewritten(storage, storage_of(conn))
            keyed = key_facts(engine)  # what `luoshi db upgrade` does next, online
            online = time.perf_counter()
            time.sleep(1)
            rewrite_window = None
            if args.rewrite:
                start_rw = time.perf_counter()
                with engine.connect() as conn:
                    conn.execute(text("ALTER TABLE items ALTER COLUMN progress TYPE BIGINT"))
                    conn.rollback()
                rewrite_window = (start_rw, time.perf_counter())
                time.sleep(1)
        print(f"migrations {START} → head: {after - before:.2f} s; "
              f"rule problems: {[str(p) for p in problems] or 'none'}")
        print(summary("  ledger reads before", [s for t, s in load.reads if t < before]))
        print(summary("  ledger reads during", load.between(before, after, "reads")))
        print(summary("  item writes during", load.between(before, after, "writes")))
        print(f"online after them (the dashboard's facts keyed by state, {keyed} items): {online - after:.2f} s")
        print(summary("  ledger reads during", load.between(after, online, "reads")))
        print(summary("  item writes during", load.between(after, online, "writes")))
        if rewrite_window:
            print(f"forbidden rewrite (ALTER COLUMN TYPE, rolled back): {rewrite_window[1] - rewrite_window[0]:.2f} s")
            print(summary("  ledger reads during", load.between(*rewrite_window, "reads")))
    finally:
        engine.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
