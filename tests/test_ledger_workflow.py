"""The ledger's workflow: who may take which action in which state, and what each step records."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from luoshi.errors import LuoshiError
from luoshi.ledger import events
from luoshi.ledger.actors import Actor, Role
from luoshi.ledger.audit import record_all, verify
from luoshi.ledger.errors import Conflict, InvalidTransition, InvalidValue, MissingField, PermissionDenied
from luoshi.ledger.items import Extension, ExtensionStatus, Item, Kind, Rating, SourceRef
from luoshi.ledger.states import Action, State
from luoshi.ledger.workflow import TRANSITIONS, WHO, apply, available, can_view, new_item

CST = timezone(timedelta(hours=8))
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=CST)


def day(n: int) -> datetime:
    """Nine o'clock, n days after T0: every test passes its own clock."""
    return T0 + timedelta(days=n)


ADMIN = Actor("admin1", Role.ADMIN)
OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室张三")
LEAD = Actor("u-sw", Role.UNIT, unit="市商务局")
CO = Actor("u-wj", Role.UNIT, unit="市卫健委")
OTHER = Actor("u-jt", Role.UNIT, unit="市交通运输局")
LEADER = Actor("mayor", Role.LEADER)
CONGRESS = Actor("rd1", Role.CONGRESS)
BY_ROLE = {Role.ADMIN: ADMIN, Role.SUPERVISOR: OFFICE, Role.UNIT: LEAD, Role.LEADER: LEADER, Role.CONGRESS: CONGRESS}


def draft() -> Item:
    item, _ = new_item(id="it-1", kind=Kind.TASK, title="推进外贸企业稳订单拓市场", actor=OFFICE, now=T0,
                       text="市商务局要牵头推进外贸企业稳订单拓市场，市卫健委配合，年底前完成。",
                       source=SourceRef("doc-34", (120, 151), "items[2].tasks[0]"),
                       lead_units=["市商务局"], co_units=["市卫健委"], due_text="年底前")
    return item


def run(item: Item, *steps: tuple) -> tuple[Item, list[events.Event]]:
    """Apply (action, actor, day, data) steps in turn; the final item and every event."""
    out = []
    for action, actor, n, data in steps:
        item, event = apply(item, action, actor, day(n), **data)
        out.append(event)
    return item, out


def in_state(state: State) -> Item:
    """An item brought to `state` by the ordinary path."""
    path = [(Action.CONFIRM, OFFICE, 1, {}), (Action.ASSIGN, OFFICE, 2, {"due": "2024-06-30"}),
            (Action.ACCEPT, LEAD, 3, {}),
            (Action.APPLY_COMPLETION, LEAD, 4, {"text": "已完成"}), (Action.APPROVE, OFFICE, 5, {})]
    order = [State.DRAFT, State.CONFIRMED, State.ASSIGNED, State.IN_PROGRESS, State.COMPLETION_REQUESTED,
             State.DONE]
    item, _ = run(draft(), *path[: order.index(state)])
    return item


def with_pending_extension() -> Item:
    item, _ = run(in_state(State.IN_PROGRESS),
                  (Action.REQUEST_EXTENSION, LEAD, 10, {"due": "2024-09-30", "reason": "需等待省级批复"}))
    return item


