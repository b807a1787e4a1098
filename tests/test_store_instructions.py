"""Leaders' instructions (批示) in the database: a unit answers one (an event in the item's history), the
item lists its 批示 with the answers, the leader keeps a list of their 批示 and the answers, and a unit's
list holds the 批示 on its own items only."""

from __future__ import annotations

import pytest

from luoshi.ledger import Actor, InvalidValue, PermissionDenied, Role
from luoshi.store.instructions import instructions_by, instructions_for
from luoshi.store.items import instructions, item_history
from test_store_items import LEADER, OFFICE, at, handed_out, step, unit_user, units  # noqa: F401

OTHER_LEADER = Actor("vice", Role.LEADER)


@pytest.fixture
def instructed(session, settings, units):
    """An item led by 市商务局 with 市财政局 co-operating, and the mayor's 批示 on it (version 4)."""
    item_id = handed_out(session, settings, units, co=("市财政局",))
    step(session, settings, item_id, LEADER, "instruct", 3, 1, text="请商务局牵头，月底前拿出方案")
    return item_id


def test_a_unit_answers_the_latest_instruction_and_the_answer_is_an_event(session, settings, units, instructed):
    lead, co = unit_user(units[0]), unit_user(units[1])
    step(session, settings, instructed, lead, "answer_instruction", 4, 2, text="已召开专题会，方案初稿已形成")
    step(session, settings, instructed, co, "answer_instruction", 5, 3, text="资金已纳入预算", instruction=4)
    [one] = instructions(session, item_id=instructed, actor=lead)
    assert (one.version, one.text, one.by) == (4, "请商务局牵头，月底前拿出方案", "mayor")
    assert [(a.version, a.text, a.unit_id, a.by, a.at) for a in one.answers] == [
        (5, "已召开专题会，方案初稿已形成", units[0], "u1", at(2)), (6, "资金已纳入预算", units[1], "u2", at(3))]
    events = [(h.seq, h.type, h.data.get("instruction")) for h in item_history(session, item_id=instructed,
                                                                                         actor=OFFICE)]
    assert events[-3:] == [(4, "instruct", None), (5, "answer_instruction", 4), (6, "answer_instruction", 4)]


def test_an_answer_needs_an_instruction_of_the_item(session, settings, units):
    item_id = handed_out(session, settings, units)
    with pytest.raises(InvalidValue, match="还没有领导批示"):
        step(session, settings, item_id, unit_user(units[0]), "answer_instruction", 3, 1, text="已办")
    step(session, settings, item_id, LEADER, "instruct", 3, 1, text="抓紧")
    with pytest.raises(InvalidValue, match="要答复的领导批示不存在"):
        step(session, settings, item_id, unit_user(units[0]), "answer_instruction", 4, 2, text="已办", instruction="9")
    with pytest.raises(PermissionDenied):
        step(session, settings, item_id, OFFICE, "answer_instruction", 4, 2, text="已办")
    assert [i.answers for i in instructions(session, item_id=item_id, actor=OFFICE)] == [()]


def test_the_leaders_list_and_the_units_list(session, settings, units, instructed):
    other = handed_out(session, settings, units, title="完成口岸改革", lead=("市财政局",))
    step(session, settings, other, OTHER_LEADER, "instruct", 3, 4, text="财政局要主动作为")
    step(session, settings, instructed, unit_user(units[0]), "answer_instruction", 4, 5, text="方案已报")
    mine = instructions_by(session, actor=LEADER)
    assert [(i.item_id, i.item_title, i.instruction.text, i.answered, i.unit_names) for i in mine] == [
        (instructed, "推进外贸稳增长", "请商务局牵头，月底前拿出方案", True, {units[0]: "市商务局"})]
    assert [i.instruction.text for i in instructions_by(session, actor=OTHER_LEADER)] == ["财政局要主动作为"]
    assert [i.instruction.text for i in instructions_for(session, actor=unit_user(units[0]))] == [
        "请商务局牵头，月底前拿出方案"]  # 市商务局 has no part in the other item
    assert [i.instruction.text for i in instructions_for(session, actor=unit_user(units[1]))] == [
        "财政局要主动作为", "请商务局牵头，月底前拿出方案"]  # newest first
