"""The ledger query's warning filter (SQL) colours every item as `luoshi.ledger.warning` does (Python)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from luoshi.ledger import Actor, Colour, Role, WarningPolicy, warning
from luoshi.settings import Settings
from luoshi.store.items import list_items, to_item, today_in
from luoshi.store.models import ItemRow
from luoshi.store.warnings import colour_clause, ensure_current

TODAY = date(2024, 5, 10)
NOW = datetime(2024, 5, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, the same day
OFFICE = Actor("dc1", Role.SUPERVISOR)


def rows() -> list[ItemRow]:
    """A grid of items around every threshold: states, due dates, assignment and progress times."""
    out = []
    states = ["draft", "assigned", "in_progress", "completion_requested", "done"]
    dues = [None, -3, -1, 0, 1, 7, 8, 60]
    assigned = [-100, -40, -30, -29, -1]  # days before today
    progress = [None, -31, -30, -29, 0]
    percents = [0]
    hours = [0, 15, 16, 23]  # 15:30 and 16:30 UTC are either side of midnight in Shanghai
    for n, (state, due, ass, prog, pct, hour) in enumerate(itertools.product(states, dues, assigned, progress,
                                                                             percents, hours)):
        t = datetime(2024, 5, 10, hour, 30, tzinfo=UTC)
        assigned_at = None if state == "draft" else t + timedelta(days=ass)
        out.append(ItemRow(
            kind="task", state=state, title=f"item {n}", text="", due=None if due is None else TODAY + timedelta(due),
            progress=pct, assigned_at=assigned_at,
            last_progress_at=None if prog is None or assigned_at is None else max(assigned_at, t + timedelta(prog)),
            completion_requested_at=t + timedelta(days=-2 if n % 2 else 0) if state == "completion_requested" else None,
            version=1, created_at=NOW, updated_at=NOW))
    return out


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_sql_and_python_agree_on_every_colour(session, zone):
    session.add_all(rows())
    session.commit()
    settings = Settings(environment="test", secret_key="x", warning_behind_points=50, timezone=zone)
    policy, today = settings.warning_policy, today_in(settings, NOW)
    # The rows were written without the service: their warning days are computed on first use.
    assert ensure_current(session, policy, zone) == len(rows())
    assert ensure_current(session, policy, zone) == 0  # once per database, process and rule
    by_python: dict[str, set[int]] = {"red": set(), "yellow": set(), "green": set(), "none": set()}
    for row in session.scalars(select(ItemRow)):
        colour = warning(to_item(row, settings.zone), today, policy).colour
        by_python[colour.value if colour else "none"].add(row.id)
    by_sql = {c: set(session.scalars(select(ItemRow.id).where(colour_clause(c, today))))
              for c in by_python}
    assert all(by_python[c] for c in by_python)  # every colour occurs
    assert by_sql == by_python
    page = list_items(session, actor=OFFICE, warning="yellow", per_page=200, settings=settings, now=NOW)
    assert page.total == len(by_python["yellow"]) and {v.id for v in page.rows} <= by_python["yellow"]


def test_the_rows_view_carries_the_python_warning(session):
    row = rows()[400]
    session.add(row)
    session.commit()
    settings = Settings(environment="test", secret_key="x")
    [view] = list_items(session, actor=OFFICE, settings=settings, now=NOW).rows
    assert view.warning == warning(to_item(row, settings.zone), TODAY, WarningPolicy())


def test_rows_written_under_other_thresholds_are_recomputed(session):
    """The thresholds changed between writing and reading: the stored days follow the rule in force."""
    session.add_all(rows())
    session.commit()
    for near, stale in ((7, 30), (3, 10), (14, 60)):
        settings = Settings(environment="test", secret_key="x", warning_near_days=near, warning_stale_days=stale)
        policy, today = settings.warning_policy, today_in(settings, NOW)
        expected = {row.id for row in session.scalars(select(ItemRow))
                    if warning(to_item(row, settings.zone), today, policy).colour == Colour.YELLOW}
        page = list_items(session, actor=OFFICE, warning="yellow", per_page=200, settings=settings, now=NOW)
        assert expected and page.total == len(expected)
        assert {v.id for v in page.rows} <= expected