# A valid situation for each action: the item's state (or a prepared item) and the data to give.
SITUATIONS = {
    Action.CONFIRM: (State.DRAFT, {}),
    Action.ASSIGN: (State.CONFIRMED, {"due": "2024-06-30"}),
    Action.ACCEPT: (State.ASSIGNED, {}),
    Action.REPORT_PROGRESS: (State.IN_PROGRESS, {"text": "已走访企业20家", "percent": 40}),
    Action.REQUEST_EXTENSION: (State.IN_PROGRESS, {"due": "2024-09-30", "reason": "需等待省级批复"}),
    Action.APPROVE_EXTENSION: (with_pending_extension, {}),
    Action.REJECT_EXTENSION: (with_pending_extension, {"reason": "时限不能推迟"}),
    Action.APPLY_COMPLETION: (State.IN_PROGRESS, {"text": "已完成"}),
    Action.APPROVE: (State.COMPLETION_REQUESTED, {}),
    Action.RETURN: (State.COMPLETION_REQUESTED, {"reason": "佐证材料不全"}),
    Action.CANCEL: (State.IN_PROGRESS, {"reason": "事项已由上级统筹"}),
    Action.REMIND: (State.IN_PROGRESS, {"text": "请加快进度"}),
    Action.NOTIFY: (State.IN_PROGRESS, {"text": "请于3日内书面报告", "number": "青督〔2024〕3号"}),
    Action.INTERVIEW: (State.IN_PROGRESS, {"text": "约谈局长，承诺月底前完成"}),
    Action.RATE: (State.DONE, {"rating": "good"}),
    Action.INSTRUCT: (State.IN_PROGRESS, {"text": "请抓紧落实，月底前报结果。"}),
    Action.ANSWER_INSTRUCTION: (State.IN_PROGRESS, {"text": "已按批示召开专题会", "instruction": 5}),
}


def situation(action: Action) -> tuple[Item, dict]:
    where, data = SITUATIONS[action]
    return (where() if callable(where) else in_state(where)), data


def allowed(action: Action, actor: Actor) -> bool:
    item, data = situation(action)
    try:
        apply(item, action, actor, day(20), **data)
    except PermissionDenied:
        return False
    return True


PERMISSIONS = """
action              admin  supervisor  unit  leader  congress
confirm             yes    yes         -     -       -
assign              yes    yes         -     -       -
accept              -      -           yes   -       -
report_progress     -      -           yes   -       -
request_extension   -      -           yes   -       -
approve_extension   yes    yes         -     -       -
reject_extension    yes    yes         -     -       -
apply_completion    -      -           yes   -       -
approve             yes    yes         -     -       -
return              yes    yes         -     -       -
cancel              yes    yes         -     -       -
remind              yes    yes         -     -       -
notify              yes    yes         -     -       -
interview           yes    yes         -     -       -
rate                yes    yes         -     -       -
instruct            -      -           -     yes     -
answer_instruction  -      -           yes   -       -
"""


def expected_matrix() -> dict[tuple[str, str], bool]:
    header, *rows = [line.split() for line in PERMISSIONS.strip().splitlines()]
    return {(row[0], role): cell == "yes" for row in rows for role, cell in zip(header[1:], row[1:])}


def test_every_role_against_every_action():
    actual = {(a.value, r.value): allowed(a, BY_ROLE[r]) for a in Action for r in Role}
    assert actual == expected_matrix()


def test_the_matrix_covers_every_action_and_role():
    assert {a for a, _ in expected_matrix()} == {a.value for a in Action}
    assert {r for _, r in expected_matrix()} == {r.value for r in Role}


@pytest.mark.parametrize("action", [a for a in Action if Role.UNIT in WHO[a].roles])
def test_unit_actions_by_standing(action):
    """Co-operating units only report progress and answer 批示; a unit with no part in the item does nothing."""
    may = {name: allowed(action, who) for name, who in (("lead", LEAD), ("co", CO), ("other", OTHER))}
    assert may == {"lead": True, "co": action in (Action.REPORT_PROGRESS, Action.ANSWER_INSTRUCTION), "other": False}


def test_a_unit_acting_on_another_units_item_is_refused_with_the_reason():
    item = in_state(State.IN_PROGRESS)
    with pytest.raises(PermissionDenied) as e:
        apply(item, Action.REPORT_PROGRESS, OTHER, day(10), text="已完成")
    assert str(e.value) == "本单位不是此事项的牵头或配合单位，不能对此事项报送进展"
    assert isinstance(e.value, LuoshiError)


def test_a_co_operating_unit_cannot_apply_for_completion():
    with pytest.raises(PermissionDenied, match="只有牵头单位可以对此事项申请办结"):
        apply(in_state(State.IN_PROGRESS), Action.APPLY_COMPLETION, CO, day(10), text="已完成")


