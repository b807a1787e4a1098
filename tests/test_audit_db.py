"""The audit log in the database detects what is done to it behind luoshi's back: a row edited, deleted
or added with plain SQL, on SQLite and PostgreSQL; `luoshi audit verify` names the first broken entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.ledger import Actor, Role
from luoshi.settings import get_settings
from luoshi.store.audit import AuditProblem, verify_audit
from luoshi.store.items import act, create_item
from luoshi.store.orgs import create_organisation

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)


@pytest.fixture
def trail(session, settings):
    """Item 1 with five entries: create, confirm, assign, accept, report progress."""
    create_organisation(session, name="市商务局")
    row = create_item(session, actor=OFFICE, kind="task", title="推进外贸", lead_units=["市商务局"], now=NOW,
                      settings=settings)
    unit = Actor("u1", Role.UNIT, unit="1")
    steps = [(OFFICE, "confirm", {}), (OFFICE, "assign", {"due": "2024-06-30"}), (unit, "accept", {}),
             (unit, "report_progress", {"text": "已走访20家"})]
    for version, (actor, action, payload) in enumerate(steps, 1):
        act(session, item_id=row.id, actor=actor, action=action, expected_version=version, settings=settings,
            now=NOW + timedelta(days=version), **payload)
    return row.id


def sql(session, statement: str) -> None:
    session.execute(text(statement))
    session.commit()


def kinds(problems: list[AuditProblem]) -> list[tuple[int, int | None, str]]:
    return [(p.item_id, p.seq, p.kind) for p in problems]


def test_an_untouched_log_verifies(session, trail):
    assert verify_audit(session) == []


def test_an_edited_entry_is_detected(session, trail):
    sql(session, "UPDATE audit_log SET event = REPLACE(event, '已走访20家', '已走访200家') WHERE seq = 5")
    assert kinds(verify_audit(session)) == [(1, 5, "changed")]


def test_an_edited_copy_column_is_detected(session, trail):
    sql(session, "UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
    assert [str(p) for p in verify_audit(session)] == [
        "督办事项 1 第 2 条：字段不符：字段 actor 与记入哈希的事件不一致"]


def test_a_deleted_entry_is_detected(session, trail):
    sql(session, "DELETE FROM audit_log WHERE seq = 3")
    assert kinds(verify_audit(session)) == [(1, 4, "sequence"), (1, 4, "broken_link"), (1, None, "length")]


def test_the_last_entry_deleted_is_detected(session, trail):
    sql(session, "DELETE FROM audit_log WHERE seq = 5")
    assert kinds(verify_audit(session)) == [(1, None, "length")]


def test_an_item_whose_state_was_edited_is_detected(session, trail):
    sql(session, "UPDATE items SET state = 'done' WHERE id = 1")
    assert kinds(verify_audit(session)) == [(1, None, "state")]


def test_an_entry_rehashed_without_the_key_is_detected(session, settings, tmp_path):
    keyed = settings.model_copy(update={"audit_key": "kept-elsewhere"})
    create_item(session, actor=OFFICE, kind="task", title="推进外贸", now=NOW, settings=keyed)
    assert verify_audit(session, key=b"kept-elsewhere") == []
    assert kinds(verify_audit(session)) == [(1, 1, "changed")]


def test_luoshi_audit_verify_exits_1_naming_the_first_broken_entry(db, session, trail, monkeypatch):
    sql(session, "UPDATE audit_log SET event = REPLACE(event, '已走访20家', '已走访200家') WHERE seq = 5")
    monkeypatch.setenv("LUOSHI_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    assert (result.exit_code, " ".join(result.output.split())) == (
        1, "错误：审计日志被改动过（共 1 处问题），第一处：督办事项 1 第 5 条：内容被改：第 5 条与其哈希不符：内容被改动过。"
           "请停止录入并联系系统管理员核查；必要时用 luoshi restore 从备份恢复")


def test_an_items_whole_trail_deleted_is_detected(session, trail):
    sql(session, "DELETE FROM audit_log WHERE item_id = 1")
    assert [str(p) for p in verify_audit(session)] == ["督办事项 1：条数不符：没有任何记录，应有 5 条"]


def test_an_entry_added_by_hand_is_detected(session, trail):
    sql(session, "INSERT INTO audit_log (item_id, seq, type, at, actor, from_state, to_state, event, prev_hash, hash) "
                 "SELECT item_id, 6, type, at, actor, from_state, to_state, event, hash, hash FROM audit_log "
                 "WHERE seq = 5")
    assert kinds(verify_audit(session)) == [(1, 6, "changed"), (1, None, "length")]


# -- the administrative log: users, tokens, organisations, documents ------------------------------------

def test_administrative_changes_are_logged_without_secrets(session):
    from luoshi.store.audit import admin_log
    from luoshi.store.users import create_token, create_user, update_user

    user = create_user(session, username="li", password="secret-123", role="unit", unit="市商务局", by=OFFICE)
    create_token(session, user_id=user.id, name="ci")
    update_user(session, user_id=user.id, active=False, by="admin1")
    log = admin_log(session)
    assert [(e["type"], e["actor"], e["subject"]) for e in log] == [
        ("user_updated", "admin1", "user:li"), ("token_created", "li", "user:li"), ("user_created", "dc1", "user:li")]
    assert log[-1]["data"] == {"role": "unit", "unit_id": 1, "display_name": ""}
    assert "secret-123" not in str(log)
    assert verify_audit(session) == []


def test_an_edited_admin_entry_is_detected(session):
    from luoshi.store.users import create_user

    create_user(session, username="li", password="secret-123", role="supervisor")
    create_user(session, username="wang", password="secret-123", role="leader")
    sql(session, "UPDATE admin_log SET event = REPLACE(event, 'leader', 'admin') WHERE seq = 2")
    assert [str(p) for p in verify_audit(session)] == [
        "管理日志 第 2 条：内容被改：第 2 条与其哈希不符：内容被改动过"]


def test_admin_changes_at_the_same_moment_are_chained_in_turn(make_db, backend):
    import threading

    from luoshi.store.audit import admin_log
    from luoshi.store.users import create_user

    db = make_db(backend)
    barrier = threading.Barrier(4)

    def add(name: str) -> None:
        with db.session() as s:
            barrier.wait()
            create_user(s, username=name, password="secret-123", role="leader")

    threads = [threading.Thread(target=add, args=(f"u{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.session() as s:
        assert (sorted(e["subject"] for e in admin_log(s)), verify_audit(s)) == (
            ["user:u0", "user:u1", "user:u2", "user:u3"], [])
