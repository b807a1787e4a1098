"""Due dates: the one the text fixes, else the default rule of the item's kind, counted from assignment."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.ledger.due import Due, DuePolicy, add_months, by_rule, due_date, due_for
from luoshi.ledger.errors import InvalidValue
from luoshi.ledger.items import Item, Kind

ON = date(2024, 3, 15)


def test_a_date_fixed_by_the_text_wins():
    assert due_date(Kind.TASK, ON, "2024-12-31") == Due(date(2024, 12, 31), "text")
    assert due_date(Kind.TASK, ON, date(2024, 2, 1)) == Due(date(2024, 2, 1), "text")  # already past: overdue


def test_defaults_per_kind():
    assert {k.value: due_date(k, ON) for k in Kind} == {
        "decision": Due(date(2024, 4, 14), "default", "30d"),
        "task": Due(date(2024, 4, 14), "default", "30d"),
        "target": Due(date(2024, 12, 31), "default", "year_end"),
        "suggestion": Due(date(2024, 6, 15), "default", "3m"),
    }


def test_defaults_are_configurable():
    policy = DuePolicy(task="2w", suggestion="90d", decision="1y")
    assert [due_date(k, ON, None, policy).date for k in (Kind.TASK, Kind.SUGGESTION, Kind.DECISION)] == [
        date(2024, 3, 29), date(2024, 6, 13), date(2025, 3, 15)]
    with pytest.raises(InvalidValue, match="工作任务的默认期限 'soon' 无法识别：请写成例如 30d"):
        DuePolicy(task="soon")


def test_months_clamp_to_the_end_of_a_shorter_month():
    assert [add_months(date(2023, 11, 30), 3), add_months(date(2024, 11, 30), 3), add_months(date(2024, 1, 31), 1),
            add_months(date(2024, 12, 15), 1)] == [date(2024, 2, 29), date(2025, 2, 28), date(2024, 2, 29),
                                                   date(2025, 1, 15)]
    assert by_rule("1y", date(2024, 2, 29)) == date(2025, 2, 28)


def test_due_for_an_item_uses_its_extracted_date():
    item = Item(id="i", kind=Kind.SUGGESTION, title="t", due=None, due_text="尽快")
    assert due_for(item, ON) == Due(date(2024, 6, 15), "default", "3m")
    assert due_for(Item(id="i", kind=Kind.TASK, title="t", due=date(2024, 6, 30), due_text="6月底前"), ON) == Due(
        date(2024, 6, 30), "text")


def test_a_bad_extracted_date_is_named():
    with pytest.raises(InvalidValue, match="完成时限“2024-13-01”不是日期"):
        due_date(Kind.TASK, ON, "2024-13-01")
