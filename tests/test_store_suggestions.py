"""Deputies' suggestions in the database: a review summary's suggestions registered once, the loop of
assignment, reply, 不满意, re-handling and 满意 through `act_on_suggestion` (with optimistic locking and the
audit log), who may see and do what, reply-deadline warnings, and the statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from luoshi.errors import NotFound
from luoshi.ingest import ingest_paths
from luoshi.ledger import Actor, Conflict, PermissionDenied, Role
from luoshi.ledger.suggestions import Tally
from luoshi.store.audit import verify_audit
from luoshi.store.orgs import create_organisation
from luoshi.store.suggestions import (act_on_suggestion, create_suggestion, get_suggestion, list_suggestions,
                                      suggestion_history, suggestion_statistics)

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
OFFICE = Actor("dc1", Role.SUPERVISOR)
CONGRESS = Actor("rd1", Role.CONGRESS)
REVIEW = Path(__file__).resolve().parents[1] / "luoshi" / "samples" / "qingxi_congress_review_2024.txt"


def at(days: int) -> datetime:
    return NOW + timedelta(days=days)


@pytest.fixture
def units(session):
    """县住建局 (lead), 县财政局 (co-operating), 县教育局 (a stranger)."""
    return {n: create_organisation(session, name=n).id for n in ("县住建局", "县财政局", "县教育局")}


def unit_user(unit_id: int) -> Actor:
    return Actor(f"u{unit_id}", Role.UNIT, unit=str(unit_id))


def as_suggestions(session) -> None:
    """The sample review's points handled as deputies' suggestions (代表建议: reply, evaluation,
    re-handling), which is what the loop tests drive; review points have a procedure of their own."""
    from sqlalchemy import update

    from luoshi.store.tracking import SuggestionRow

    session.execute(update(SuggestionRow).values(procedure="suggestion"))
    session.commit()


@pytest.fixture
def review_points(session, settings, units):
    """The sample review summary ingested: ten registered review points (审议意见)."""
    ingest_paths(session, [REVIEW], settings=settings, now=NOW)
    return list_suggestions(session, actor=OFFICE, settings=settings, now=NOW).rows


@pytest.fixture
def registered(session, settings, review_points):
    """Ten registered suggestions: the sample review's points, as 代表建议."""
    as_suggestions(session)
    return list_suggestions(session, actor=OFFICE, settings=settings, now=NOW).rows


def step(session, settings, sid, actor, action, version, days, **payload):
    return act_on_suggestion(session, suggestion_id=sid, actor=actor, action=action, expected_version=version,
                             settings=settings, now=at(days), **payload)


def test_a_review_summary_registers_its_suggestions_once(session, settings, registered):
    again = ingest_paths(session, [REVIEW], settings=settings, now=NOW)
    rows = list_suggestions(session, actor=CONGRESS, settings=settings, now=NOW).rows
    assert again.noop == 1
    assert [(v.suggestion.category, v.suggestion.no, v.suggestion.title, v.suggestion.deputies) for v in rows[:4]] == [
        ("推动产业转型升级", 1, "加快项目落地", ("周建华", "吴秀英")), ("推动产业转型升级", 2, "扶持中小企业", ("陈国平",)),
        ("推动产业转型升级", 3, "壮大文旅产业", ("欧阳明辉", "钱晓云", "许志远")),
        ("提升城乡建设品质", 1, "改善农村道路", ("冯国强", "韩立新"))]
    first = rows[0]
    assert (len(rows), first.suggestion.state.value, first.suggestion.source.path, first.document.name,
            first.actions) == (10, "registered", "suggestion_groups[0].suggestions[0]", REVIEW.name, [])


def test_assigned_replied_dissatisfied_rehandled_then_satisfied(session, settings, units, registered):
    sid = registered[4].id  # 推进老旧小区改造
    lead, co = unit_user(units["县住建局"]), unit_user(units["县财政局"])
    step(session, settings, sid, OFFICE, "assign", 1, 0, lead_unit="县住建局", co_units=["县财政局"])
    step(session, settings, sid, co, "co_opinion", 2, 10, text="已安排改造补助资金")
    step(session, settings, sid, lead, "reply", 3, 30, text="已征求居民意见，增设停车位", outcome="planned")
    view = step(session, settings, sid, CONGRESS, "evaluate", 4, 40, satisfaction="不满意", comment="充电设施未落实")
    assert (view.suggestion.state.value, view.suggestion.due, view.actions) == (
        "rehandling", date(2024, 5, 10), ["remind"])  # the congress may chase the re-handling
    step(session, settings, sid, lead, "reply", 5, 60, text="新增充电桩120个", outcome="solved")
    view = step(session, settings, sid, CONGRESS, "evaluate", 6, 70, satisfaction="满意")
    s = view.suggestion
    assert (s.state.value, s.version, s.satisfaction.value, s.rehandled, s.closed_at, view.units) == (
        "closed", 7, "satisfied", True, at(70), {str(units["县住建局"]): "县住建局", str(units["县财政局"]): "县财政局"})
    assert [(r.no, r.due, r.reply, r.outcome.value, r.satisfaction.value, [o.text for o in r.opinions])
            for r in s.rounds] == [
        (1, date(2024, 6, 1), "已征求居民意见，增设停车位", "planned", "dissatisfied", ["已安排改造补助资金"]),
        (2, date(2024, 5, 10), "新增充电桩120个", "solved", "satisfied", [])]
    history = suggestion_history(session, suggestion_id=sid, actor=lead)
    assert [(h["type"], h["version"], h["actor"], h["from_state"], h["to_state"]) for h in history] == [
        ("suggestion.create", 1, "luoshi-ingest", None, "registered"),
        ("suggestion.assign", 2, "dc1", "registered", "assigned"),
        ("suggestion.co_opinion", 3, f"u{units['县财政局']}", "assigned", "assigned"),
        ("suggestion.reply", 4, f"u{units['县住建局']}", "assigned", "replied"),
        ("suggestion.evaluate", 5, "rd1", "replied", "rehandling"),
        ("suggestion.reply", 6, f"u{units['县住建局']}", "rehandling", "replied"),
        ("suggestion.evaluate", 7, "rd1", "replied", "closed")]
    assert verify_audit(session) == []


