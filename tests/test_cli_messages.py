"""Every line the `luoshi` command prints to its users is Chinese: each main command is run on its way to
success and on its ways to fail, and no output may hold an English sentence (three English words running
together). File names, paths, URLs, commands, option names and YYYY-MM-DD stay as they are."""

from __future__ import annotations

import os
import re

import click
import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.settings import get_settings
from luoshi.store.db import Database

# Like the web's detector (tests/test_messages_chinese.py), words running together, but three of them, and
# numbers may stand between them ("1 new, 0 new versions"); a hyphen joins, not separates: a user name and its
# password (`duchashi   luoshi-office`) are data, not a sentence.
RUN = re.compile(r"[A-Za-z0-9]+(?:[ ,;:'’()]+[A-Za-z0-9]+)+")
WORD = re.compile(r"\b[A-Za-z]{2,}\b")
PATHS_AND_URLS = re.compile(r"\S*(?:/|://)\S*")
OPTION = re.compile(r"--[a-z][a-z-]*")

MINUTES = ("青山县人民政府常务会议纪要\n第12号\n青山县人民政府办公室 2023年12月30日\n"
           "2023年12月29日上午，县长李明主持召开县政府第37次常务会议。现将会议议定事项纪要如下：\n"
           "一、审议《方案》\n会议原则同意，县财政局要在年底前落实资金保障。\n")


def commands() -> list[str]:
    """Every command line the CLI can name in a message (`luoshi users add`, `luoshi db upgrade`, …)."""
    def walk(command: click.Command, prefix: str) -> list[str]:
        subs = getattr(command, "commands", {})
        return [prefix] + [line for name, sub in subs.items() for line in walk(sub, f"{prefix} {name}")]

    return sorted(walk(typer.main.get_command(app), "luoshi"), key=len, reverse=True)


def english_in(output: str) -> list[str]:
    shown = PATHS_AND_URLS.sub(" ", output)
    for command in commands():
        shown = shown.replace(command, " ")
    return [run for run in RUN.findall(OPTION.sub(" ", shown)) if len(WORD.findall(run)) >= 3]


def test_the_detector_finds_english_and_spares_names():
    assert english_in("documents: 1 new, 0 new versions, 0 unchanged") == ["documents: 1 new, 0 new versions, 0 unchanged"]
    assert english_in("queued 3, sent 2, failed 1") == ["queued 3, sent 2, failed 1"]
    assert english_in("luoshi worker w1: sending notifications every 5 s") == ["w1: sending notifications every 5 s"]
    assert english_in("错误：/tmp/a b/x.txt: 找不到这个文件；请运行 luoshi db upgrade 或加 --password-stdin，"
                      "写成 YYYY-MM-DD，打开 http://127.0.0.1:8000/") == []
    assert english_in("  duchashi   luoshi-office    督查室") == []


