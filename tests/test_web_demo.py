"""`luoshi demo`: a fresh SQLite database with the samples ingested, users of every role printed with
their passwords (which work), and items already in several states; `luoshi serve` starts the app."""

from __future__ import annotations

import re

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
