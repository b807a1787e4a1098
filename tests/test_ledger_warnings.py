"""Warning colours from due date, progress and staleness, at the boundary days of each threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from luoshi.ledger.errors import InvalidValue
from luoshi.ledger.items import Item, Kind
from luoshi.ledger.states import State
from luoshi.ledger.warnings import (Colour, ItemWarning, Reason, WarningDates, WarningPolicy, colour_on, warning,
                                    warning_dates)

CST = timezone(timedelta(hours=8))
DUE = date(2024, 6, 30)
# Assigned on 1 March, progress reported on 20 June: neither stale nor behind around the due date.
ITEM = Item(id="it-1", kind=Kind.TASK, title="t", state=State.IN_PROGRESS, lead_units=("市商务局",), due=DUE,
            assigned_at=datetime(2024, 3, 1, 9, tzinfo=CST), last_progress_at=datetime(2024, 6, 20, 9, tzinfo=CST),
            progress=90)


def on(days_before_due: int) -> date:
    return DUE - timedelta(days=days_before_due)


@pytest.mark.parametrize("left, colour, reasons", [
    (8, Colour.GREEN, ()),
    (7, Colour.YELLOW, (Reason.DUE_SOON,)),
    (0, Colour.YELLOW, (Reason.DUE_SOON,)),
    (-1, Colour.RED, (Reason.OVERDUE,)),
])
def test_near_and_overdue_boundaries(left, colour, reasons):
    w = warning(ITEM, on(left))
    assert (w.colour, w.reasons, w.days_left, w.overdue_days) == (colour, reasons, left, max(0, -left))


def test_overdue_counts_days():
    assert warning(ITEM, date(2024, 7, 10)) == ItemWarning(Colour.RED, (Reason.OVERDUE,), -10, 10, 20)


@pytest.mark.parametrize("since, colour", [(29, Colour.GREEN), (30, Colour.YELLOW)])
def test_staleness_boundary(since, colour):
    item = replace(ITEM, last_progress_at=datetime(2024, 4, 1, 18, tzinfo=CST), progress=60)
    w = warning(item, date(2024, 4, 1) + timedelta(days=since))
    assert (w.colour, w.days_since_progress) == (colour, since)


def test_staleness_counts_from_assignment_when_nothing_was_reported():
    item = replace(ITEM, last_progress_at=None, progress=0)
    assert warning(item, date(2024, 3, 31)) == ItemWarning(Colour.YELLOW, (Reason.STALE,), 91, 0, 30)


@pytest.mark.parametrize("progress, colour", [(0, Colour.YELLOW), (36, Colour.YELLOW), (37, Colour.GREEN)])
def test_behind_schedule(progress, colour):
    # Assigned 1 March, due 30 June (121 days); on 14 June 105 days are gone: 86 % of the time, so 36 %
    # done is 50 points behind.
    item = replace(ITEM, progress=progress, last_progress_at=datetime(2024, 6, 10, 9, tzinfo=CST))
    w = warning(item, date(2024, 6, 14), WarningPolicy(near_days=3))
    assert (w.colour, w.reasons) == (colour, (Reason.BEHIND,) if colour is Colour.YELLOW else ())


def test_thresholds_are_configurable():
    policy = WarningPolicy(near_days=15, stale_days=5, behind_points=None)
    item = replace(ITEM, progress=0, last_progress_at=datetime(2024, 6, 9, 9, tzinfo=CST))
    assert warning(item, on(15), policy).reasons == (Reason.DUE_SOON, Reason.STALE)
    assert warning(item, on(16), policy) == ItemWarning(Colour.YELLOW, (Reason.STALE,), 16, 0, 5)
    with pytest.raises(InvalidValue, match="near_days must be a whole number ≥ 0, not -1"):
        WarningPolicy(near_days=-1)


def test_several_reasons_are_all_given():
    item = replace(ITEM, last_progress_at=None, progress=0)
    assert warning(item, on(3)).reasons == (Reason.DUE_SOON, Reason.STALE, Reason.BEHIND)


@pytest.mark.parametrize("state", [State.DRAFT, State.CONFIRMED, State.DONE, State.CANCELLED])
def test_items_not_running_have_no_colour(state):
    assert warning(replace(ITEM, state=state), date(2024, 12, 1)) == ItemWarning(None)


def test_an_item_without_due_date_warns_only_on_staleness():
    item = replace(ITEM, due=None)
    assert warning(item, date(2024, 7, 19)) == ItemWarning(Colour.GREEN, (), None, 0, 29)
    assert warning(item, date(2024, 7, 20)).colour is Colour.YELLOW


def test_the_clock_stops_while_completion_is_asked():
    asked = replace(ITEM, state=State.COMPLETION_REQUESTED,
                    completion_requested_at=datetime(2024, 6, 28, 9, tzinfo=CST))
    assert warning(asked, date(2024, 8, 1)) == ItemWarning(Colour.GREEN, (), 2, 0, None)
    late = replace(asked, completion_requested_at=datetime(2024, 7, 3, 9, tzinfo=CST))
    assert warning(late, date(2024, 8, 1)) == ItemWarning(Colour.RED, (Reason.OVERDUE,), -3, 3, None)


def test_colours_and_reasons_have_chinese_labels():
    assert [c.label for c in Colour] == ["绿灯", "黄灯", "红灯"]
    assert [r.label for r in Reason] == ["逾期", "临期", "久未报送", "进度滞后"]


# -- the days an item turns yellow and red ------------------------------------------------------------

START = date(2024, 1, 1)
_days = st.integers(min_value=-40, max_value=200)


@st.composite
def items_and_policies(draw):  # type: ignore[no-untyped-def]
    state = draw(st.sampled_from(list(State)))
    assigned = None if draw(st.booleans()) and state is State.DRAFT else \
        datetime.combine(START + timedelta(draw(_days)), datetime.min.time(), CST) + timedelta(hours=draw(st.integers(0, 23)))
    due = None if draw(st.integers(0, 9)) == 0 else START + timedelta(draw(_days))
    last = None if assigned is None or draw(st.booleans()) else assigned + timedelta(days=draw(st.integers(0, 90)))
    asked = None if assigned is None or state is not State.COMPLETION_REQUESTED or draw(st.integers(0, 5)) == 0 \
        else assigned + timedelta(days=draw(st.integers(0, 120)), hours=draw(st.integers(0, 23)))
    item = Item(id="p", kind=Kind.TASK, title="t", state=state, due=due, progress=draw(st.integers(0, 100)),
                assigned_at=assigned, last_progress_at=last, completion_requested_at=asked)
    policy = WarningPolicy(draw(st.integers(0, 30)), draw(st.integers(0, 60)),
                           draw(st.one_of(st.none(), st.integers(0, 100))))
    return item, policy


@hsettings(max_examples=300, deadline=None)
@given(items_and_policies())
def test_the_two_days_give_the_colour_of_every_day(case):
    """What the database stores (yellow_on, red_on) colours the item as `warning` does, on every day."""
    item, policy = case
    dates = warning_dates(item, policy)
    for offset in range(-60, 260):
        today = START + timedelta(offset)
        assert colour_on(item, dates, today) == warning(item, today, policy).colour, (today, dates)


def test_the_days_of_an_item_in_progress():
    # Stale 30 days after the last report (20 June → 20 July) comes after due-soon (23 June); red from 1 July.
    assert warning_dates(ITEM) == WarningDates(date(2024, 6, 23), date(2024, 7, 1))
    # Completion asked for on the due date: the clock stopped in time, so it never turns red.
    waiting = replace(ITEM, state=State.COMPLETION_REQUESTED,
                      completion_requested_at=datetime(2024, 6, 30, 18, tzinfo=CST))
    assert (warning_dates(waiting).yellow, warning_dates(waiting).red) == (None, None)