def test_the_whole_loop():
    item, evs = run(
        draft(),
        (Action.CONFIRM, OFFICE, 1, {"title": "推进外贸企业稳订单", "note": "标题精简"}),
        (Action.ASSIGN, OFFICE, 2, {"due": date(2024, 12, 31)}),
        (Action.ACCEPT, LEAD, 3, {}),
        (Action.REPORT_PROGRESS, CO, 20, {"text": "卫健委已配合完成防疫物资保障", "percent": 30}),
        (Action.REPORT_PROGRESS, LEAD, 40, {"text": "已走访企业20家", "percent": 60, "attachments": ["走访清单.xlsx"]}),
        (Action.APPLY_COMPLETION, LEAD, 90, {"text": "全部完成", "attachments": ["总结.docx"]}),
        (Action.RETURN, OFFICE, 92, {"reason": "佐证材料不全，请补充订单数据"}),
        (Action.REPORT_PROGRESS, LEAD, 95, {"text": "补充订单数据", "percent": 95}),
        (Action.APPLY_COMPLETION, LEAD, 100, {"text": "已补充佐证材料"}),
        (Action.APPROVE, OFFICE, 101, {"note": "同意办结"}),
        (Action.RATE, OFFICE, 102, {"rating": Rating.GOOD}),
    )
    assert [(e.type, e.from_state, e.to_state) for e in evs] == [
        ("confirm", State.DRAFT, State.CONFIRMED),
        ("assign", State.CONFIRMED, State.ASSIGNED),
        ("accept", State.ASSIGNED, State.IN_PROGRESS),
        ("report_progress", State.IN_PROGRESS, State.IN_PROGRESS),
        ("report_progress", State.IN_PROGRESS, State.IN_PROGRESS),
        ("apply_completion", State.IN_PROGRESS, State.COMPLETION_REQUESTED),
        ("return", State.COMPLETION_REQUESTED, State.IN_PROGRESS),
        ("report_progress", State.IN_PROGRESS, State.IN_PROGRESS),
        ("apply_completion", State.IN_PROGRESS, State.COMPLETION_REQUESTED),
        ("approve", State.COMPLETION_REQUESTED, State.DONE),
        ("rate", State.DONE, State.DONE),
    ]
    assert [e.version for e in evs] == list(range(2, 13))
    assert [(e.actor, e.at) for e in evs[:2]] == [("dc1", day(1)), ("dc1", day(2))]
    assert evs[6] == events.Returned(item_id="it-1", version=8, at=day(92), actor="dc1", role=Role.SUPERVISOR,
                                     from_state=State.COMPLETION_REQUESTED, to_state=State.IN_PROGRESS,
                                     reason="佐证材料不全，请补充订单数据")
    assert item == replace(draft(), title="推进外贸企业稳订单", state=State.DONE, due=date(2024, 12, 31),
                           progress=100, last_progress_at=day(100), assigned_at=day(2), closed_at=day(101),
                           completion_requested_at=day(100), returns=1, return_reason="佐证材料不全，请补充订单数据",
                           rating=Rating.GOOD, version=12)


def test_report_progress_on_an_assigned_item_starts_it():
    item, event = apply(in_state(State.ASSIGNED), Action.REPORT_PROGRESS, CO, day(5), text="已启动")
    assert (item.state, item.progress, item.last_progress_at) == (State.IN_PROGRESS, 0, day(5))
    assert event == events.ProgressReported(item_id="it-1", version=4, at=day(5), actor="u-wj", role=Role.UNIT,
                                            unit="市卫健委", from_state=State.ASSIGNED,
                                            to_state=State.IN_PROGRESS, text="已启动")


