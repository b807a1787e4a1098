"""`luoshi backup` / `luoshi restore` round trips (issue 10, finding 6): SQLite through the online backup
API while the server writes, PostgreSQL through pg_dump/pg_restore; every table compared, the audit
chain verified against the signed checkpoint before a restore reports success."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from luoshi.backup import backup, restore
from luoshi.cli import app
from luoshi.ledger import Actor, Role
from luoshi.settings import get_settings
from luoshi.store.db import Database
from luoshi.store.items import act, create_item
from luoshi.store.orgs import create_organisation
from luoshi.store.users import create_user

OFFICE = Actor("dc1", Role.SUPERVISOR)
# Tables whose rows are the web's or the search index's own bookkeeping, not the ledger's facts.
SKIPPED = {"alembic_version"}


def fill(db, settings, n: int = 3) -> None:
    with db.session() as s:
        create_organisation(s, name="市商务局")
        s.commit()
        create_user(s, username="li", password="secret-123", role="supervisor")
        for i in range(n):
            add_item(s, settings, f"事项{i}")


def add_item(session, settings, title: str) -> None:
    row = create_item(session, actor=OFFICE, kind="task", title=title, lead_units=["市商务局"], settings=settings)
    act(session, item_id=row.id, actor=OFFICE, action="confirm", expected_version=1, settings=settings)


def every_table(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, as sorted tuples of text (the same on both sides of a restore)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(n for n in inspect(conn).get_table_names() if n not in SKIPPED)
            return {n: sorted(tuple(str(v) for v in row) for row in conn.execute(text(f'SELECT * FROM "{n}"')))
                    for n in names}
    finally:
        engine.dispose()


def settings_for(settings, url: str):
    return settings.model_copy(update={"database_url": url})


def test_sqlite_round_trip_while_the_server_writes(make_db, settings, tmp_path):
    db = make_db("sqlite")
    fill(db, settings)
    stop, written = threading.Event(), []

    def writer() -> None:
        with db.session() as s:
            while not stop.is_set():
                add_item(s, settings, f"写入中{len(written)}")
                written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        during = backup(settings_for(settings, db.url), tmp_path / "during.tar.gz")
    finally:
        stop.set()
        thread.join()
    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    summary, problems = restore(settings_for(settings, restored_url), tmp_path / "during.tar.gz")
    assert problems == [] and summary.tables == during.tables and summary.chain_seq == during.chain_seq > 0
    assert 3 + 5 <= summary.tables["items"] < 3 + len(written) + 1
    # Quiet now: a second backup restored elsewhere holds every row of every table.
    backup(settings_for(settings, db.url), tmp_path / "after.tar.gz")
    again = f"sqlite:///{tmp_path / 'again.sqlite3'}"
    assert restore(settings_for(settings, again), tmp_path / "after.tar.gz")[1] == []
    assert every_table(again) == every_table(db.url)


def test_postgresql_round_trip_brings_back_what_was_backed_up(make_db, settings, tmp_path):
    db = make_db("postgresql")
    fill(db, settings)
    before = every_table(db.url)
    backup(settings_for(settings, db.url), tmp_path / "pg.tar.gz")
    with db.session() as s:  # a change after the backup, which the restore undoes
        add_item(s, settings, "备份之后")
    db.dispose()
    summary, problems = restore(settings_for(settings, db.url), tmp_path / "pg.tar.gz")
    assert problems == [] and summary.backend == "postgresql"
    assert every_table(db.url) == before


def test_a_restore_whose_audit_does_not_hold_is_not_a_success(make_db, settings, tmp_path):
    db = make_db("sqlite")
    fill(db, settings)
    with db.session() as s:
        s.execute(text("UPDATE items SET state = 'done' WHERE id = 1"))
        s.commit()
    backup(settings_for(settings, db.url), tmp_path / "bad.tar.gz")
    _, problems = restore(settings_for(settings, f"sqlite:///{tmp_path / 'r.sqlite3'}"), tmp_path / "bad.tar.gz")
    assert problems == ["督办事项 1：状态不符：事项的状态是 'done'，最后一条事件却是 'confirmed'"]


def test_the_commands_back_up_and_restore_with_a_reminder_of_the_keys(make_db, settings, tmp_path, monkeypatch):
    db = make_db("sqlite")
    fill(db, settings)
    runner = CliRunner()
    monkeypatch.setenv("LUOSHI_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        made = runner.invoke(app, ["backup", str(tmp_path / "b.tar.gz")])
        monkeypatch.setenv("LUOSHI_DATABASE_URL", f"sqlite:///{tmp_path / 'restored.sqlite3'}")
        get_settings.cache_clear()
        back = runner.invoke(app, ["restore", str(tmp_path / "b.tar.gz")])
        junk = tmp_path / "junk.tar.gz"
        junk.write_bytes(b"not an archive")
        refused = runner.invoke(app, ["restore", str(junk)])
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0 and "已备份到 b.tar.gz" in made.output and "密钥不在备份中" in made.output
    assert back.exit_code == 0 and "已从 b.tar.gz 恢复并核验" in back.output, back.output
    assert refused.exit_code == 2 and "无法读取备份文件 junk.tar.gz" in refused.output
    assert every_table(f"sqlite:///{tmp_path / 'restored.sqlite3'}") == every_table(db.url)
