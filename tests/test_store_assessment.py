"""Per-unit statistics and assessment (考核), checked against figures computed by hand on a fixture that
holds every case: done on time, done late, an extension granted after the item was overdue (still "ever
overdue", not on time), an extension granted in time (on time), returned, overdue now, an item closed
before the period, one handed out after it, a cancelled one, and a unit that only co-operates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from luoshi.ledger import Actor, InvalidValue, PermissionDenied, Role, State
from luoshi.ledger.assessment import DEFAULT_WEIGHTS, Formula
from luoshi.store.assessment import (ItemFacts, Period, get_formula, ranking, save_formula, unit_items,
                                     unit_measures)
from luoshi.store.audit import admin_log
from luoshi.store.items import act, create_item
from luoshi.store.orgs import create_organisation

OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室")
TODAY = datetime(2024, 7, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
H1 = Period(date(2024, 1, 1), date(2024, 6, 30))


def on(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=2, tzinfo=UTC)


@pytest.fixture
def fixture(session, settings):
    """The items of unit A (市商务局) and B (市财政局), each driven through dated steps."""
    a, b = (create_organisation(session, name=n).id for n in ("市商务局", "市财政局"))
    ua, ub = Actor("ua", Role.UNIT, unit=str(a)), Actor("ub", Role.UNIT, unit=str(b))

    def item(name, lead, assigned, due, *steps, co=()):
        row = create_item(session, actor=OFFICE, kind="task", title=name, text=name, lead_units=[lead],
                          co_units=co, now=on("2023-10-01"), settings=settings)
        plan = [(OFFICE, "confirm", assigned, {}), (OFFICE, "assign", assigned, {"due": due}), *steps]
        for who, action, day, payload in plan:
            act(session, item_id=row.id, actor=who, action=action, expected_version=None, settings=settings,
                now=on(day), **payload)
        return row.id

    ids = {
        # done on time; reports 02-01 (22 days after hand-out: on time) and 03-20 (48 days: late)
        "A1": item("A1", a, "2024-01-10", "2024-03-31", (ua, "accept", "2024-01-11", {}),
                   (ua, "report_progress", "2024-02-01", {"text": "进展"}),
                   (ua, "apply_completion", "2024-03-20", {"text": "完成"}), (OFFICE, "approve", "2024-03-25", {})),
        # extension asked and granted after the due date (03-31): ever overdue, not on time, late request
        "A2": item("A2", a, "2024-02-01", "2024-03-31", (ua, "accept", "2024-02-02", {}),
                   (ua, "request_extension", "2024-04-05", {"due": "2024-05-31", "reason": "征地"}),
                   (OFFICE, "approve_extension", "2024-04-08", {}),
                   (ua, "apply_completion", "2024-05-15", {"text": "完成"}), (OFFICE, "approve", "2024-05-20", {})),
        # extension asked and granted before the due date (04-30), done by the new one: on time
        "A3": item("A3", a, "2024-03-01", "2024-04-30", (ua, "accept", "2024-03-02", {}),
                   (ua, "request_extension", "2024-04-20", {"due": "2024-06-30", "reason": "资金"}),
                   (OFFICE, "approve_extension", "2024-04-25", {}),
                   (ua, "apply_completion", "2024-06-25", {"text": "完成"}), (OFFICE, "approve", "2024-06-28", {})),
        # returned once, still open, overdue now
        "A4": item("A4", a, "2024-04-01", "2024-05-31", (ua, "accept", "2024-04-02", {}),
                   (ua, "report_progress", "2024-04-20", {"text": "进展"}),
                   (ua, "apply_completion", "2024-05-10", {"text": "完成"}),
                   (OFFICE, "return", "2024-05-12", {"reason": "材料不全"}),
                   (ua, "report_progress", "2024-06-30", {"text": "补充"})),
        # closed before the period: not counted (nor its report)
        "A5": item("A5", a, "2023-11-01", "2023-12-31", (ua, "accept", "2023-11-02", {}),
                   (ua, "apply_completion", "2023-12-15", {"text": "完成"}), (OFFICE, "approve", "2023-12-20", {})),
        # handed out after the period: not counted
        "A6": item("A6", a, "2024-07-05", "2024-09-30"),
        # cancelled: not counted
        "A7": item("A7", a, "2024-05-01", "2024-06-15", (OFFICE, "cancel", "2024-06-01", {"reason": "合并"})),
        # handed out before the period, done late within it
        "A8": item("A8", a, "2023-12-01", "2024-01-31", (ua, "accept", "2023-12-02", {}),
                   (ua, "apply_completion", "2024-02-05", {"text": "完成"}), (OFFICE, "approve", "2024-02-10", {})),
        # led by B with A co-operating: counted for B only; B's report 29 days after hand-out is on time
        "B1": item("B1", b, "2024-02-01", "2024-12-31", (ub, "accept", "2024-02-02", {}),
                   (ub, "report_progress", "2024-03-01", {"text": "进展"}), co=["市商务局"]),
    }
    return a, b, ids


def test_the_measures_of_each_unit_match_the_hand_computed_figures(session, settings, fixture):
    a, b, _ = fixture
    rows = unit_measures(session, period=H1, actor=OFFICE, settings=settings, now=TODAY)
    assert rows == [
        (a, "市商务局", {
            "items": 5,  # A1 A2 A3 A4 A8
            "received": 4,  # A1 A2 A3 A4
            "done": 4,  # A1 A2 A3 A8
            "done_on_time": 2,  # A1 A3: A2 was overdue before its extension, A8 was done late
            "overdue_now": 1,  # A4
            "ever_overdue": 3,  # A2 A4 A8
            "returned": 1, "extended": 2, "late_extension": 1,
            "avg_days": 93.5,  # (75 + 109 + 119 + 71) / 4
            "reports": 8,  # A1 ×2, A4 ×3, A2, A3, A8
            "reports_on_time": 3,  # A1 02-01, A4 04-20 and 05-10
            "completion_rate": 0.8, "on_time_rate": 0.5, "report_rate": 0.375}),
        (b, "市财政局", {
            "items": 1, "received": 1, "done": 0, "done_on_time": 0, "overdue_now": 0, "ever_overdue": 0,
            "returned": 0, "extended": 0, "late_extension": 0, "avg_days": None, "reports": 1,
            "reports_on_time": 1, "completion_rate": 0.0, "on_time_rate": None, "report_rate": 1.0}),
    ]


def test_the_ranking_scores_by_the_default_formula(session, settings, fixture):
    a, b, _ = fixture
    result = ranking(session, period=H1, actor=OFFICE, settings=settings, now=TODAY)
    # A: 40×0.8 + 40×0.5 + 20×0.375 − 2×1 − 1×1 = 56.5; B: 20×1.0 = 20.0
    assert [(u.rank, u.unit_id, u.score) for u in result.units] == [(1, a, 56.5), (2, b, 20.0)]
    assert result.formula == Formula(DEFAULT_WEIGHTS, 0.0)


def test_the_office_s_own_formula_is_stored_logged_and_used(session, settings, fixture):
    a, b, _ = fixture
    save_formula(session, formula={"base": 60, "weights": {"on_time_rate": 40, "ever_overdue": -5}},
                 actor=OFFICE, settings=settings, now=TODAY)
    assert get_formula(session) == Formula({"on_time_rate": 40.0, "ever_overdue": -5.0}, 60.0)
    result = ranking(session, period=H1, actor=OFFICE, settings=settings, now=TODAY)
    # A: 60 + 40×0.5 − 5×3 = 65; B: 60 + 0 − 0 = 60
    assert [(u.unit_id, u.score) for u in result.units] == [(a, 65.0), (b, 60.0)]
    assert [e["type"] for e in admin_log(session, subject="assessment:default")] == ["assessment_formula"]


def test_a_bad_formula_is_refused_in_chinese(session, settings):
    with pytest.raises(InvalidValue, match="考核指标 'speed' 不存在；可用的指标有：items（事项数）"):
        Formula.parse({"weights": {"speed": 1}})
    with pytest.raises(InvalidValue, match="按期办结率的分值应为数字，而不是 'x'"):
        Formula.parse({"weights": {"on_time_rate": "x"}})
    with pytest.raises(PermissionDenied, match="只有督查室可以修改考核办法"):
        save_formula(session, formula={}, actor=Actor("m", Role.LEADER), settings=settings)


def test_the_drill_down_shows_each_item_s_flags(session, settings, fixture):
    a, _, ids = fixture
    facts = {f.title: f for f in unit_items(session, unit=a, period=H1, actor=OFFICE, settings=settings, now=TODAY)}
    assert sorted(facts) == ["A1", "A2", "A3", "A4", "A8"]
    assert facts["A2"] == ItemFacts(ids["A2"], "A2", State.DONE, date(2024, 5, 31), date(2024, 2, 1),
                                    date(2024, 5, 20), received=True, done=True, done_on_time=False,
                                    overdue_now=False, ever_overdue=True, returned=False, extended=True,
                                    late_extension=True)
    assert (facts["A3"].done_on_time, facts["A3"].ever_overdue, facts["A3"].late_extension) == (True, False, False)
    assert (facts["A4"].overdue_now, facts["A4"].returned, facts["A4"].closed_on) == (True, True, None)


def test_a_unit_sees_its_own_line_and_others_none(session, settings, fixture):
    a, b, _ = fixture
    mine = unit_measures(session, period=H1, actor=Actor("ub", Role.UNIT, unit=str(b)), settings=settings, now=TODAY)
    assert [r[0] for r in mine] == [b]
    with pytest.raises(PermissionDenied):
        unit_items(session, unit=a, period=H1, actor=Actor("ub", Role.UNIT, unit=str(b)), settings=settings)
    with pytest.raises(PermissionDenied):
        ranking(session, period=H1, actor=Actor("rd", Role.CONGRESS), settings=settings)
    with pytest.raises(InvalidValue, match="开始日期 2024-07-01 晚于结束日期 2024-06-30"):
        Period(date(2024, 7, 1), date(2024, 6, 30))