def test_extension_asked_approved_then_asked_and_rejected_keeps_history():
    item, evs = run(
        in_state(State.IN_PROGRESS),
        (Action.REQUEST_EXTENSION, LEAD, 10, {"due": "2024-09-30", "reason": "需等待省级批复"}),
        (Action.APPROVE_EXTENSION, OFFICE, 11, {"due": "2024-08-31", "note": "给两个月"}),
        (Action.REQUEST_EXTENSION, LEAD, 150, {"due": "2024-12-31", "reason": "资金未到位"}),
        (Action.REJECT_EXTENSION, OFFICE, 151, {"reason": "年度任务不能推迟"}),
    )
    assert (item.state, item.due, item.first_due) == (State.IN_PROGRESS, date(2024, 8, 31), date(2024, 6, 30))
    assert item.extensions == (
        Extension(requested_due=date(2024, 9, 30), previous_due=date(2024, 6, 30), reason="需等待省级批复",
                  requested_by="u-sw", requested_at=day(10), status=ExtensionStatus.APPROVED,
                  granted_due=date(2024, 8, 31), decided_by="dc1", decided_at=day(11), decision_note="给两个月"),
        Extension(requested_due=date(2024, 12, 31), previous_due=date(2024, 8, 31), reason="资金未到位",
                  requested_by="u-sw", requested_at=day(150), status=ExtensionStatus.REJECTED,
                  decided_by="dc1", decided_at=day(151), decision_note="年度任务不能推迟"),
    )
    assert [e.to_dict() | {"at": None} for e in evs[1:2]] == [{
        "type": "approve_extension", "item_id": "it-1", "version": 6, "at": None, "actor": "dc1",
        "role": "supervisor", "unit": None, "from_state": "in_progress", "to_state": "in_progress",
        "due": "2024-08-31", "previous_due": "2024-06-30", "requested_due": "2024-09-30", "note": "给两个月"}]


def test_a_second_extension_request_waits_for_the_first():
    with pytest.raises(Conflict, match=r"此事项已有待审批的延期申请（申请延期至2024-09-30）：请等督查室审批后再申请"):
        apply(with_pending_extension(), Action.REQUEST_EXTENSION, LEAD, day(12), due="2024-10-31", reason="再延")


def test_no_pending_extension_nothing_to_approve():
    with pytest.raises(InvalidTransition, match="此事项没有待审批的延期申请，不能批准延期"):
        apply(in_state(State.IN_PROGRESS), Action.APPROVE_EXTENSION, OFFICE, day(12))


def test_an_extension_must_move_the_date_later():
    with pytest.raises(InvalidValue, match=r"申请延期至的日期（2024-06-01）须晚于2024-06-30"):
        apply(in_state(State.IN_PROGRESS), Action.REQUEST_EXTENSION, LEAD, day(12), due="2024-06-01", reason="x")


def test_cancellation_needs_a_reason_and_closes_a_pending_extension():
    with pytest.raises(MissingField) as e:
        apply(with_pending_extension(), Action.CANCEL, OFFICE, day(12), reason="  ")
    assert (str(e.value), e.value.field) == ("撤销须填写理由", "reason")
    item, event = apply(with_pending_extension(), Action.CANCEL, OFFICE, day(12), reason="事项已由上级统筹")
    assert (item.state, item.closed_at, item.cancel_reason) == (State.CANCELLED, day(12), "事项已由上级统筹")
    assert (item.extensions[-1].status, item.pending_extension) == (ExtensionStatus.LAPSED, None)
    assert (event.type, event.reason, event.from_state) == ("cancel", "事项已由上级统筹", State.IN_PROGRESS)


@pytest.mark.parametrize("state", [State.DRAFT, State.CONFIRMED, State.ASSIGNED, State.IN_PROGRESS,
                                   State.COMPLETION_REQUESTED])
def test_every_open_item_can_be_cancelled(state):
    item, _ = apply(in_state(state), Action.CANCEL, OFFICE, day(30), reason="重复事项")
    assert item.state is State.CANCELLED


def test_a_closed_item_takes_no_more_work():
    done = in_state(State.DONE)
    with pytest.raises(InvalidTransition) as e:
        apply(done, Action.CANCEL, OFFICE, day(30), reason="x")
    assert str(e.value) == ("此事项当前为「已办结」，不能撤销；只有「待确认」、「待交办」、「已交办」、「办理中」、「申请办结」"
                            "的事项可以撤销：请刷新后查看可做的操作")
    cancelled, _ = apply(in_state(State.IN_PROGRESS), Action.CANCEL, OFFICE, day(30), reason="x")
    assert [a for a in Action if (State.CANCELLED, a) in TRANSITIONS] == []
    assert available(cancelled, LEADER) == [] and available(cancelled, OFFICE) == []


