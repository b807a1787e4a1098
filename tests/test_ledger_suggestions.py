"""Deputies' suggestions: assignment, reply rounds, satisfaction and re-handling, who may act, warnings, statistics."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from luoshi import glossary
from luoshi.ledger import events
from luoshi.ledger.actors import Actor, Role
from luoshi.ledger.audit import record_all, verify
from luoshi.ledger.errors import InvalidTransition, InvalidValue, MissingField, PermissionDenied
from luoshi.ledger.items import SourceRef
from luoshi.ledger.suggestions import (Opinion, Outcome, Procedure, Round, Satisfaction, Suggestion, SuggestionAction,
                                       SuggestionPolicy, SuggestionState, Tally, apply, available, by_category,
                                       by_satisfaction, by_unit, can_view, from_record, from_review, new_suggestion,
                                       warning)
from luoshi.ledger.warnings import Colour, ItemWarning, Reason, WarningPolicy

CST = timezone(timedelta(hours=8))
T0 = datetime(2024, 3, 1, 9, tzinfo=CST)
OFFICE = Actor("dc1", Role.SUPERVISOR)
CONGRESS = Actor("rd1", Role.CONGRESS)
LEADER = Actor("mayor", Role.LEADER)
LEAD = Actor("u-jt", Role.UNIT, unit="县交通运输局")
CO = Actor("u-ga", Role.UNIT, unit="县公安局")
OTHER = Actor("u-jy", Role.UNIT, unit="县教育局")
State, Action = SuggestionState, SuggestionAction


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def registered() -> Suggestion:
    s, _ = new_suggestion(id="s-12", no=12, title="优化城乡公交线路", category="城乡建设", deputies=["王明", "李华"],
                          text="王明、李华代表建议增设城乡公交站点。", actor=CONGRESS, now=T0)
    return s


def assigned(**policy) -> Suggestion:
    s, _ = apply(registered(), "assign", OFFICE, T0, lead_unit="县交通运输局", co_units=["县公安局"],
                 policy=SuggestionPolicy(**policy))
    return s


def run(s: Suggestion, *steps: tuple) -> tuple[Suggestion, list[events.Event]]:
    out = []
    for action, actor, n, data in steps:
        s, e = apply(s, action, actor, day(n), **data)
        out.append(e)
    return s, out


def test_glossary_has_every_term_of_suggestions():
    assert [set(glossary.terms(f)) for f in ("suggestion_state", "suggestion_action", "satisfaction", "outcome")] == [
        {m.value for m in e} for e in (SuggestionState, SuggestionAction, Satisfaction, Outcome)]
    assert [m.label for m in Satisfaction] == ["满意", "基本满意", "不满意"]


def test_assignment_sets_the_reply_deadline_three_months_on():
    s = assigned()
    assert (s.state, s.lead_unit, s.co_units, s.rounds, s.version) == (
        State.ASSIGNED, "县交通运输局", ("县公安局",), (Round(no=1, assigned_at=T0, due=date(2024, 6, 1)),), 2)


def test_the_reply_deadline_is_configurable_or_given():
    given, _ = apply(registered(), "assign", OFFICE, T0, lead_unit="县交通运输局", due="2024-04-15")
    assert (assigned(reply_rule="60d").due, given.due) == (date(2024, 4, 30), date(2024, 4, 15))


def test_reply_satisfied_closes_it():
    s, evs = run(assigned(), ("co_opinion", CO, 10, {"text": "同意增设站点，配合做好交通安全设施"}),
                 ("reply", LEAD, 40, {"text": "已增设站点2处", "outcome": "solved"}),
                 ("evaluate", CONGRESS, 50, {"satisfaction": "基本满意"}))
    assert s == replace(assigned(), state=State.CLOSED, version=5, closed_at=day(50), rounds=(Round(
        no=1, assigned_at=T0, due=date(2024, 6, 1), opinions=(Opinion("县公安局", "同意增设站点，配合做好交通安全设施", day(10)),),
        reply="已增设站点2处", outcome=Outcome.SOLVED, replied_at=day(40), replied_by="u-jt",
        satisfaction=Satisfaction.BASICALLY_SATISFIED, evaluated_at=day(50)),))
    assert [(e.type, e.from_state, e.to_state) for e in evs] == [
        ("suggestion.co_opinion", State.ASSIGNED, State.ASSIGNED), ("suggestion.reply", State.ASSIGNED, State.REPLIED),
        ("suggestion.evaluate", State.REPLIED, State.CLOSED)]


def test_dissatisfied_opens_a_rehandling_round_with_its_own_deadline():
    s, evs = run(assigned(), ("reply", LEAD, 40, {"text": "已研究"}),
                 ("evaluate", CONGRESS, 50, {"satisfaction": "dissatisfied", "comment": "站点位置不合理"}))
    assert (s.state, s.due, [r.no for r in s.rounds], s.rounds[0].comment, s.satisfaction, evs[-1].next_due) == (
        State.REHANDLING, date(2024, 5, 20), [1, 2], "站点位置不合理", Satisfaction.DISSATISFIED, date(2024, 5, 20))
    s, evs = run(s, ("reply", LEAD, 60, {"text": "调整站点位置", "outcome": "solved"}),
                 ("evaluate", OFFICE, 65, {"satisfaction": "满意"}))
    assert (s.state, s.satisfaction, s.rehandled, [r.satisfaction for r in s.rounds]) == (
        State.CLOSED, Satisfaction.SATISFIED, True, [Satisfaction.DISSATISFIED, Satisfaction.SATISFIED])


def test_after_the_last_round_dissatisfied_closes_it():
    s, _ = run(assigned(), ("reply", LEAD, 40, {"text": "a"}), ("evaluate", CONGRESS, 50, {"satisfaction": "不满意"}),
               ("reply", LEAD, 60, {"text": "b"}), ("evaluate", CONGRESS, 70, {"satisfaction": "不满意"}))
    assert (s.state, len(s.rounds), s.satisfaction, s.closed_at) == (
        State.CLOSED, 2, Satisfaction.DISSATISFIED, day(70))
    three, _ = run(assigned(max_rounds=3), ("reply", LEAD, 40, {"text": "a"}))
    three, _ = apply(three, "evaluate", CONGRESS, day(50), satisfaction="不满意", policy=SuggestionPolicy(max_rounds=3))
    assert three.state is State.REHANDLING


def test_reassign_hands_the_round_to_other_units_with_a_fresh_deadline():
    s, evs = run(assigned(), ("reassign", OFFICE, 5, {"lead_unit": "县住建局", "reason": "站点属城建规划", "co_units": []}))
    assert (s.lead_unit, s.co_units, s.due, evs[0].previous_lead_unit) == ("县住建局", (), date(2024, 6, 6), "县交通运输局")


@pytest.mark.parametrize("action, actor, data, message", [
    ("reply", CO, {"text": "x"}, "只有主办单位可以办理这件代表建议的“答复”"),
    ("co_opinion", LEAD, {"text": "x"}, "只有协办单位可以办理这件代表建议的“协办意见”"),
    ("reply", OTHER, {"text": "x"}, "只有主办单位可以办理这件代表建议的“答复”"),
    ("reassign", CONGRESS, {"lead_unit": "x", "reason": "y"}, "人大不能办理代表建议的“调整交办”：只有系统管理员、督查室可以"),
    ("evaluate", LEAD, {"satisfaction": "满意"},
     "承办单位联络员不能办理代表建议的“满意度测评”：只有系统管理员、督查室、人大可以"),
    ("remind", LEADER, {}, "领导不能办理代表建议的“催办”：只有系统管理员、督查室、人大可以"),
])
def test_who_may_act(action, actor, data, message):
    with pytest.raises(PermissionDenied) as caught:
        apply(assigned(), action, actor, day(1), **data)
    assert str(caught.value) == message


def test_wrong_state_and_wrong_data():
    with pytest.raises(InvalidTransition, match="这件代表建议当前为「办理中」，不能满意度测评；只有「已答复」的建议可以满意度测评"):
        apply(assigned(), "evaluate", CONGRESS, day(1), satisfaction="满意")
    with pytest.raises(MissingField, match="答复须填写内容"):
        apply(assigned(), "reply", LEAD, day(1), text="  ")
    replied, _ = apply(assigned(), "reply", LEAD, day(1), text="x")
    with pytest.raises(InvalidValue, match=r"“还行”无法识别（satisfaction）：请从满意（satisfied）、基本满意（basically_satisfied）、"
                                           r"不满意（dissatisfied）中选择"):
        apply(replied, "evaluate", CONGRESS, day(2), satisfaction="还行")
    with pytest.raises(InvalidValue, match="县交通运输局不能既是主办单位又是协办单位"):
        apply(registered(), "assign", OFFICE, T0, lead_unit="县交通运输局", co_units=["县交通运输局"])


def test_available_actions():
    assert [available(assigned(), a) for a in (OFFICE, CONGRESS, LEAD, CO, OTHER, LEADER)] == [
        [Action.REASSIGN, Action.REMIND], [Action.REMIND], [Action.REPLY], [Action.CO_OPINION], [], []]
    assert available(registered(), OFFICE) == [Action.ASSIGN]


def test_who_sees_a_suggestion():
    assert [can_view(a, registered()) for a in (CONGRESS, LEAD)] == [True, False]
    assert [can_view(a, assigned()) for a in (LEAD, CO, OTHER, LEADER)] == [True, True, False, True]


def test_events_read_back_and_chain():
    s, created = new_suggestion(id="s-1", title="t", actor=OFFICE, now=T0, source=SourceRef("review-3", (5, 40)))
    _, evs = run(s, ("assign", OFFICE, 0, {"lead_unit": "县交通运输局", "co_units": ["县公安局"]}),
                 ("reply", LEAD, 30, {"text": "r", "outcome": "planned"}),
                 ("evaluate", CONGRESS, 40, {"satisfaction": "不满意"}), ("remind", OFFICE, 45, {"text": "请加快"}))
    trail = [created, *evs]
    assert [events.from_dict(e.to_dict()) for e in trail] == trail
    assert verify(record_all(trail), length=5) == []
    assert evs[1].to_dict() == {"type": "suggestion.reply", "item_id": "s-1", "version": 3,
                                "at": "2024-03-31T01:00:00+00:00", "actor": "u-jt", "role": "unit",
                                "unit": "县交通运输局", "from_state": "assigned", "to_state": "replied", "round": 1,
                                "text": "r", "outcome": "planned", "late_days": 0}


def test_from_a_review_record():
    rec = {"no": 1, "title": "聚焦项目引建", "deputies": ["汪香元", "杨锐"], "text": "1.聚焦项目引建。汪香元、杨锐代表建议…",
           "span": [120, 160]}
    s, _ = from_record(rec, id="s-1", actor=CONGRESS, now=T0, category="增强产业发展硬实力", document="review.txt",
                       path="suggestions[0]")
    assert s == Suggestion(id="s-1", title="聚焦项目引建", no=1, category="增强产业发展硬实力", deputies=("汪香元", "杨锐"),
                           text="1.聚焦项目引建。汪香元、杨锐代表建议…", source=SourceRef("review.txt", (120, 160), "suggestions[0]"),
                           procedure=Procedure.REVIEW)


def test_from_a_review_summary_with_groups():
    review = {"source": "review.txt", "suggestion_groups": [
        {"no": 1, "category": "增强产业发展硬实力", "count": 2, "suggestions": [
            {"no": 1, "title": "聚焦项目引建", "deputies": ["汪香元", "杨锐"], "text": "1.聚焦项目引建。", "span": [10, 18]},
            {"no": 2, "title": "做强产业标识", "deputies": ["胡卫江"], "text": "2.做强产业标识。", "span": [20, 28]}]},
        {"no": 2, "category": "增强对外合作影响力", "count": 1, "suggestions": [
            {"no": 1, "title": "推进以港强市", "deputies": ["汪香元"], "text": "1.推进以港强市。", "span": [40, 48]}]}]}
    made = from_review(review, actor=CONGRESS, now=T0)
    assert [(s.id, s.no, s.category, s.deputies, s.source.path) for s, _ in made] == [
        ("review.txt-1.1", 1, "增强产业发展硬实力", ("汪香元", "杨锐"), "suggestion_groups[0].suggestions[0]"),
        ("review.txt-1.2", 2, "增强产业发展硬实力", ("胡卫江",), "suggestion_groups[0].suggestions[1]"),
        ("review.txt-2.1", 1, "增强对外合作影响力", ("汪香元",), "suggestion_groups[1].suggestions[0]")]


def test_a_review_summary_holds_review_points_a_summary_of_suggestions_suggestions():
    points = {"title": "关于县十八届人大三次会议审议《政府工作报告》的情况", "source": "r.txt",
              "suggestions": [{"no": 1, "title": "加快项目落地", "text": "1.加快项目落地。"}]}
    assert [s.procedure for s, _ in from_review(points, actor=CONGRESS, now=T0)] == [Procedure.REVIEW]
    summary = {**points, "title": "县十八届人大三次会议代表建议汇总"}
    assert [s.procedure for s, _ in from_review(summary, actor=CONGRESS, now=T0)] == [Procedure.SUGGESTION]
    assert [p.label for p in Procedure] == ["代表建议", "审议意见"]
    assert [p.reply_label for p in Procedure] == ["答复", "研究处理情况报告"]


def review_point() -> Suggestion:
    s, _ = new_suggestion(id="r-1", title="加快项目落地", actor=CONGRESS, now=T0, procedure="review")
    return s


def test_a_review_point_is_due_its_report_in_two_months_and_the_report_closes_it():
    s, (assigned_event, replied) = run(review_point(), ("assign", OFFICE, 0, {"lead_unit": "县交通运输局"}),
                                       ("reply", LEAD, 70, {"text": "已制定项目服务专班方案"}))
    assert assigned_event.due == date(2024, 5, 1)  # two months, not the suggestion's three
    assert (s.state, s.closed_at, s.satisfaction) == (State.CLOSED, day(70), None)
    assert (replied.to_state, replied.late_days) == (State.CLOSED, 9)
    assert available(s, CONGRESS) == []  # no satisfaction evaluation, no re-handling
    with pytest.raises(InvalidTransition):
        apply(s, "evaluate", CONGRESS, day(71), satisfaction="dissatisfied")


def test_the_review_deadline_is_a_policy_and_a_suggestion_keeps_three_months():
    s, event = apply(review_point(), "assign", OFFICE, T0, lead_unit="县交通运输局",
                     policy=SuggestionPolicy(review_rule="30d"))
    assert event.due == date(2024, 3, 31)
    _, event = apply(registered(), "assign", OFFICE, T0, lead_unit="县交通运输局", policy=SuggestionPolicy(review_rule="30d"))
    assert event.due == date(2024, 6, 1)
    with pytest.raises(InvalidValue, match="review_rule"):
        SuggestionPolicy(review_rule="two months")


def test_the_procedure_is_in_the_creation_event_and_read_back():
    _, event = new_suggestion(id="r-1", title="加快项目落地", actor=CONGRESS, now=T0, procedure="review")
    assert event.to_dict()["procedure"] == "review"
    assert events.from_dict(event.to_dict()) == event
    old = {k: v for k, v in event.to_dict().items() if k != "procedure"}  # written before procedures existed
    assert events.from_dict(old).procedure is Procedure.SUGGESTION
    with pytest.raises(InvalidValue, match="procedure"):
        new_suggestion(id="x", title="t", actor=CONGRESS, now=T0, procedure="motion")


# -- warnings -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("today, expected", [
    (date(2024, 4, 1), ItemWarning(Colour.GREEN, (), 61, 0, 31)),
    (date(2024, 4, 15), ItemWarning(Colour.YELLOW, (Reason.STALE,), 47, 0, 45)),
    (date(2024, 5, 17), ItemWarning(Colour.YELLOW, (Reason.DUE_SOON, Reason.STALE), 15, 0, 77)),
    (date(2024, 6, 3), ItemWarning(Colour.RED, (Reason.OVERDUE, Reason.STALE), -2, 2, 94)),
])
def test_warning_colours_by_the_reply_deadline(today, expected):
    assert warning(assigned(), today) == expected


def test_an_opinion_counts_as_activity_and_thresholds_are_configurable():
    s, _ = run(assigned(), ("co_opinion", CO, 20, {"text": "x"}))
    assert warning(s, date(2024, 4, 15)).colour is Colour.GREEN
    strict = SuggestionPolicy(warning=WarningPolicy(near_days=30, stale_days=90, behind_points=None))
    assert warning(s, date(2024, 5, 2), strict).reasons == (Reason.DUE_SOON,)


def test_a_reply_stops_the_clock_and_a_late_one_stays_red():
    on_time, _ = run(assigned(), ("reply", LEAD, 40, {"text": "x"}))
    late, evs = run(assigned(), ("reply", LEAD, 95, {"text": "x"}))
    assert [warning(on_time, date(2024, 7, 1)).colour, warning(late, date(2024, 7, 1)), evs[0].late_days,
            warning(registered(), date(2024, 7, 1)).colour] == [
        Colour.GREEN, ItemWarning(Colour.RED, (Reason.OVERDUE,), -3, 3, None), 3, None]


# -- statistics -------------------------------------------------------------------------------------------------

def sample() -> list[Suggestion]:
    a, _ = run(assigned(), ("reply", LEAD, 40, {"text": "x"}), ("evaluate", CONGRESS, 50, {"satisfaction": "满意"}))
    b, _ = run(assigned(), ("reply", LEAD, 40, {"text": "x"}), ("evaluate", CONGRESS, 50, {"satisfaction": "不满意"}))
    c = replace(assigned(), id="s-13", category="教育医疗")
    d, _ = apply(replace(registered(), id="s-14", category="教育医疗"), "assign", OFFICE, T0, lead_unit="县教育局")
    d, _ = run(d, ("reply", OTHER, 30, {"text": "x"}),
               ("evaluate", CONGRESS, 35, {"satisfaction": "基本满意"}))
    return [a, b, c, d, replace(registered(), id="s-15", category=None)]


def test_statistics_by_category():
    # On 10 June the first round (due 1 June) and the re-handling round (due 20 May) are overdue.
    assert by_category(sample(), date(2024, 6, 10)) == {
        "城乡建设": Tally(total=2, handling=1, closed=1, overdue=1, rehandled=1, satisfied=1, dissatisfied=1),
        "教育医疗": Tally(total=2, handling=1, closed=1, overdue=1, basically_satisfied=1),
        "": Tally(total=1, registered=1)}


def test_statistics_by_unit_ranked_by_overdue():
    assert by_unit(sample(), date(2024, 6, 10)) == {
        "县交通运输局": Tally(total=3, handling=2, closed=1, overdue=2, rehandled=1, satisfied=1, dissatisfied=1),
        "县教育局": Tally(total=1, closed=1, basically_satisfied=1)}
    assert list(by_unit(sample(), co_operating=True)) == ["县公安局"]


def test_statistics_by_satisfaction_and_the_rate():
    stats = sample()
    assert (by_satisfaction(stats), by_category(stats)["城乡建设"].satisfied_rate, Tally().satisfied_rate) == (
        {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1, "pending": 2}, 50, None)
