"""Watching a running luoshi: /healthz, /readyz, /metrics in Prometheus's format (by route template, the
pool, the queues and the notices from the database), the request id and the JSON request log."""

from __future__ import annotations

import io
import os
import json
import logging
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from luoshi import jobs
from luoshi.files.storage import FileSystemStore
from luoshi.store.outbox import OutboxRow
from luoshi.web import monitoring
from luoshi.web.app import create_app

from webfixtures import web, web_sqlite  # noqa: F401

LOOPBACK = ("127.0.0.1", 40000)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value} of a Prometheus exposition."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_readyz_checks_the_database_and_the_file_store(web, tmp_path):
    client = TestClient(web.app)
    assert (client.get("/readyz").status_code, client.get("/readyz").json()) == (200, {"status": "ok"})
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    web.app.state.blobs = FileSystemStore(blocked / "files")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["files"], "detail": monitoring.NOT_READY["files"]}


def test_readyz_is_503_in_chinese_when_the_database_is_away_and_healthz_still_200(make_db, settings, tmp_path):
    from luoshi.store.db import Database

    app = create_app(settings, database=make_db("sqlite"))
    app.state.db = Database(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3", migrate=False)
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["database"]
    assert response.json()["detail"].startswith("数据库无法访问")
    assert TestClient(app).get("/healthz").json() == {"status": "ok"}  # the process itself is up


def test_metrics_are_refused_outside_the_allowed_addresses(web_sqlite):
    response = TestClient(web_sqlite.app, client=("203.0.113.9", 5000)).get("/metrics")
    assert response.status_code == 403 and "LUOSHI_METRICS_ALLOW" in response.json()["detail"]
    assert TestClient(web_sqlite.app, client=LOOPBACK).get("/metrics").status_code == 200
    web_sqlite.app.state.settings = web_sqlite.settings.model_copy(update={"metrics_allow": "10.0.0.0/8"})
    assert TestClient(web_sqlite.app, client=("10.2.3.4", 5000)).get("/metrics").status_code == 200
    assert TestClient(web_sqlite.app, client=LOOPBACK).get("/metrics").status_code == 403


def test_latency_is_counted_by_route_template_not_by_path(web_sqlite):
    client = web_sqlite.api("office")
    key = ("luoshi_request_duration_seconds_count",
           (("method", "GET"), ("route", "/api/items/{item_id}"), ("status", "404")))
    before = samples(TestClient(web_sqlite.app, client=LOOPBACK).get("/metrics").text).get(key, 0)
    for item_id in (991, 992, 993):
        assert client.get(f"/api/items/{item_id}").status_code == 404
    text = TestClient(web_sqlite.app, client=LOOPBACK).get("/metrics").text
    assert samples(text)[key] == before + 3
    assert "/api/items/991" not in text
    assert ("luoshi_requests_in_flight", ()) in samples(text)
    assert samples(text)[("luoshi_db_pool_size", ())] >= web_sqlite.settings.pool_size


def test_the_pool_gauge_counts_connections_in_use(web_sqlite):
    def in_use() -> float:
        return samples(monitoring.exposition(web_sqlite.db.engine).decode())[("luoshi_db_pool_checked_out", ())]

    idle = in_use()
    with web_sqlite.db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        assert in_use() == idle + 1
    assert in_use() == idle


def test_queue_depth_age_and_notice_outcomes_come_from_the_database(web, settings):
    now = datetime.now(UTC)
    with web.db.session() as s:
        jobs.enqueue(s, kind="ingest", payload={}, by="office")
        for n, (state, kind) in enumerate([("pending", "assigned"), ("sent", "due_soon"), ("sent", "due_soon"),
                                           ("failed", "overdue")]):
            s.add(OutboxRow(key=f"k{n}", kind=kind, unit_id=web.units["a"], message={}, state=state, attempts=1,
                            next_attempt_at=now, created_at=now - timedelta(minutes=10)))
        s.commit()
    found = samples(TestClient(web.app, client=LOOPBACK).get("/metrics").text)
    assert found[("luoshi_queue_depth", (("queue", "outbox"),))] == 1
    assert found[("luoshi_queue_depth", (("queue", "jobs"),))] == 1
    assert found[("luoshi_queue_depth", (("queue", "ocr"),))] == 0
    assert 590 < found[("luoshi_queue_oldest_age_seconds", (("queue", "outbox"),))] < 900
    assert found[("luoshi_queue_oldest_age_seconds", (("queue", "ocr"),))] == 0
    notices = {k: v for k, v in found.items() if k[0] == "luoshi_notices_total"}
    assert notices == {("luoshi_notices_total", (("kind", "due_soon"), ("outcome", "sent"))): 2,
                       ("luoshi_notices_total", (("kind", "overdue"), ("outcome", "failed"))): 1}


def test_a_request_id_is_taken_or_made_and_sent_back(web_sqlite):
    client = TestClient(web_sqlite.app)
    assert client.get("/healthz", headers={"X-Request-ID": "lb-42.a"}).headers["X-Request-ID"] == "lb-42.a"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\nforged line"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/login").headers["X-Request-ID"])


