"""The supervision ledger (督办台账) as pure rules: items, states and transitions, who may act, due dates,
warnings, reminders, the hash-chained audit trail, targets, promise versus delivery and deputies' suggestions.
No framework and no I/O: the store and web call in.
"""

from luoshi.ledger.actors import Actor, Role, Unit
from luoshi.ledger.audit import AuditEntry, Problem, chain, record, verify
from luoshi.ledger.due import Due, DuePolicy, due_date, due_for
from luoshi.ledger.errors import Conflict, InvalidTransition, InvalidValue, LedgerError, MissingField, PermissionDenied
from luoshi.ledger.events import Event
from luoshi.ledger.items import Extension, ExtensionStatus, Item, Kind, Rating, SourceRef
from luoshi.ledger.reminders import Reminder, reminder_from, webhook_payload
from luoshi.ledger.states import Action, State
from luoshi.ledger.warnings import (Colour, ItemWarning, Reason, WarningDates, WarningPolicy, colour_on, warning,
                                    warning_dates)
from luoshi.ledger.workflow import TRANSITIONS, apply, available, can_view, new_item
# Targets, promise versus delivery and suggestions: their functions are called through the modules
# (`targets.status`, `delivery.match`, `suggestions.apply`); importing suggestions here also registers its
# events, so `events.from_dict` reads them back wherever the ledger is imported.
from luoshi.ledger import delivery, rework, suggestions, targets
from luoshi.ledger.delivery import Claim, Match, Verdict
from luoshi.ledger.suggestions import Satisfaction, Suggestion, SuggestionAction, SuggestionState
from luoshi.ledger.targets import Actual, Bound, Period, RowError, Target, TargetStatus

__all__ = [
    "Action", "Actor", "AuditEntry", "Colour", "Conflict", "Due", "DuePolicy", "Event", "Extension",
    "ExtensionStatus", "InvalidTransition", "InvalidValue", "Item", "ItemWarning", "Kind", "LedgerError",
    "MissingField", "PermissionDenied", "Problem", "Rating", "Reason", "Reminder", "Role", "SourceRef", "State",
    "TRANSITIONS", "Unit", "WarningDates", "WarningPolicy", "apply", "available", "can_view", "chain", "colour_on",
    "due_date", "due_for", "new_item", "record", "reminder_from", "verify", "warning", "warning_dates",
    "webhook_payload",
    "Actual", "Bound", "Claim", "Match", "Period", "RowError", "Satisfaction", "Suggestion", "SuggestionAction",
    "SuggestionState", "Target", "TargetStatus", "Verdict", "delivery", "suggestions", "targets",
]
