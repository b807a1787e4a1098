"""PostgreSQL's staged counts (`luoshi.store.aggregates`, migration 0025): a writer's triggers stage the facts
they count and the transaction adds them as it commits, so two writers of different items never wait for
each other on the counts' shared rows (scope 0's), whatever else they do before committing; what a
rolled-back transaction or savepoint staged is never counted; nothing staged outlives its transaction."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from luoshi.store import aggregates, counts
from webfixtures import web  # noqa: F401

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])

MOVE = text("UPDATE items SET state = :state, version = version + 1 WHERE id = :id")


def staged(conn) -> int:
    return conn.execute(text("SELECT count(*) FROM dashboard_pending")).scalar()


def test_two_writers_of_different_items_do_not_wait_for_each_other_on_the_counts(web):
    first, second = web.item("in_progress"), web.item("in_progress")
    engine = web.db.engine
    with engine.connect() as a, engine.connect() as b:
        a.execute(MOVE, {"state": "cancelled", "id": first})  # a's transaction stays open
        assert staged(a) > 0  # its facts wait for its commit
        b.execute(text("SET lock_timeout = '2s'"))  # waiting on a's rows would fail here
        b.execute(MOVE, {"state": "cancelled", "id": second})
        b.commit()
        a.commit()
        assert staged(a) == 0  # every transaction took its own away as it committed
        a.commit()
    with web.db.session() as s:
        assert counts.kept(s) == counts.recount(s)
        assert counts.items_in(s, ["cancelled"]) == 2 and counts.items_in(s, ["in_progress"]) == 0
        assert aggregates.kept(s.connection()) == aggregates.recount(s.connection())


def test_the_counts_rows_are_taken_only_by_a_commit(web):
    """A writer holding an item open does not make a writer of another item wait, and a second writer's
    commit adds its facts while the first is still open (the reader sees them at once)."""
    first, second = web.item("in_progress"), web.item("in_progress")
    engine = web.db.engine
    done = threading.Event()
    with engine.connect() as a:
        a.execute(MOVE, {"state": "cancelled", "id": first})

        def other() -> None:
            with engine.begin() as b:
                b.execute(MOVE, {"state": "cancelled", "id": second})
            done.set()

        thread = threading.Thread(target=other)
        thread.start()
        assert done.wait(5), "the second writer waited for the first one's commit"
        thread.join()
        with web.db.session() as s:  # the second writer's facts, not yet the first one's
            assert counts.items_in(s, ["cancelled"]) == 1
        a.commit()
    with web.db.session() as s:
        assert counts.items_in(s, ["cancelled"]) == 2


def test_what_a_rolled_back_transaction_or_savepoint_staged_is_not_counted(web):
    ids = [web.item("in_progress") for _ in range(3)]
    engine = web.db.engine
    with engine.connect() as conn:
        conn.execute(MOVE, {"state": "cancelled", "id": ids[0]})
        conn.rollback()
        with conn.begin():
            conn.execute(MOVE, {"state": "cancelled", "id": ids[1]})
            savepoint = conn.begin_nested()
            conn.execute(MOVE, {"state": "done", "id": ids[2]})
            savepoint.rollback()
        assert staged(conn) == 0
    with web.db.session() as s:
        assert counts.kept(s) == counts.recount(s) == {"in_progress": 2, "cancelled": 1}
        assert aggregates.kept(s.connection()) == aggregates.recount(s.connection())


def test_a_bulk_rebuild_keeps_the_staging(web):
    """`rebuild` drops and creates the triggers again, the commit's one included."""
    web.item("in_progress")
    with web.db.engine.begin() as conn:
        aggregates.rebuild(conn, zone=web.settings.timezone, near_days=web.settings.warning_policy.near_days)
    second = web.item("in_progress")
    with web.db.engine.connect() as a:
        a.execute(MOVE, {"state": "cancelled", "id": second})
        assert staged(a) > 0
        a.commit()
        assert staged(a) == 0
    with web.db.session() as s:
        assert counts.kept(s) == counts.recount(s) == {"in_progress": 1, "cancelled": 1}


def test_a_transaction_adds_its_staged_facts_once_however_many_it_staged(web):
    """Each staged row queues the commit's trigger; the first run adds them all, the others return at once
    (each looking again for the transaction's rows read every one deleted: minutes for a bulk insert)."""
    ids = [web.item("in_progress") for _ in range(12)]
    lookups = text("SELECT pg_stat_get_xact_numscans(CAST('ix_dashboard_pending_tx' AS regclass))")
    with web.db.engine.connect() as conn:
        for item_id in ids:
            conn.execute(MOVE, {"state": "cancelled", "id": item_id})
        assert staged(conn) >= 2 * len(ids)
        before = conn.execute(lookups).scalar()
        conn.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # the deferred triggers run now
        # One look for them (the planner may probe the index's end once or twice as it plans it), not one a row
        assert staged(conn) == 0 and conn.execute(lookups).scalar() - before < len(ids)
        # Staged after they ran: added at commit all the same.
        conn.execute(MOVE, {"state": "in_progress", "id": ids[0]})
        conn.commit()
    with web.db.session() as s:
        assert counts.kept(s) == counts.recount(s) == {"cancelled": 11, "in_progress": 1}
        assert aggregates.kept(s.connection()) == aggregates.recount(s.connection())
