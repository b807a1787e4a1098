"""The notification worker on a synthetic ledger, in process: one scheduler pass over N handled items (all
units with a webhook), a second pass the same day (which must add nothing), and draining the outbox to a
local receiver with one and with two workers.

A benchmark, not a test: `python bench/notify_speed.py [--items 5000]` (SQLite, a temporary file; keep
it under two minutes on a small machine).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from receivers import Receivers  # noqa: E402

from luoshi.notify import Mailer, run_once  # noqa: E402
from luoshi.settings import Settings  # noqa: E402
from luoshi.store.db import Database  # noqa: E402
from luoshi.store.models import Assignment, ItemRow, Organisation  # noqa: E402
from luoshi.store.outbox import ChannelRow, OutboxRow, schedule  # noqa: E402

NOW = datetime(2024, 5, 1, 1, tzinfo=UTC)


def build(db: Database, items: int, url: str) -> None:
    with db.session() as s:
        s.execute(insert(Organisation), [dict(id=u, name=f"单位{u}", key=f"k{u}", aliases=[], proposed=False,
                                              webhook_format="json", mobiles=[], created_at=NOW) for u in range(1, 51)])
        s.execute(insert(ChannelRow), [dict(unit_id=u, kind="webhook", target=url, mobiles=[], enabled=True,
                                            created_by="bench", created_at=NOW) for u in range(1, 51)])
        rows = []
        for i in range(1, items + 1):
            due = date(2024, 5, 1) + timedelta(days=(i % 40) - 20)  # half overdue, some due soon
            rows.append(dict(id=i, kind="task", state="in_progress", title=f"推进工作{i}", text="", due=due,
                             progress=10, assigned_at=NOW - timedelta(days=40), returns=0, reminders=0, version=4,
                             created_at=NOW, updated_at=NOW))
        s.execute(insert(ItemRow), rows)
        s.execute(insert(Assignment), [dict(item_id=i, organisation_id=(i % 50) + 1, role="lead", position=0,
                                            state="in_progress") for i in range(1, items + 1)])
        s.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    receivers = Receivers().start()
    url, robot = receivers.robot("/hook", "webhook")
    settings = Settings(environment="test", secret_key="bench", _env_file=None)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        build(db, args.items, url)
        with db.session() as s:
            t = time.perf_counter()
            queued = schedule(s, settings=settings, now=NOW)
            first = time.perf_counter() - t
            t = time.perf_counter()
            again = schedule(s, settings=settings, now=NOW + timedelta(hours=1))
            second = time.perf_counter() - t
        print(f"{args.items} items: scheduler pass {first:.2f} s queued {queued}; same day again {second:.2f} s "
              f"queued {again}")
        other = Database(db.url, migrate=False)
        t = time.perf_counter()
        threads = [threading.Thread(target=run_once, args=(d, settings),
                                    kwargs=dict(runner=n, now=NOW, schedule=False, mailer=Mailer(None)))
                   for n, d in (("w1", db), ("w2", other))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        took = time.perf_counter() - t
        with db.session() as s:
            sent = s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "sent"))
        print(f"two workers drained {sent} notices to a local webhook in {took:.2f} s "
              f"({sent / took:.0f}/s); received {len(robot.received)}, "
              f"distinct {len({m['item_id'] for m in robot.received} )} items")
        other.dispose()
        db.dispose()
    receivers.stop()


if __name__ == "__main__":
    main()
