"""The worker: queue the time-based reminders, then send what the outbox holds, again and again.

`run_once` is one pass (what tests call, with the clock they choose); `Worker` runs passes every
`worker_poll_seconds` until stopped — as `luoshi worker`, or as a thread of `luoshi serve` that stands back
while a `luoshi worker` has been seen lately. Any number of workers may run: each row is claimed by one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from luoshi.notify.channels import DeliveryFailed, Mailer, send
from luoshi.store import outbox
from luoshi.store.db import Database

log = logging.getLogger("luoshi.worker")
SCHEDULE_EVERY = timedelta(minutes=10)  # time-based reminders change by the day; a pass is idempotent anyway
WORKER_FRESH = timedelta(minutes=2)  # a worker seen within this keeps `luoshi serve` from sending


@dataclass
class Pass:
    scheduled: int = 0
    sent: int = 0
    failed: int = 0


def runner_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_once(db: Database, settings: Any, *, runner: str, now: datetime | None = None, schedule: bool = True,
             transport: httpx.BaseTransport | None = None, mailer: Mailer | None = None, batch: int = 20) -> Pass:
    """Queue today's reminders (`schedule`), then claim and send due rows until none is left."""
    now = now or datetime.now(UTC)
    result = Pass()
    if schedule:
        with db.session() as session:
            result.scheduled = outbox.schedule(session, settings=settings, now=now)
    mailer = mailer or Mailer.from_settings(settings)
    client: httpx.Client | None = None  # made at the first row to send: most passes find none (an SSL context costs ms)
    try:
        while rows := outbox.claim(db.engine, runner=runner, now=now, limit=batch):
            client = client or httpx.Client(transport=transport, timeout=settings.webhook_timeout)
            for row in rows:
                error = None
                try:
                    send(row.channel, row.message, client=client, mailer=mailer, now=now.timestamp())
                except DeliveryFailed as exc:
                    error = str(exc)
                except Exception as exc:  # a bug or a surprise: recorded and retried, never a dead worker
                    log.exception("发送通知出错（outbox 第 %s 行），下一轮将重试；错误详情如下，反复出现请交给系统管理员", row.id)
                    error = f"{type(exc).__name__}: {exc}"
                with db.session() as session:
                    outbox.finish(session, row_id=row.id, runner=runner, error=error, now=now)
                if error is None:
                    result.sent += 1
                else:
                    result.failed += 1
            if len(rows) < batch:
                break
    finally:
        if client is not None:
            client.close()
    return result


class Worker:
    """Passes of `run_once` every `settings.worker_poll_seconds` in a thread, until `stop()`.

    `kind` "worker" (the `luoshi worker` process) always works and leaves a heartbeat; "serve" (inside
    `luoshi serve`) works only while no worker's heartbeat is fresh.
    """

    def __init__(self, db: Database, settings: Any, *, kind: str = "worker", clock: Any = None,
                 transport: httpx.BaseTransport | None = None, mailer: Mailer | None = None):
        self.db, self.settings, self.kind = db, settings, kind
        self.clock = clock or (lambda: datetime.now(UTC))
        self.transport, self.mailer = transport, mailer
        self.name = runner_name(kind)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.last_schedule: datetime | None = None

    def tick(self) -> Pass | None:
        now = self.clock()
        with self.db.session() as session:
            if self.kind == "serve" and outbox.worker_seen(session, since=now - WORKER_FRESH):
                return None
            outbox.heartbeat(session, name=self.name, kind=self.kind, now=now)
        schedule = self.last_schedule is None or now - self.last_schedule >= SCHEDULE_EVERY
        if schedule:
            self.last_schedule = now
        return run_once(self.db, self.settings, runner=self.name, now=now, schedule=schedule,
                        transport=self.transport, mailer=self.mailer)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.tick()
            except Exception:  # the database away for a moment: try again next poll
                log.exception("本轮通知发送出错（数据库可能暂时无法访问），下一轮将重试；错误详情如下")
            self.stopping.wait(self.settings.worker_poll_seconds)

    def start(self) -> "Worker":
        self.thread = threading.Thread(target=self.run, name=f"luoshi-{self.kind}", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
