"""The states an item (督办事项) goes through and the actions that move it.

Values are stable English identifiers, stored in the database and the audit trail; `.label` is the
Chinese term from `luoshi.glossary`, the only place the Chinese is spelled.
"""

from __future__ import annotations

from enum import StrEnum

from luoshi import glossary


class State(StrEnum):
    """Where an item is in the loop. 退回 is an action back to IN_PROGRESS, not a state of its own."""

    DRAFT = "draft"  # 待确认
    CONFIRMED = "confirmed"  # 待交办
    ASSIGNED = "assigned"  # 已交办
    IN_PROGRESS = "in_progress"  # 办理中
    COMPLETION_REQUESTED = "completion_requested"  # 申请办结
    DONE = "done"  # 已办结
    CANCELLED = "cancelled"  # 已撤销

    @property
    def label(self) -> str:
        return glossary.zh(f"state.{self.value}")

    @property
    def closed(self) -> bool:
        """Done or cancelled: no clock runs, no warning colour, no further work."""
        return self in (State.DONE, State.CANCELLED)


class Action(StrEnum):
    """Everything a user can do to an item; each has a row set in `workflow.TRANSITIONS`."""

    CONFIRM = "confirm"
    ASSIGN = "assign"
    ACCEPT = "accept"
    REPORT_PROGRESS = "report_progress"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    APPLY_COMPLETION = "apply_completion"
    APPROVE = "approve"
    RETURN = "return"
    CANCEL = "cancel"
    REMIND = "remind"
    NOTIFY = "notify"  # 督办通知: a formal notice (a Word letter) after chasing did not do
    INTERVIEW = "interview"  # 约谈: the unit's head summoned; the talk recorded
    RATE = "rate"
    INSTRUCT = "instruct"
    ANSWER_INSTRUCTION = "answer_instruction"  # a unit's answer to a leader's 批示

    @property
    def label(self) -> str:
        return glossary.zh(f"action.{self.value}")


def named(term: State | Action) -> str:
    """`in_progress (办理中)`: how messages name a state or action."""
    return f"{term.value} ({term.label})"
