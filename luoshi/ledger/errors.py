"""Errors of the ledger's rules: who may not, what cannot happen now, what is missing or wrong.

All subclass `luoshi.errors.LuoshiError`; the web layer maps them to 403, 409 and 422. Each message is the
one a user reads, in Chinese: the action and field by their Chinese names, what would be valid and what
to do next; never an internal id.
"""

from __future__ import annotations

from datetime import date

from luoshi.errors import LuoshiError


class LedgerError(LuoshiError):
    """A rule of the ledger refused an action."""


class PermissionDenied(LedgerError):
    """The actor's role, or unit, may not take this action on this item (HTTP 403)."""


class InvalidTransition(LedgerError):
    """The action is not possible in the item's present state (HTTP 409)."""


class Conflict(LedgerError):
    """The item changed since the actor read it, or a pending request blocks the action (HTTP 409)."""


STALE = "此事项已被他人修改，请刷新后重试"  # the version read is not the item's now


class MissingField(LedgerError):
    """The action needs a value that was not given, e.g. a reason to return or cancel (HTTP 422)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class InvalidValue(LedgerError):
    """A value given to the action is of the wrong type or out of range (HTTP 422)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class DueDatePassed(Conflict):
    """An assignment with a due date already past, not confirmed (HTTP 409): the message asks whether to
    assign with it all the same, saying how late it is already."""

    def __init__(self, due: date, days: int):
        super().__init__(f"完成时限{due.year}年{due.month}月{due.day}日已过去{days}天，确认仍按此时限交办？")
        self.due, self.days = due, days