def test_a_stale_version_is_a_conflict_and_nothing_is_written(session, settings, units, registered):
    sid = registered[0].id
    step(session, settings, sid, OFFICE, "assign", 1, 0, lead_unit="县住建局")
    with pytest.raises(Conflict) as caught:
        step(session, settings, sid, OFFICE, "reassign", 1, 1, lead_unit="县教育局", reason="职能调整")
    view = get_suggestion(session, suggestion_id=sid, actor=OFFICE, settings=settings, now=at(1))
    assert (str(caught.value), view.suggestion.lead_unit, view.suggestion.version) == (
        "这件代表建议已被他人修改，请刷新后重试",
        str(units["县住建局"]), 2)


def test_who_may_see_and_act(session, settings, units, registered):
    sid = registered[0].id
    lead, co, stranger = (unit_user(units[n]) for n in ("县住建局", "县财政局", "县教育局"))
    with pytest.raises(NotFound):  # a unit does not see a suggestion before it is handed out
        get_suggestion(session, suggestion_id=sid, actor=lead, settings=settings, now=NOW)
    step(session, settings, sid, OFFICE, "assign", 1, 0, lead_unit="县住建局", co_units=["县财政局"])
    with pytest.raises(NotFound):
        get_suggestion(session, suggestion_id=sid, actor=stranger, settings=settings, now=NOW)
    with pytest.raises(PermissionDenied) as caught:
        step(session, settings, sid, co, "reply", 2, 1, text="答复")
    assert str(caught.value) == "只有主办单位可以办理这件代表建议的“答复”"
    assert [[v.id for v in list_suggestions(session, actor=a, settings=settings, now=NOW).rows]
            for a in (lead, co, stranger)] == [[sid], [sid], []]
    assert get_suggestion(session, suggestion_id=sid, actor=lead, settings=settings, now=NOW).actions == [
        "reply"]


def test_reply_deadline_warnings(session, settings, units, registered):
    sid = registered[0].id
    view = step(session, settings, sid, OFFICE, "assign", 1, 0, lead_unit="县住建局")
    assert view.suggestion.due == date(2024, 6, 1)  # three months

    def colour(day: date) -> tuple:
        now = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
        w = get_suggestion(session, suggestion_id=sid, actor=OFFICE, settings=settings, now=now).warning
        red = [v.id for v in list_suggestions(session, actor=OFFICE, warning="red", settings=settings, now=now).rows]
        return w.colour.value, w.days_left, red

    assert [colour(date(2024, 3, 20)), colour(date(2024, 5, 20)), colour(date(2024, 6, 3))] == [
        ("green", 73, []), ("yellow", 12, []), ("red", -2, [sid])]


def test_statistics_by_category_unit_and_satisfaction(session, settings, units, registered):
    for i, view in enumerate(registered[:3]):
        step(session, settings, view.id, OFFICE, "assign", 1, 0, lead_unit="县住建局" if i < 2 else "县教育局")
    lead = unit_user(units["县住建局"])
    for view in registered[:2]:
        step(session, settings, view.id, lead, "reply", 2, 10, text="已办理")
    step(session, settings, registered[0].id, OFFICE, "evaluate", 3, 20, satisfaction="基本满意")
    step(session, settings, registered[1].id, OFFICE, "evaluate", 3, 20, satisfaction="不满意")
    create_suggestion(session, actor=CONGRESS, title="加强河道保洁", category="提升城乡建设品质", deputies=["李明"],
                      settings=settings, now=at(21))
    stats = suggestion_statistics(session, actor=OFFICE, settings=settings, now=at(100))
    assert stats.by_category == {
        "推动产业转型升级": Tally(total=3, handling=2, closed=1, overdue=2, rehandled=1, basically_satisfied=1,
                          dissatisfied=1),
        "提升城乡建设品质": Tally(total=4, registered=4), "增进民生福祉": Tally(total=4, registered=4)}
    assert stats.by_unit == {"县住建局": Tally(total=2, handling=1, closed=1, overdue=1, rehandled=1,
                                            basically_satisfied=1, dissatisfied=1),
                             "县教育局": Tally(total=1, handling=1, overdue=1)}
    assert stats.by_satisfaction == {"satisfied": 0, "basically_satisfied": 1, "dissatisfied": 1, "pending": 9}


