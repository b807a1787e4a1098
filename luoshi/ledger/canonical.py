"""Ledger values as plain JSON, and the one canonical serialisation the audit hashes are taken over.

Datetimes become UTC ISO strings so that a timestamp read back from any database session time zone
serialises to the same bytes; dates are ISO; enums their value; tuples lists; dataclasses dicts.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from typing import Any


_PLAIN = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """`value` as JSON-ready data (dicts, lists, str, int, bool, None)."""
    if type(value) in _PLAIN:  # the common case first: every event is hashed with each write
        return value
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        # Floats do not round-trip byte for byte across databases; the ledger stores none.
        raise TypeError(f"float {value!r} in ledger data: use an int or a string")
    raise TypeError(f"{type(value).__name__} {value!r} has no JSON form in the ledger")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text as is: the same value always gives the same string."""
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_plain(value: Any) -> str:
    """`canonical_json` of a value that is JSON-ready already (what `jsonable` returned, a parsed entry): the
    same string without the conversion pass, which was most of the time of hashing an event."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
