"""The seven tamperings of the security probe (issue 10, finding 5), each done with plain SQL behind
luoshi's back and each caught by `luoshi audit verify`: the per-item chains, the global chain of every
fact a page shows, the users' roles against the administrative log, and the signed checkpoint of the
chain's head kept outside the database. No LUOSHI_AUDIT_KEY is set here (the default)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.ledger import Actor, Role
from luoshi.ledger.audit import chain
from luoshi.settings import get_settings
from luoshi.store import anchor
from luoshi.store.audit import verify_audit
from luoshi.store.items import act, create_item
from luoshi.store.models import AuditEntryRow, ChainEntryRow
from luoshi.store.orgs import create_organisation
from luoshi.store.users import create_user, update_user

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)


@pytest.fixture
def trail(session, settings):
    """Users li (supervisor) and wang (unit); items 1 and 2, each created, handed out, accepted, reported on
    (item 1 also rated after approval)."""
    create_organisation(session, name="市商务局")
    create_user(session, username="li", password="secret-123", role="supervisor")
    create_user(session, username="wang", password="secret-123", role="unit", unit="市商务局")
    unit = Actor("u1", Role.UNIT, unit="1")
    for title in ("推进外贸", "稳定就业"):
        row = create_item(session, actor=OFFICE, kind="task", title=title, lead_units=["市商务局"], now=NOW,
                          settings=settings)
        steps = [(OFFICE, "confirm", {}), (OFFICE, "assign", {"due": "2024-06-30"}), (unit, "accept", {}),
                 (unit, "report_progress", {"text": "已走访20家", "percent": 40})]
        if title == "推进外贸":
            steps += [(unit, "apply_completion", {"text": "已完成"}), (OFFICE, "approve", {}),
                      (OFFICE, "rate", {"rating": "good"})]
        for version, (actor, action, payload) in enumerate(steps, 1):
            act(session, item_id=row.id, actor=actor, action=action, expected_version=version, settings=settings,
                now=NOW + timedelta(days=version), **payload)
    return session


def problems(session) -> list[str]:
    return [str(p) for p in (*verify_audit(session), *anchor.verify_chain(session))]


def sql(session, *statements: str) -> None:
    for statement in statements:
        session.execute(text(statement))
    session.commit()


def test_an_untouched_database_verifies_with_its_checkpoint(trail):
    assert problems(trail) == []
    checkpoint = json.loads(anchor.checkpoint_path(anchor.database_id(trail)).read_text())
    head = trail.execute(select(ChainEntryRow.seq, ChainEntryRow.hash).order_by(ChainEntryRow.seq.desc())).first()
    assert (checkpoint["seq"], checkpoint["hash"]) == tuple(head) and len(checkpoint["signature"]) == 64


def test_1_an_item_deleted_with_all_its_events_and_rows(trail):
    sql(trail, "DELETE FROM progress_reports WHERE item_id = 2", "DELETE FROM assignments WHERE item_id = 2",
        "DELETE FROM audit_log WHERE item_id = 2", "DELETE FROM items WHERE id = 2")
    assert verify_audit(trail) == []  # each remaining item's chain is whole: only the global chain knows
    found = problems(trail)
    assert "全局链：被删除：item 2 在链中，但数据库里已没有" in found
    assert "全局链：被删除：event 2:5 在链中，但数据库里已没有" in found
    assert "全局链：被删除：progress 3 在链中，但数据库里已没有" in found


def test_2_an_events_time_changed(trail):
    trail.execute(update(AuditEntryRow).where(AuditEntryRow.item_id == 1, AuditEntryRow.seq == 3)
                  .values(at=datetime(2023, 1, 1, tzinfo=UTC)))
    trail.commit()
    assert problems(trail) == ["督办事项 1 第 3 条：字段不符：字段 at 与记入哈希的事件不一致"]


def test_3_the_last_event_deleted_and_the_version_lowered(trail):
    sql(trail, "DELETE FROM ratings WHERE item_id = 1", "DELETE FROM audit_log WHERE item_id = 1 AND seq = 8",
        "UPDATE items SET version = 7, rating = NULL WHERE id = 1")
    assert verify_audit(trail) == []
    assert problems(trail) == ["全局链：被删除：event 1:8 在链中，但数据库里已没有",
                               "全局链：被删除：rating 1 在链中，但数据库里已没有"]


@pytest.mark.parametrize("change", ["text = '已走访200家'", "percent = 90"])
def test_4_a_progress_report_edited_in_its_own_table(trail, change):
    sql(trail, f"UPDATE progress_reports SET {change} WHERE id = 1")
    assert problems(trail) == ["全局链：被改动：progress 1 与存入时不同"]


def test_5_a_users_role_changed_to_admin_in_the_database(trail):
    sql(trail, "UPDATE users SET role = 'admin' WHERE username = 'li'")
    assert problems(trail) == ["全局链：用户：用户 'li' 的 role 被绕过 luoshi 改动"]


def test_a_role_changed_through_luoshi_is_no_problem(trail):
    li = trail.scalar(text("SELECT id FROM users WHERE username = 'li'"))
    update_user(trail, user_id=li, role="admin", by="admin1")
    assert problems(trail) == []


def test_6_the_administrative_logs_last_entry_deleted(trail):
    sql(trail, "DELETE FROM admin_log WHERE seq = (SELECT max(seq) FROM admin_log)")
    assert problems(trail) == ["全局链：被删除：admin 3 在链中，但数据库里已没有",
                               "全局链：用户：用户 'wang' 不是通过 luoshi 创建的"]


def _rehash_item(session, item_id: int, edit) -> None:
    """What someone without the key does: edit an event and recompute its item's chain from there."""
    rows = session.scalars(select(AuditEntryRow).where(AuditEntryRow.item_id == item_id)
                           .order_by(AuditEntryRow.seq)).all()
    prev = rows[0].prev_hash
    for row in rows:
        body = edit(json.loads(row.event)) if row.seq == 4 else json.loads(row.event)
        row.event = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        row.actor = body["actor"]
        row.prev_hash, row.hash = prev, chain(prev, body, row.seq)
        prev = row.hash
    session.commit()


