"""Watching a running luoshi: /healthz and /readyz for the load balancer and systemd, /metrics for Prometheus,
and one log line per request (plain or JSON) carrying a request id that is also sent back to the client.

Request metrics live in each process; under `luoshi serve --workers N` they are kept in files of
PROMETHEUS_MULTIPROC_DIR (`luoshi.web.server` sets it) and summed over the processes when scraped. Queue and
reminder figures are read from the database at each scrape, so every process reports the same numbers.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import sys
import time
import uuid
import weakref
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import Engine, event, func, select, text
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from luoshi.files.storage import BlobStore
from luoshi.web.evidence import blobs

MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # a client's id is kept only when it cannot forge a log line
UNMATCHED = "(unmatched)"  # the route of a path no route serves: raw paths would be unbounded labels

# This process's metrics; in multiprocess mode prometheus_client writes them to files instead.
REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY = Histogram("luoshi_request_duration_seconds", "Time to answer a request, by route template.",
                    ["method", "route", "status"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
IN_FLIGHT = Gauge("luoshi_requests_in_flight", "Requests being answered now.", registry=REGISTRY,
                  multiprocess_mode="livesum")
POOL_CHECKED_OUT = Gauge("luoshi_db_pool_checked_out", "Database connections in use by requests and jobs.",
                         registry=REGISTRY, multiprocess_mode="livesum")
POOL_SIZE = Gauge("luoshi_db_pool_size", "Database connections the pools keep open (overflow not counted).",
                  registry=REGISTRY, multiprocess_mode="livesum")
DB_UNAVAILABLE = Counter("luoshi_db_unavailable_total", "Requests answered 503 because the database was away.",
                         registry=REGISTRY)

access_log = logging.getLogger("luoshi.access")


# -- health --------------------------------------------------------------------------------------------

NOT_READY = {"database": "数据库无法访问：请检查数据库服务是否运行、LUOSHI_DATABASE_URL 是否正确",
             "files": "文件存储无法访问：请检查 LUOSHI_DATA_DIR 目录（或共享挂载）是否可写，或 S3 存储是否可达"}


def database_ready(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def files_ready(store: BlobStore) -> bool:
    try:
        store.probe()
        return True
    except Exception:
        return False


router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """The process answers; nothing else is checked (systemd's and nginx's liveness)."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers and the file store can be written; 503 naming what is not."""
    failed = [name for name, ok in (("database", database_ready(request.app.state.db.engine)),
                                    ("files", files_ready(blobs(request)))) if not ok]
    if failed:
        return JSONResponse({"status": "unavailable", "detail": "；".join(NOT_READY[f] for f in failed),
                             "failed": failed}, status_code=503, headers={"Retry-After": "5"})
    return JSONResponse({"status": "ok"})


# -- metrics -------------------------------------------------------------------------------------------

def allowed_networks(setting: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


def may_read_metrics(client: str | None, setting: str) -> bool:
    try:
        address = ipaddress.ip_address(client or "")
    except ValueError:
        return False
    return any(address in network for network in allowed_networks(setting))


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus's text format; only for the addresses of LUOSHI_METRICS_ALLOW."""
    settings = request.app.state.settings
    if not may_read_metrics(request.client.host if request.client else None, settings.metrics_allow):
        return JSONResponse({"detail": "无权读取监控指标：请从 LUOSHI_METRICS_ALLOW 所列地址访问"}, status_code=403)
    return Response(exposition(request.app.state.db.engine), media_type=CONTENT_TYPE_LATEST)


def exposition(engine: Engine) -> bytes:
    """The text of every metric: the processes' (summed when several share the multiprocess folder) and
    the database's."""
    folder = os.environ.get(MULTIPROCESS)
    if folder:
        from prometheus_client import multiprocess

        for pid in dead_processes(folder):  # uvicorn replaced them: their in-flight and pool gauges go
            multiprocess.mark_process_dead(pid, folder)
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(engine))
    return generate_latest(processes) + generate_latest(database)


def dead_processes(folder: str) -> set[int]:
    """The processes that left live gauges in the multiprocess folder and no longer run."""
    pids = {int(m.group(1)) for name in os.listdir(folder) if (m := re.fullmatch(r"gauge_live\w+_(\d+)\.db", name))}
    return {pid for pid in pids if not process_running(pid)}