@contextmanager
def logging_to(stream: io.StringIO, log_format: str):
    """luoshi's logs to `stream` in `log_format` for the block, as they were after it."""
    logger = logging.getLogger("luoshi")
    level = logger.level
    handler = monitoring.configure_logging(log_format, stream)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_json_logs_have_one_object_a_line_with_the_request_and_user(web_sqlite):
    stream = io.StringIO()
    with logging_to(stream, "json"):
        client = web_sqlite.browser("office")
        client.get("/ledger", headers={"X-Request-ID": "req-1"})
        client.get("/items/12345", headers={"X-Request-ID": "req-2"})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = {entry["request_id"]: entry for entry in lines if entry.get("request_id", "").startswith("req-")}
    ledger, item = mine["req-1"], mine["req-2"]
    assert {k: ledger[k] for k in ("level", "logger", "method", "route", "status", "user")} == {
        "level": "info", "logger": "luoshi.access", "method": "GET", "route": "/ledger", "status": 200,
        "user": web_sqlite.users["office"].id}
    assert (item["route"], item["status"]) == ("/items/{item_id}", 404)
    assert isinstance(ledger["duration_ms"], float) and datetime.fromisoformat(ledger["time"]).tzinfo is not None


def test_plain_logs_are_one_readable_line(web_sqlite):
    stream = io.StringIO()
    with logging_to(stream, "plain"):
        TestClient(web_sqlite.app).get("/healthz")
    assert re.search(r" INFO luoshi.access GET /healthz 200 \d+\.\d ms$", stream.getvalue().strip())


def test_readyz_sees_an_s3_bucket_that_does_not_answer(web_sqlite):
    moto = pytest.importorskip("moto")
    import boto3

    from luoshi.files.storage import S3Store

    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        client.create_bucket(Bucket="luoshi-evidence")
        web_sqlite.app.state.blobs = S3Store(client, "luoshi-evidence")
        assert TestClient(web_sqlite.app).get("/readyz").status_code == 200
        web_sqlite.app.state.blobs = S3Store(client, "no-such-bucket")
        response = TestClient(web_sqlite.app).get("/readyz")
    assert (response.status_code, response.json()["failed"]) == (503, ["files"])


def test_under_several_workers_the_figures_are_summed_and_a_dead_ones_gauges_dropped(tmp_path):
    """Two processes with PROMETHEUS_MULTIPROC_DIR (as `luoshi serve --workers` sets it): /metrics sums
    their requests and pools; a process that is gone no longer counts in the live gauges."""
    import subprocess
    import sys

    from conftest import ROOT

    script = ("import sys; from luoshi.web import monitoring as m; m.POOL_SIZE.inc(8); m.IN_FLIGHT.inc(int(sys.argv[1]));"
              "m.LATENCY.labels('GET', '/ledger', '200').observe(0.02)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), monitoring.MULTIPROCESS: str(tmp_path)}
    for in_flight in ("1", "2"):  # each ends at once: dead, as a worker uvicorn replaced
        subprocess.run([sys.executable, "-c", script, in_flight], env=env, check=True)
    code = ("import os, sys; from luoshi.web import monitoring as m; from sqlalchemy import create_engine;"
            "m.POOL_SIZE.inc(8); sys.stdout.write(m.exposition(create_engine('sqlite://')).decode())")
    found = samples(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                   text=True).stdout)
    assert found[("luoshi_request_duration_seconds_count",
                  (("method", "GET"), ("route", "/ledger"), ("status", "200")))] == 2  # both processes' requests
    assert (found[("luoshi_db_pool_size", ())], found[("luoshi_requests_in_flight", ())]) == (8, 0)  # the living one