def test_return_needs_a_reason():
    with pytest.raises(MissingField, match="退回须填写理由"):
        apply(in_state(State.COMPLETION_REQUESTED), Action.RETURN, OFFICE, day(10))


def test_assign_needs_a_due_date_and_a_lead_unit():
    with pytest.raises(MissingField, match="交办须填写完成时限"):
        apply(in_state(State.CONFIRMED), Action.ASSIGN, OFFICE, day(2))
    no_lead = replace(in_state(State.CONFIRMED), lead_units=())
    with pytest.raises(MissingField, match="此事项尚未确定牵头单位：交办须指定牵头单位"):
        apply(no_lead, Action.ASSIGN, OFFICE, day(2), due="2024-06-30")


def test_assign_may_change_the_units_but_not_make_one_both():
    item, event = apply(in_state(State.CONFIRMED), Action.ASSIGN, OFFICE, day(2), due="2024-06-30",
                        lead_units=["市发改委", "市商务局"], co_units=[])
    both = ("市发改委", "市商务局")
    assert (item.lead_units, item.co_units, event.lead_units) == (both, (), both)
    with pytest.raises(InvalidValue, match="同一单位不能既是牵头单位又是配合单位"):
        apply(in_state(State.CONFIRMED), Action.ASSIGN, OFFICE, day(2), due="2024-06-30", co_units=["市商务局"])


def test_bad_values_are_refused_with_what_would_be_valid():
    item = in_state(State.IN_PROGRESS)
    cases = [({"text": "x", "percent": 120}, "完成进度须在 0–100 之间，而不是 120"),
             ({"text": "x", "percent": True}, "完成进度须为 0–100 的整数"),
             ({"text": "x", "colour": "red"}, "报送进展不接受“colour”：可填写内容、完成进度、佐证材料")]
    for data, message in cases:
        with pytest.raises(InvalidValue) as e:
            apply(item, Action.REPORT_PROGRESS, LEAD, day(10), **data)
        assert str(e.value) == message
    with pytest.raises(InvalidValue, match="评价“superb”无法识别：可选优秀、良好、一般、较差"):
        apply(in_state(State.DONE), Action.RATE, OFFICE, day(10), rating="superb")
    with pytest.raises(InvalidValue, match="操作“approve_all”无法识别"):
        apply(item, "approve_all", OFFICE, day(10))
    with pytest.raises(InvalidValue, match="timezone-aware"):
        apply(item, Action.REMIND, OFFICE, datetime(2024, 3, 10, 9))


def test_versions_increase_by_one_and_a_stale_version_is_a_conflict():
    item = in_state(State.IN_PROGRESS)
    assert item.version == 4
    after, event = apply(item, Action.REPORT_PROGRESS, LEAD, day(10), expected_version=4, text="进展")
    assert (after.version, event.version) == (5, 5)
    with pytest.raises(Conflict) as e:
        apply(after, Action.INSTRUCT, LEADER, day(10), expected_version=4, text="抓紧")
    assert str(e.value) == "此事项已被他人修改，请刷新后重试"


def test_remind_goes_to_the_lead_units_unless_told_otherwise():
    item = in_state(State.IN_PROGRESS)
    after, event = apply(item, Action.REMIND, OFFICE, day(10))
    assert (after.reminders, after.last_reminded_at, event.units, event.text) == (1, day(10), ("市商务局",), None)
    _, event = apply(after, Action.REMIND, OFFICE, day(11), units=["市商务局", "市卫健委"], text="请于本周报送")
    assert event.units == ("市商务局", "市卫健委")
    with pytest.raises(InvalidValue, match="所选单位不是此事项的牵头或配合单位"):
        apply(item, Action.REMIND, OFFICE, day(10), units=["市交通运输局"])


