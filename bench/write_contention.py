"""How many state-changing writes of different items PostgreSQL takes at once, with the kept counts' facts
added as each write happens (migrations up to 0024) or staged and added at commit (0025 on).

Every state change changes the same rows of the counts (scope 0's facts of the two states): a row one
writer changed waits for its commit. A fresh schema at each revision, N items in progress handed out to 100
units; T threads each move a random item to another state and back the next time (`--one-way`: only forth),
then hold the transaction open for `--hold` ms (the rest of a real write: its audit, outbox and search
index, each a round trip) and commit. Prints writes a second, their p50/p95, the deadlocks PostgreSQL broke
(each a write refused, to be retried), and whether the counts equal a recount after.

    python bench/write_contention.py --items 20000 --threads 8 --hold 5 --seconds 10 [--one-way]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from backends import postgres_schema  # noqa: E402
from luoshi.store import aggregates  # noqa: E402
from luoshi.store.db import head_revision, make_engine, upgrade  # noqa: E402
from migration_lock import fill  # noqa: E402

BASE = os.environ.get("LUOSHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ONE_WAY = text("UPDATE items SET state = 'completion_requested', version = version + 1 "
               "WHERE id = :id AND state = 'in_progress'")
MOVE = text("UPDATE items SET state = CASE state WHEN 'in_progress' THEN 'completion_requested' ELSE 'in_progress' END, "
            "version = version + 1 WHERE id = :id")


def run(url: str, items: int, threads: int, hold: float, seconds: float,
        move: object = MOVE) -> tuple[list[float], int, bool]:
    engine = create_engine(url, pool_size=threads + 1)
    stop = threading.Event()
    took: list[float] = []
    deadlocks = [0]

    def write(seed: int) -> None:
        rng = random.Random(seed)
        with engine.connect() as conn:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    conn.execute(move, {"id": rng.randint(1, items)})
                    conn.execute(text("SELECT pg_sleep(:s)"), {"s": hold})
                    conn.commit()
                except OperationalError as exc:  # two writers took the counts' rows in opposite orders
                    if "deadlock" not in str(exc):
                        raise
                    conn.rollback()
                    deadlocks[0] += 1
                    continue
                took.append(time.perf_counter() - started)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    with engine.connect() as conn:
        right = aggregates.kept(conn) == aggregates.recount(conn)
    engine.dispose()
    return took, deadlocks[0], right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--hold", type=float, default=5.0, help="ms the transaction stays open after its change")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--one-way", action="store_true",
                        help="every write the same change (in progress → completion asked): no two writers take the "
                             "counts' rows in opposite orders")
    parser.add_argument("--postgres-url", default=BASE)
    args = parser.parse_args()
    print(f"{args.items} items, {args.threads} writers, each transaction open {args.hold:g} ms after its change, "
          f"{args.seconds:g} s")
    for revision in ("0024", head_revision()):
        with postgres_schema(args.postgres_url) as url:
            engine = make_engine(url)
            upgrade(engine, revision)
            fill(engine, args.items)
            with engine.begin() as conn:  # handed out: their units' facts too
                conn.execute(text("UPDATE assignments SET assigned_at = now()"))
            engine.dispose()
            took, deadlocks, right = run(url, args.items, args.threads, args.hold / 1000, args.seconds,
                                         ONE_WAY if args.one_way else MOVE)
        ms = sorted(t * 1000 for t in took)
        print(f"  at {revision}: {len(took) / args.seconds:5.0f} writes/s   p50 {statistics.median(ms):6.1f} ms   "
              f"p95 {ms[int(len(ms) * 0.95)]:6.1f} ms   deadlocks {deadlocks}   "
              f"counts equal a recount: {'yes' if right else 'NO'}")


if __name__ == "__main__":
    main()