def test_the_reply_period_counts_from_the_offices_day(session, settings, units, registered):
    late_evening = datetime(2024, 2, 29, 17, 0, tzinfo=UTC)  # 1 March, 01:00 in Shanghai
    view = act_on_suggestion(session, suggestion_id=registered[0].id, actor=OFFICE, action="assign",
                             expected_version=1, lead_unit="县住建局", settings=settings, now=late_evening)
    assert view.suggestion.due == date(2024, 6, 1)


def test_two_writers_of_one_version_one_conflict(make_db, backend, settings):
    from luoshi.ledger.suggestions import apply
    from luoshi.store.suggestions import load_suggestion, save

    db = make_db(backend)
    with db.session() as a, db.session() as b:
        sid = create_suggestion(a, actor=OFFICE, title="加强河道保洁", settings=settings, now=NOW).id
        create_organisation(a, name="县住建局")
        create_organisation(a, name="县水利局")
        read_a = load_suggestion(a, suggestion_id=sid, actor=OFFICE)
        read_b = load_suggestion(b, suggestion_id=sid, actor=OFFICE)
        new_a, event_a = apply(read_a, "assign", OFFICE, at(1), lead_unit="1")
        new_b, event_b = apply(read_b, "assign", OFFICE, at(1), lead_unit="2")
        save(a, old=read_a, new=new_a, event=event_a, settings=settings)
        a.commit()
        with pytest.raises(Conflict) as caught:
            save(b, old=read_b, new=new_b, event=event_b, settings=settings)
        assert str(caught.value) == "这件代表建议已被他人修改，请刷新后重试"
    with db.session() as c:
        view = get_suggestion(c, suggestion_id=sid, actor=OFFICE, settings=settings, now=at(1))
        history = suggestion_history(c, suggestion_id=sid, actor=OFFICE)
        assert (view.suggestion.lead_unit, view.suggestion.version, [h["type"] for h in history]) == (
            "1", 2, ["suggestion.create", "suggestion.assign"])


def test_the_rehandling_period_counts_from_the_offices_day(session, settings, units, registered):
    sid = registered[4].id
    lead = unit_user(units["县住建局"])
    step(session, settings, sid, OFFICE, "assign", 1, 0, lead_unit="县住建局")
    step(session, settings, sid, lead, "reply", 2, 30, text="已征求居民意见", outcome="planned")
    late_evening = datetime(2024, 4, 9, 17, 0, tzinfo=UTC)  # 10 April, 01:00 in Shanghai
    view = act_on_suggestion(session, suggestion_id=sid, actor=CONGRESS, action="evaluate", expected_version=3,
                             satisfaction="不满意", settings=settings, now=late_evening)
    assert (view.suggestion.state.value, view.suggestion.due) == ("rehandling", date(2024, 5, 10))


def test_a_review_point_gets_a_handling_report_within_two_months_then_closes(session, settings, units, review_points):
    point = review_points[4]
    assert (point.suggestion.procedure.value, point.suggestion.title) == ("review", "推进老旧小区改造")
    lead = unit_user(units["县住建局"])
    view = step(session, settings, point.id, OFFICE, "assign", 1, 0, lead_unit="县住建局")
    assert view.suggestion.due == date(2024, 5, 1)  # LUOSHI_DUE_REVIEW, two months; not the reply's three
    view = step(session, settings, point.id, lead, "reply", 2, 30, text="已形成老旧小区改造研究处理情况报告")
    assert (view.suggestion.state.value, view.suggestion.closed_at, view.actions) == ("closed", at(30), [])
    assert [h["type"] for h in suggestion_history(session, suggestion_id=point.id, actor=CONGRESS)] == [
        "suggestion.create", "suggestion.assign", "suggestion.reply"]
    stats = suggestion_statistics(session, actor=OFFICE, settings=settings, now=at(31))
    assert stats.by_satisfaction["pending"] == 0  # review points await no evaluation


def test_the_review_deadline_is_a_setting(session, settings, units, review_points):
    custom = settings.model_copy(update={"due_review": "30d"})
    view = step(session, custom, review_points[0].id, OFFICE, "assign", 1, 0, lead_unit="县住建局")
    assert view.suggestion.due == date(2024, 3, 31)
    entered = create_suggestion(session, actor=CONGRESS, title="加强河道保洁", settings=custom, now=NOW)
    view = step(session, custom, entered.id, OFFICE, "assign", 1, 0, lead_unit="县住建局")
    assert (entered.suggestion.procedure.value, view.suggestion.due) == ("suggestion", date(2024, 6, 1))
