"""A unit's assignments copy the item columns its ledger filters on (state, due, the warning days): they
follow every change of the item, and a unit's ledger filtered through them lists what the items say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from luoshi.ledger import Actor, Role, warning
from luoshi.settings import Settings
from luoshi.store.items import act, create_item, list_items, load_item, to_item, today_in
from luoshi.store.models import UNIT_COPY, Assignment, ItemRow
from luoshi.store.orgs import create_organisation
from luoshi.store.warnings import ensure_current

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)


def copies_follow_items(session) -> None:  # type: ignore[no-untyped-def]
    items = {r.id: r for r in session.scalars(select(ItemRow))}
    assignments = session.scalars(select(Assignment)).all()
    assert assignments
    for a in assignments:
        assert {n: getattr(a, n) for n in UNIT_COPY} == {n: getattr(items[a.item_id], n) for n in UNIT_COPY}


def test_the_copies_follow_every_step(session, settings):
    units = [create_organisation(session, name=n).id for n in ("市商务局", "市财政局")]
    sw = Actor("u1", Role.UNIT, unit=str(units[0]))
    row = create_item(session, actor=OFFICE, kind="task", title="推进外贸稳增长", lead_units=["市商务局"],
                      co_units=["市财政局"], now=NOW, settings=settings)
    copies_follow_items(session)
    steps = [(OFFICE, "confirm", {}), (OFFICE, "assign", {"due": "2024-03-20"}), (sw, "accept", {}),
             (sw, "report_progress", {"text": "已启动", "percent": 20}),
             (sw, "request_extension", {"due": "2024-05-31", "reason": "材料未齐"}),
             (OFFICE, "approve_extension", {}), (sw, "apply_completion", {"text": "已完成"}),
             (OFFICE, "return", {"reason": "缺少佐证材料"}), (sw, "apply_completion", {"text": "补充佐证"}),
             (OFFICE, "approve", {})]
    for version, (actor, action, payload) in enumerate(steps, 1):
        act(session, item_id=row.id, actor=actor, action=action, expected_version=version, settings=settings,
            now=NOW + timedelta(days=version), **payload)
        copies_follow_items(session)
        # The ledger's page (Core rows, extensions read only when counted) shows the item as the ORM does.
        [listed] = list_items(session, actor=OFFICE, settings=settings, now=NOW).rows
        assert listed.item == load_item(session, item_id=row.id, actor=OFFICE)


def test_a_units_ledger_by_colour_agrees_with_the_items(session):
    """Items written without the service get their copies with their warning days on first use."""
    units = [create_organisation(session, name=f"第{i}局").id for i in range(3)]
    session.commit()
    for n in range(90):
        assigned = NOW - timedelta(days=n % 45)
        session.add(ItemRow(id=n + 1, kind="task", state=["assigned", "in_progress", "completion_requested"][n % 3],
                            title=f"item {n}", text="", due=(NOW + timedelta(days=n % 20 - 8)).date(),
                            progress=(n * 7) % 100, assigned_at=assigned,
                            completion_requested_at=assigned + timedelta(days=1) if n % 3 == 2 else None,
                            version=1, created_at=NOW, updated_at=NOW))
        session.flush()
        session.add(Assignment(item_id=n + 1, organisation_id=units[n % 3], role="lead", position=0))
    session.commit()
    settings = Settings(environment="test", secret_key="x", _env_file=None)
    ensure_current(session, settings.warning_policy, settings.timezone)
    copies_follow_items(session)
    today = today_in(settings, NOW)
    unit_actor = Actor("u", Role.UNIT, unit=str(units[1]))
    for colour in ("red", "yellow", "green"):
        for state in (None, "in_progress"):
            expected = {r.id for r in session.scalars(select(ItemRow))
                        if (r.id - 1) % 3 == 1 and (state is None or r.state == state)
                        and (w := warning(to_item(r, settings.zone), today, settings.warning_policy).colour)
                        and w.value == colour}
            for actor, unit in ((OFFICE, units[1]), (unit_actor, None)):
                page = list_items(session, actor=actor, unit=unit, state=state, warning=colour, per_page=200,
                                  settings=settings, now=NOW)
                assert {v.id for v in page.rows} == expected and page.total == len(expected), (colour, state)