def test_available_actions_are_the_buttons_to_show():
    pending = with_pending_extension()
    assert available(pending, LEAD) == [Action.REPORT_PROGRESS, Action.APPLY_COMPLETION]
    assert available(pending, CO) == [Action.REPORT_PROGRESS]
    assert available(pending, OTHER) == []
    assert available(pending, OFFICE) == [Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION, Action.CANCEL,
                                          Action.REMIND, Action.NOTIFY, Action.INTERVIEW]
    assert available(pending, LEADER) == [Action.INSTRUCT]
    assert available(in_state(State.ASSIGNED), LEAD) == [Action.ACCEPT, Action.REPORT_PROGRESS,
                                                          Action.REQUEST_EXTENSION]


def test_who_can_see_an_item():
    drafted, assigned = draft(), in_state(State.ASSIGNED)
    suggestion = replace(assigned, kind=Kind.SUGGESTION)
    seen = {who.id: [can_view(who, i) for i in (drafted, assigned, suggestion)]
            for who in (ADMIN, OFFICE, LEADER, LEAD, CO, OTHER, CONGRESS)}
    assert seen == {"admin1": [True, True, True], "dc1": [True, True, True], "mayor": [True, True, True],
                    "u-sw": [False, True, True], "u-wj": [False, True, True], "u-jt": [False, False, False],
                    "rd1": [False, False, True]}


def test_only_the_office_creates_items_and_a_unit_user_has_a_unit():
    with pytest.raises(PermissionDenied, match="承办单位联络员不能录入督办事项：只有督查室可以录入"):
        new_item(id="x", kind="task", title="t", actor=LEAD, now=T0)
    with pytest.raises(InvalidValue, match="承办单位联络员须指定所属单位"):
        Actor("u9", Role.UNIT)


def test_creation_is_the_first_event():
    item, event = new_item(id="it-9", kind="suggestion", title="聚焦项目引建", actor=OFFICE, now=T0,
                           source=SourceRef("doc-7", (10, 40)), due="2024-12-31")
    assert (item.state, item.version, item.due, item.kind) == (State.DRAFT, 1, date(2024, 12, 31), Kind.SUGGESTION)
    assert event.to_dict() == {
        "type": "create", "item_id": "it-9", "version": 1, "at": "2024-03-01T01:00:00+00:00", "actor": "dc1",
        "role": "supervisor", "unit": None, "from_state": None, "to_state": "draft", "kind": "suggestion",
        "title": "聚焦项目引建", "text": "", "source": {"document": "doc-7", "span": [10, 40], "path": None},
        "lead_units": [], "co_units": [], "due": "2024-12-31", "due_text": None}


def test_events_round_trip_through_their_json_form_and_chain_cleanly():
    _, evs = run(draft(), (Action.CONFIRM, OFFICE, 1, {}), (Action.ASSIGN, OFFICE, 2, {"due": "2024-06-30"}),
                 (Action.REQUEST_EXTENSION, LEAD, 3, {"due": "2024-07-31", "reason": "r"}),
                 (Action.APPROVE_EXTENSION, OFFICE, 4, {}), (Action.REPORT_PROGRESS, LEAD, 5, {"text": "t"}),
                 (Action.APPLY_COMPLETION, LEAD, 6, {"text": "t", "attachments": "a.pdf"}),
                 (Action.APPROVE, OFFICE, 7, {}), (Action.RATE, OFFICE, 8, {"rating": "excellent"}),
                 (Action.INSTRUCT, LEADER, 9, {"text": "很好"}))
    for e in evs:
        back = events.from_dict(e.to_dict())
        assert back == e and type(back) is type(e)
    assert verify(record_all(evs)) == []


def test_an_item_restored_from_its_fields_is_the_item_and_takes_every_field_once():
    from dataclasses import asdict, fields

    made = Item(id="7", kind=Kind.TASK, title="新建充电站", lead_units=("3",), due=date(2026, 6, 30), version=4)
    values = {f.name: getattr(made, f.name) for f in fields(Item)}
    restored = Item.restored(**values)
    assert restored == made and hash(restored) == hash(made) and asdict(restored) == asdict(made)
    assert restored.role_of("3") == "lead" and restored.pending_extension is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        restored.title = "改"  # type: ignore[misc]
    for wrong in ({k: v for k, v in values.items() if k != "due"}, {**values, "colour": "red"}):
        with pytest.raises(TypeError, match="every field"):
            Item.restored(**wrong)