def _rehash_global_chain(session) -> None:
    """…and then the global chain too, with the new digests (it has no key either)."""
    facts = anchor.current_facts(session)
    prev = anchor.GENESIS
    for entry in session.scalars(select(ChainEntryRow).order_by(ChainEntryRow.seq)).all():
        entry.digest = facts.get((entry.kind, entry.ref), entry.digest)
        entry.hash = prev = anchor.entry_hash(prev, entry.seq, entry.kind, entry.ref, entry.digest)
    session.execute(text("SELECT 1"))
    session.commit()


def test_7_without_a_key_an_event_edited_and_rehashed(trail):
    _rehash_item(trail, 2, lambda e: {**e, "actor": "someone-else"})
    assert verify_audit(trail) == []  # the item's chain alone holds
    assert problems(trail) == ["全局链：被改动：event 2:4 与存入时不同",
                               "全局链：被改动：event 2:5 与存入时不同"]


def test_7_and_the_global_chain_rehashed_too_the_signed_checkpoint_tells(trail):
    _rehash_item(trail, 2, lambda e: {**e, "actor": "someone-else"})
    _rehash_global_chain(trail)
    [found] = problems(trail)
    assert found.startswith("全局链：检查点：第 ") and found.endswith("的检查点不符：链被重写过")


def test_a_cut_off_chain_and_a_forged_checkpoint_are_caught(trail):
    path = anchor.checkpoint_path(anchor.database_id(trail))
    sql(trail, "DELETE FROM audit_chain WHERE seq = (SELECT max(seq) FROM audit_chain)",
        "DELETE FROM ratings WHERE item_id = 1")
    assert any("有记录被删除" in p for p in problems(trail))
    forged = json.loads(path.read_text())
    path.write_text(json.dumps({**forged, "seq": forged["seq"] - 1}))
    assert any("检查点" in p and "签名不符" in p for p in problems(trail))


def test_luoshi_audit_verify_reports_a_tampering_and_exits_1(db, trail, monkeypatch):
    sql(trail, "UPDATE progress_reports SET percent = 100 WHERE id = 2")
    monkeypatch.setenv("LUOSHI_DATABASE_URL", db.url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "全局链：被改动：progress 2 与存入时不同" in result.output


def test_no_audit_key_is_warned_about_loudly(tmp_path, capsys):
    from luoshi import keys
    from luoshi.settings import Settings

    settings = Settings(environment="test", data_dir=str(tmp_path), _env_file=None)
    key = keys.audit_key(settings, warn=True)
    assert len(key) >= 32 and (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    assert "警告：未设置 LUOSHI_AUDIT_KEY" in capsys.readouterr().err


def test_the_global_chain_is_appended_at_commit_and_its_lock_held_only_then(make_db, settings):
    """A write's facts enter the global chain when it commits: on PostgreSQL the chain's lock is not held
    while the write does the rest of its work (another writer may append meanwhile), and the chain verifies."""
    db = make_db("postgresql")
    with db.session() as s:
        create_organisation(s, name="市商务局")
    with db.session() as s, db.engine.connect() as other:
        create_item(s, actor=OFFICE, kind="task", title="推进外贸", lead_units=["市商务局"], now=NOW,
                    settings=settings, commit=False)
        s.flush()
        assert s.info.get("chain_pending")  # flushed, not yet appended
        took = other.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": anchor.CHAIN_LOCK}).scalar()
        other.rollback()
        assert took  # the write holds no chain lock before its commit
        s.commit()
    with db.session() as s:
        assert anchor.verify_chain(s, settings=settings) == []
        assert [k for k, in s.execute(select(ChainEntryRow.kind).order_by(ChainEntryRow.seq))] == [
            "genesis", "admin", "item", "event"]


def test_a_savepoint_rolled_back_leaves_no_fact_in_the_chain(session, settings):
    from luoshi.store.models import ItemRow

    create_organisation(session, name="市商务局")
    with session.begin_nested():
        create_item(session, actor=OFFICE, kind="task", title="保留", lead_units=["市商务局"], now=NOW,
                    settings=settings, commit=False)
    savepoint = session.begin_nested()
    create_item(session, actor=OFFICE, kind="task", title="撤回", lead_units=["市商务局"], now=NOW,
                settings=settings, commit=False)
    session.flush()
    savepoint.rollback()
    session.commit()
    refs = [r for r, in session.execute(select(ChainEntryRow.ref).where(ChainEntryRow.kind == "item"))]
    kept = [i for i, in session.execute(select(ItemRow.id))]
    assert [int(r) for r in refs] == kept and len(kept) == 1
    assert anchor.verify_chain(session, settings=settings) == []
