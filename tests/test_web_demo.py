"""`luoshi demo`: a fresh SQLite database with the samples ingested, users of every role printed with
their passwords (which work), and items already in several states; `luoshi serve` starts the app."""

from __future__ import annotations

import re

import pytest

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli import app as cli
from luoshi.settings import Settings
from luoshi.store.db import Database
from luoshi.web.app import create_app


def test_demo_builds_a_database_and_prints_users_that_can_sign_in(tmp_path):
    path = tmp_path / "demo.sqlite3"
    path.write_text("an old file is replaced")
    result = CliRunner().invoke(cli, ["demo", "--database", str(path), "--no-serve"])
    assert result.exit_code == 0, result.output
    users = re.findall(r"^  (\S+)\s+(\S+)\s+(\S+)", result.output, re.M)
    assert [(u, r) for u, _, r in users] == [("duchashi", "督查室"), ("admin", "系统管理员"), ("shizhang", "领导"),
                                            ("renda", "人大"), ("unit1", "承办单位联络员"), ("unit2", "承办单位联络员")]
    db = Database(f"sqlite:///{path}")
    client = TestClient(create_app(Settings(environment="test", secret_key="demo-test", _env_file=None), database=db))
    tokens = {u: client.post("/api/token", json={"username": u, "password": p}).json()["access_token"]
              for u, p, _ in users}
    office = {"Authorization": f"Bearer {tokens['duchashi']}"}
    states = {i["state"] for i in client.get("/api/items?per_page=200", headers=office).json()["items"]}
    assert {"draft", "assigned", "in_progress"} <= states
    mine = client.get("/api/workspace", headers={"Authorization": f"Bearer {tokens['unit1']}"}).json()
    assert mine["open"] and mine["returned"]
    db.dispose()
    assert f"导出此数据库的台账：LUOSHI_DATABASE_URL=sqlite:///{path} luoshi export ledger -o 台账.xlsx" in result.output


def test_the_export_line_the_demo_prints_reads_its_database(tmp_path, monkeypatch, sqlite_template):
    import shlex
    import shutil

    from luoshi.cli import export_line
    from luoshi.settings import get_settings

    path = tmp_path / "演示 库.sqlite3"
    shutil.copy(sqlite_template, path)
    assignment, *command = shlex.split(export_line(f"sqlite:///{path}"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(*assignment.split("=", 1))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, command[1:])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"读取数据库：SQLite 文件 {path}") and (tmp_path / "台账.xlsx").exists()


def test_serve_is_a_documented_command_with_host_port_and_workers():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and all(opt in result.output for opt in ("--host", "--port", "--workers"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """The demo database, built once for the tests that read it whole."""
    from luoshi.web.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


def test_every_demo_history_opens_with_its_creation_and_reads_in_time_order(demo_db):
    from sqlalchemy import select

    from luoshi.store.models import AuditEntryRow

    with demo_db.session() as s:
        entries = s.execute(select(AuditEntryRow.item_id, AuditEntryRow.type, AuditEntryRow.at)
                            .order_by(AuditEntryRow.item_id, AuditEntryRow.seq)).all()
    histories: dict[int, list] = {}
    for item_id, kind, at in entries:
        histories.setdefault(item_id, []).append((kind, at))
    assert len(histories) >= 20 and sum(len(h) > 3 for h in histories.values()) >= 4
    for item_id, history in histories.items():
        assert history[0][0] == "create", (item_id, history)
        times = [at for _, at in history]
        assert times == sorted(times), (item_id, history)


MONTH_DAY = re.compile(r"(\d{1,2})月(?:(底|末)|(\d{1,2})日)")


def test_every_demo_due_date_is_the_date_its_phrase_names(demo_db):
    import calendar

    from sqlalchemy import select

    from luoshi.extract.timephrases import resolve
    from luoshi.store.models import Document, ItemRow

    with demo_db.session() as s:
        rows = s.execute(select(ItemRow.id, ItemRow.due, ItemRow.due_text, Document.issued)
                         .join(Document, Document.id == ItemRow.document_id).where(ItemRow.due_text.isnot(None))).all()
    dated = [r for r in rows if resolve(r.due_text, r.issued) is not None]
    assert len(dated) >= 8
    for item_id, due, phrase, issued in dated:
        assert due == resolve(phrase, issued), (item_id, phrase, issued, due)
        m = MONTH_DAY.search(phrase)
        if m:  # 6月底前 in a document of May 2024 → 2024-06-30; a month gone by this year → next year's
            month = int(m[1])
            day = calendar.monthrange(due.year, month)[1] if m[2] else int(m[3])
            assert (due.month, due.day) == (month, day) and issued <= due < issued.replace(year=issued.year + 1), (
                item_id, phrase, issued, due)