def process_running(pid: int) -> bool:
    """Whether a process of this id is alive (one of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DatabaseCollector:
    """Figures every process reads alike from the database: the outbox's and the jobs' queues (how many
    wait, and how long the oldest has waited) and the notices sent and given up, by kind."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def collect(self) -> Any:
        from luoshi.store.models import JobRow, OcrJob
        from luoshi.store.outbox import OutboxRow

        depth = GaugeMetricFamily("luoshi_queue_depth", "Rows waiting to be done, by queue.", labels=["queue"])
        age = GaugeMetricFamily("luoshi_queue_oldest_age_seconds", "Age of the oldest waiting row (0: none).",
                                labels=["queue"])
        sent = CounterMetricFamily("luoshi_notices", "Notices (reminders and others) by outcome and kind, "
                                   "as the outbox records them.", labels=["outcome", "kind"])
        queues = (("outbox", OutboxRow, OutboxRow.state.in_(("pending", "sending"))),
                  ("jobs", JobRow, JobRow.state.in_(("queued", "running"))),
                  ("ocr", OcrJob, OcrJob.state.in_(("queued", "running"))))
        now = datetime.now(UTC)
        try:
            with self.engine.connect() as conn:
                for name, table, waiting in queues:
                    count, oldest = conn.execute(select(func.count(), func.min(table.created_at)).where(waiting)).one()
                    depth.add_metric([name], count)
                    age.add_metric([name], _age(oldest, now))
                outcomes = conn.execute(select(OutboxRow.state, OutboxRow.kind, func.count())
                                        .where(OutboxRow.state.in_(("sent", "failed")))
                                        .group_by(OutboxRow.state, OutboxRow.kind)).all()
        except Exception:  # the database is away: /readyz says so; the process figures are still served
            return
        for state, kind, count in outcomes:
            sent.add_metric(["sent" if state == "sent" else "failed", kind], count)
        yield from (depth, age, sent)


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (now - oldest).total_seconds())


_WATCHED: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def watch_pool(engine: Engine, size: int) -> None:
    """Count the connections of `engine`'s pool as they are taken and given back (once per engine, however
    many apps share it)."""
    if engine in _WATCHED:
        return
    _WATCHED.add(engine)
    POOL_SIZE.inc(size)

    @event.listens_for(engine, "checkout")
    def taken(*_: Any) -> None:
        POOL_CHECKED_OUT.inc()

    @event.listens_for(engine, "checkin")
    def returned(*_: Any) -> None:
        POOL_CHECKED_OUT.dec()


# -- the request log and the request id ---------------------------------------------------------------

class RequestLog:
    """For every HTTP request: its id (the client's X-Request-ID when well-formed, else a new one) in the
    response's header, its latency in the route's histogram, and one line in the log."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, tagged)
        finally:
            IN_FLIGHT.dec()
            seconds = time.perf_counter() - started
            route = route_of(scope)
            LATENCY.labels(scope["method"], route, str(status)).observe(seconds)
            access_log.info("%s %s %s %.1f ms", scope["method"], route, status, seconds * 1000, extra={
                "request_id": request_id, "method": scope["method"], "route": route, "status": status,
                "duration_ms": round(seconds * 1000, 1), "user": _user_of(scope)})


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The template of the route that answered (`/items/{item_id}`), never the raw path."""
    route = scope.get("route")
    template, pattern = getattr(route, "path", None), getattr(route, "path_regex", None)
    if template is None or pattern is None:
        return UNMATCHED
    # The route of an included router knows its path without the router's prefix (`/api`): the prefix is
    # the part of the path before where the route's pattern matches.
    path = scope.get("path", "")
    for start in (i for i, char in enumerate(path) if char == "/"):
        if pattern.match(path[start:]):
            return path[:start] + template
    return template


def _user_of(scope: Scope) -> int | None:
    viewer = scope.get("state", {}).get("viewer")
    return getattr(viewer, "id", None)


# -- log formats ---------------------------------------------------------------------------------------

FIELDS = ("request_id", "method", "route", "status", "duration_ms", "user")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                                 "level": record.levelname.lower(), "logger": record.name,
                                 "message": record.getMessage()}
        entry |= {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


PLAIN = "%(asctime)s %(levelname)s %(name)s %(message)s"
_HANDLER_MARK = "_luoshi_handler"


def configure_logging(log_format: str, stream: Any = None) -> logging.Handler:
    """Send luoshi's logs (requests at INFO, problems at WARNING and above) to `stream` (stderr) in
    `log_format`; replaces the handler an earlier call installed."""
    logger = logging.getLogger("luoshi")
    for old in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(PLAIN))
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler
