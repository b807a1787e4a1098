"""The glossary: every enum of the ledger has its Chinese term, spelled once."""

from __future__ import annotations

import pytest

from luoshi import glossary
from luoshi.ledger.actors import Role
from luoshi.ledger.items import ExtensionStatus, Kind, Rating
from luoshi.ledger.states import Action, State
from luoshi.ledger.warnings import Colour, Reason


@pytest.mark.parametrize("enum, family", [(State, "state"), (Action, "action"), (Role, "role"), (Kind, "kind"),
                                          (Rating, "rating"), (ExtensionStatus, "extension"), (Colour, "colour"),
                                          (Reason, "reason")])
def test_every_value_has_a_term_and_no_term_is_orphaned(enum, family):
    # creation, and splitting or merging drafts (luoshi.ledger.rework), are events, not actions on one item
    extra = {"create", "split", "merge"} if family == "action" else set()
    assert set(glossary.terms(family)) == {m.value for m in enum} | extra


def test_state_labels_are_the_design_terms():
    assert {s.value: s.label for s in State} == {
        "draft": "待确认", "confirmed": "待交办", "assigned": "已交办", "in_progress": "办理中",
        "completion_requested": "申请办结", "done": "已办结", "cancelled": "已撤销"}


def test_core_terms():
    assert [glossary.zh(k) for k in ("item", "unit", "lead", "co_operating")] == ["督办事项", "单位", "牵头", "配合"]


def test_an_unknown_term_names_the_known_ones():
    with pytest.raises(KeyError, match="no glossary term 'state.archived'; terms are: action.accept"):
        glossary.zh("state.archived")
