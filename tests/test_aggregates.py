"""The dashboard's kept counts (`luoshi.store.aggregates`): after random writes through the store they equal
a recount, the dashboard read from them equals the dashboard counted from the items on the days that
follow, and a bulk load pauses the triggers and rebuilds once."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import delete, text, update

from dashboardseed import seed, unit_actor
from luoshi.ledger import Actor, Role
from luoshi.store import aggregates, counts
from luoshi.store import items as store_items
from luoshi.store.dashboard import dashboard
from luoshi.store.models import Assignment, ItemRow
from webfixtures import OFFICE, TO_STATE, web  # noqa: F401

MOVES = [("office", "cancel", {"reason": "任务调整"}), ("unit_a", "report_progress", {"text": "推进中", "progress": 40}),
         ("unit_a", "apply_completion", {"text": "已完成"}), ("office", "approve", {}),
         ("office", "return", {"reason": "缺少材料"}), ("unit_a", "accept", {})]


def same_dashboards(web, seeded, days=(0, 1, 6, 8, 40)):
    actors = [Actor("leader", Role.LEADER), OFFICE] + [unit_actor(u) for u in seeded.units.values()]
    with web.db.session() as s:
        for day in days:
            for actor in actors:
                now = seeded.now + timedelta(days=day)
                kept = dashboard(s, actor=actor, settings=web.settings, now=now)
                counted = dashboard(s, actor=actor, settings=web.settings, now=now, kept=False)
                assert kept == counted, (day, actor)


def test_the_kept_counts_equal_a_recount_after_random_writes(web):
    seeded = seed(web.db, web.settings)
    rng = random.Random(7)
    with web.db.session() as s:
        aggregates.ready(s, web.settings.timezone, web.settings.warning_policy.near_days, seeded.today)
    ids = [web.item(rng.choice(list(TO_STATE))) for _ in range(12)]
    with web.db.session() as s:
        for _ in range(30):
            who, action, payload = rng.choice(MOVES)
            item_id = rng.choice(ids)
            try:
                store_items.act(s, item_id=item_id, actor=web.actor(who), action=action, expected_version=None,
                                settings=web.settings, **payload)
            except Exception:  # not allowed in the item's state: the loop's rules said no, nothing written
                s.rollback()
        # Writes beside the store's: an assignment no longer handed out, one taken off.
        s.execute(update(Assignment).where(Assignment.item_id == ids[0]).values(assigned_at=None))
        s.execute(delete(Assignment).where(Assignment.item_id == ids[1]))
        s.commit()
        conn = s.connection()
        assert aggregates.kept(conn) == aggregates.recount(conn)
    same_dashboards(web, seeded)


def test_pause_and_rebuild_count_a_bulk_load_once(web):
    seeded = seed(web.db, web.settings)
    with web.db.session() as s:
        aggregates.pause(s.connection())
        s.execute(update(ItemRow).values(due=ItemRow.due))  # no trigger: nothing counted
        s.execute(text("DELETE FROM dashboard_counts"))
        s.commit()
    web.item("in_progress")  # written while paused: not counted
    with web.db.session() as s:
        assert aggregates.kept(s.connection()) == {}
        aggregates.rebuild(s.connection(), zone=web.settings.timezone,
                           near_days=web.settings.warning_policy.near_days)
        s.commit()
        conn = s.connection()
        assert aggregates.kept(conn) == aggregates.recount(conn) != {}
        assert counts.kept(s) == counts.recount(s)
    web.item("done")  # the triggers are back
    with web.db.session() as s:
        assert aggregates.kept(s.connection()) == aggregates.recount(s.connection())
    same_dashboards(web, seeded, days=(0, 3))


def test_a_day_before_the_fold_is_counted_from_the_items(web):
    seeded = seed(web.db, web.settings)
    with web.db.session() as s:
        assert aggregates.ready(s, web.settings.timezone, web.settings.warning_policy.near_days, seeded.today)
        aggregates.fold(s.connection(), seeded.today + timedelta(days=10))
        s.commit()
        assert not aggregates.ready(s, web.settings.timezone, web.settings.warning_policy.near_days, seeded.today)
    same_dashboards(web, seeded, days=(0, 10, 11, 30))
