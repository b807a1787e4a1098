"""The dashboard's kept counts (`luoshi.store.aggregates`): after random writes through the store they equal
a recount, the dashboard read from them equals the dashboard counted from the items on the days that
follow, and a bulk load pauses the triggers and rebuilds once."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import delete, func, select, text, update

from dashboardseed import seed, unit_actor
from luoshi import jobs
from luoshi.ledger import Actor, Role
from luoshi.store import aggregates, counts
from luoshi.store import items as store_items
from luoshi.store.dashboard import dashboard, units_ranked
from luoshi.store.db import recorded_statements
from luoshi.store.items import act, create_item, list_items, today_in
from luoshi.store.models import Assignment, ItemRow
from luoshi.store.orgs import create_organisation, find_organisation
from luoshi.store.warnings import colour_clause
from webfixtures import OFFICE, TO_STATE, cheap_password_hashes, make_web, web  # noqa: F401

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


def test_the_office_ledger_by_state_and_colour_reads_its_total_from_the_kept_facts(web):
    """The office's ledger filtered by state and colour (在办 · 红灯) takes its total from the red and warned
    facts, keyed by state, instead of counting the items: the same totals as counted, on the days after
    (folded through each), and counted from the items for a day before the fold."""
    seeded = seed(web.db, web.settings)
    now = seeded.now
    with web.db.session() as s:  # counted with this test's settings first (a rebuild counts the items)
        aggregates.ready(s, web.settings.timezone, web.settings.warning_policy.near_days, seeded.today)
    cases = [(colour, states) for colour in ("red", "yellow", "green")
             for states in (None, ["in_progress"], ["assigned", "completion_requested"], ["done"])]
    for day in (0, 1, 6, 8, 40, 3):  # 3: a day before the one folded through (40 − 1)
        at = now + timedelta(days=day)
        today = today_in(web.settings, at)
        with web.db.session() as s:
            for colour, states in cases:
                with recorded_statements(web.db.engine) as seen:
                    page = list_items(s, actor=OFFICE, state=states, warning=colour, per_page=1, settings=web.settings,
                                      now=at)
                where = [colour_clause(colour, today)] + ([ItemRow.state.in_(states)] if states else [])
                counted = s.scalar(select(func.count()).select_from(ItemRow).where(*where))
                assert page.total == counted, (day, colour, states)
                items_counted = any("count(*)" in sql and "FROM items" in sql for sql, _ in seen)
                assert items_counted == (day == 3 and counted > 0), (day, colour, states)


# unit, due (days from today) of items handed out beside the seed's: ties on overdue items at every rank,
# broken by items due soon and then by name
MORE_DUES = (("市发改委", -3), ("市发改委", 2), ("市教育局", -3), ("市教育局", 2), ("市教育局", 4), ("市民政局", -5),
             ("市交通局", -2), ("市交通局", -4), ("市水务局", 3))


def test_the_first_units_of_the_ranking_are_those_of_the_whole_ranking(web):
    """The dashboard's first N units of the office's ranking read only the due-soon facts of the units that
    can be among them (as many overdue items as the N-th most overdue unit, or more): the same units, in the
    same order, as the first N of the whole ranking and as counted from the items, ties included; one
    statement when at least N units have overdue items, the whole ranking when fewer do."""
    seeded = seed(web.db, web.settings)
    with web.db.session() as s:
        for n, (unit, due) in enumerate(MORE_DUES):
            org = find_organisation(s, unit) or create_organisation(s, name=unit)
            row = create_item(s, actor=OFFICE, kind="task", title=f"排名事项{n}", text=f"排名事项{n}",
                              lead_units=[str(org.id)], settings=web.settings, now=seeded.now)
            act(s, item_id=row.id, actor=OFFICE, action="confirm", expected_version=1, settings=web.settings,
                now=seeded.now)
            act(s, item_id=row.id, actor=OFFICE, action="assign", expected_version=2, settings=web.settings,
                now=seeded.now, due=(seeded.today + timedelta(days=due)).isoformat())
        aggregates.ready(s, web.settings.timezone, web.settings.warning_policy.near_days, seeded.today)
    ranked = {}
    with web.db.session() as s:
        for day in (0, 1, 3, 6):
            today = seeded.today + timedelta(days=day)
            whole = units_ranked(s, actor=OFFICE, today=today, settings=web.settings)
            counted = units_ranked(s, actor=OFFICE, today=today, settings=web.settings, kept=False)
            assert whole == counted and len(whole) >= 6, day
            overdue = sum(1 for u in whole if u.overdue)
            ranked[day] = [(u.name, u.overdue, u.due_soon) for u in whole]
            for limit in range(1, len(whole) + 2):
                with recorded_statements(web.db.engine) as seen:
                    first = units_ranked(s, actor=OFFICE, today=today, settings=web.settings, limit=limit)
                assert first == whole[:limit], (day, limit)
                read = [sql for sql, _ in seen if "dashboard_counts" in sql]
                assert len(read) == (1 if limit <= overdue else 2), (day, limit, overdue)
    assert ranked[0] == [("市商务局", 2, 1), ("市交通局", 2, 0), ("市教育局", 1, 2), ("市发改委", 1, 1), ("市民政局", 1, 0),
                         ("市财政局", 0, 2), ("市水务局", 0, 1)]


def coloured_totals(web, now):
    """{(colour, state): the office ledger's total} as `list_items` gives it on `now`."""
    with web.db.session() as s:
        return {(colour, state): list_items(s, actor=OFFICE, state=[state], warning=colour, per_page=1,
                                            settings=web.settings, now=now).total
                for colour in ("red", "yellow", "green") for state in ("assigned", "in_progress")}


def test_an_upgrade_keys_the_facts_by_state_online_while_items_are_written(make_db, settings, monkeypatch):
    """On PostgreSQL the upgrade to 0022 replaces the trigger functions and queues a job; the facts counted
    before it (keyed '') are keyed by state a range of items per transaction while the app writes, below the
    frontier and above it. The counts then equal a recount, and the ledger's coloured totals, counted from
    the items meanwhile, are read from the facts, the same."""
    cheap_password_hashes(monkeypatch)
    web = make_web(make_db("postgresql"), settings)
    seeded = seed(web.db, web.settings)
    ids = [web.item(state) for state in ("in_progress", "assigned", "in_progress", "completion_requested")]
    expected = coloured_totals(web, seeded.now)
    with web.db.engine.begin() as conn:  # the facts as 0020 kept them, then the upgrade
        aggregates.rebuild(conn, zone=web.settings.timezone, near_days=web.settings.warning_policy.near_days)
        conn.execute(text("DELETE FROM dashboard_counts WHERE kind IN ('red', 'warned')"))
        aggregates.fill(conn, kinds=("red", "warned"), key="''")
        aggregates.key_by_state(conn)
    with web.db.session() as s:
        assert not aggregates.keyed(s)
        assert s.scalar(text("SELECT count(*) FROM jobs WHERE kind = 'dashboard_keys' AND state = 'queued'")) == 1
        with recorded_statements(web.db.engine) as seen:
            assert coloured_totals(web, seeded.now) == expected  # counted from the items meanwhile
        assert any("count(*)" in sql and "FROM items" in sql for sql, _ in seen)

    rng = random.Random(3)
    writes = []

    def write_between_ranges(percent: int, message: str) -> None:
        who, action, payload = rng.choice(MOVES[1:3] + MOVES[4:])
        item_id = rng.choice(ids + list(seeded.items.values()))
        with web.db.session() as s:
            try:
                store_items.act(s, item_id=item_id, actor=web.actor(who) if who != "office" else OFFICE,
                                action=action, expected_version=None, settings=web.settings, **payload)
                writes.append(item_id)
            except Exception:
                s.rollback()

    keyed = aggregates.key_facts(web.db.engine, batch=3, report=write_between_ranges)
    assert keyed == len(seeded.items) + len(ids) and writes
    with web.db.engine.begin() as conn:
        through = conn.execute(text("SELECT folded_through FROM dashboard_marks")).scalar()
        aggregates.fold(conn, through)  # the rows the keying moved to their facts' own days, folded as before
        assert aggregates.kept(conn) == aggregates.recount(conn)
    with web.db.session() as s:
        assert aggregates.keyed(s)
        totals = {(colour, state): s.scalar(select(func.count()).select_from(ItemRow).where(
            colour_clause(colour, seeded.today), ItemRow.state == state)) for colour, state in expected}
    with recorded_statements(web.db.engine) as seen:
        assert coloured_totals(web, seeded.now) == totals
    assert not any("count(*)" in sql and "FROM items" in sql for sql, _ in seen)
    assert [j.result for j in jobs.run_pending(web.db)] == [{"keyed": 0}]  # the job finds nothing left