class Session:
    """Runs luoshi commands on one SQLite file and keeps every output that shows English."""

    def __init__(self, tmp_path, monkeypatch):
        self.tmp, self.monkeypatch, self.found = tmp_path, monkeypatch, []
        self.url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        monkeypatch.setenv("LUOSHI_DATABASE_URL", self.url)
        monkeypatch.setenv("LUOSHI_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.chdir(tmp_path)

    def __call__(self, code: int, *args: str, stdin: str | None = None, **env: str) -> str:
        with self.monkeypatch.context() as m:
            for name, value in env.items():
                m.setenv(name, value)
            get_settings.cache_clear()
            result = CliRunner().invoke(app, list(args), input=stdin)
            get_settings.cache_clear()
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code == code, (args, result.output)
        assert result.output.strip(), args  # every command says what it did
        if os.environ.get("LUOSHI_TEST_SHOW_CLI"):
            print(f"$ luoshi {' '.join(args)}  → {result.exit_code}\n{result.output}")
        bad = english_in(result.output)
        if bad:
            self.found.append(f"luoshi {' '.join(args)} → {bad} in {result.output!r}")
        return result.output

    def sql(self, statement: str) -> None:
        db = Database(self.url)
        with db.engine.begin() as conn:
            conn.execute(text(statement))
        db.dispose()


@pytest.fixture
def luoshi(tmp_path, monkeypatch):
    from luoshi.notify.worker import Worker
    from luoshi.web import server

    monkeypatch.setattr(server, "run", lambda **_: None)  # `serve` and `demo` print, then would serve
    monkeypatch.setattr(Worker, "run", lambda self: None)  # `worker` prints, then would poll until stopped
    yield Session(tmp_path, monkeypatch)
    get_settings.cache_clear()


def test_the_commands_speak_chinese_on_success_and_on_failure(luoshi, tmp_path):
    (tmp_path / "m.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "notes.xls").write_bytes(b"xx")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "cut.docx").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "empty").mkdir()

    luoshi(0, "db", "upgrade")
    luoshi(2, "db", "upgrade", LUOSHI_DATABASE_URL="mysql://x@y/z")
    luoshi(2, "db", "upgrade", LUOSHI_DATABASE_URL="not a url")
    luoshi(2, "ingest", "m.txt", LUOSHI_TIMEZONE="Mars/Olympus")
    luoshi(2, "ingest", "m.txt", LUOSHI_WARNING_STALE_DAYS="-1")

    luoshi(2, "extract")
    luoshi(2, "extract", "empty")
    luoshi(2, "extract", "--genre", "minute", "m.txt")
    luoshi(2, "extract", "notes.xls", "gone.txt", "binary.txt", "cut.pdf", "cut.docx", "empty")

    luoshi(2, "ingest", "m.txt", "gone.txt")
    luoshi(0, "ingest", "m.txt")
    luoshi(2, "ingest", "empty")

    luoshi(0, "users", "add", "li", "--unit", "市商务局", "--password-stdin", stdin="secret-123\n")
    luoshi(2, "users", "add", "li", "--role", "leader", "--password-stdin", stdin="secret-123\n")
    luoshi(2, "users", "add", "wang", "--role", "leader")
    luoshi(2, "users", "add", "wang", "--role", "boss", "--password-stdin", stdin="secret-123\n")
    luoshi(0, "users", "set", "li", "--role", "leader")
    luoshi(2, "users", "set", "nobody", "--role", "leader")
    luoshi(0, "users", "reset-password", "li", "--password-stdin", stdin="new-secret-9\n")

    luoshi(0, "search", "reindex")
    luoshi(0, "export", "ledger", "-o", "台账.xlsx")
    luoshi(2, "export", "bulletin", "--from", "31.10.2026", "--to", "2026-10-01", "-o", "x.docx")
    luoshi(2, "export", "bulletin", "--from", "2026-10-31", "--to", "2026-10-01", "-o", "x.docx")
    luoshi(2, "export", "ledger", "-o", "x.xlsx", LUOSHI_DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}")
    luoshi(0, "worker", "--once")
    luoshi(0, "worker")
    luoshi(0, "jobs", "run", "--once")
    luoshi(0, "serve")
    luoshi(2, "serve", LUOSHI_DATABASE_URL="mysql://x@y/z")

    luoshi(0, "backup", "b.tar.gz")
    luoshi(0, "restore", "b.tar.gz")
    (tmp_path / "junk.tar.gz").write_bytes(b"junk")
    luoshi(2, "restore", "junk.tar.gz")

    luoshi(0, "audit", "verify")
    luoshi.sql("UPDATE audit_log SET actor = 'someone' WHERE seq = 1")
    luoshi.sql("UPDATE users SET role = 'admin' WHERE username = 'li'")
    luoshi.sql("DELETE FROM admin_log WHERE seq = 2")
    assert "审计日志被改动过" in luoshi(1, "audit", "verify")

    luoshi(0, "demo", "--database", str(tmp_path / "demo.sqlite3"))
    assert luoshi.found == []
