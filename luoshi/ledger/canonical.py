"""Ledger values as plain JSON, and the one canonical serialisation the audit hashes are taken over.

Datetimes become UTC ISO strings so that a timestamp read back from any database session time zone
serialises to the same bytes; dates are ISO; enums their value; tuples lists; dataclasses dicts.
"""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from typing import Any


_PLAIN = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """`value` as JSON-ready data (dicts, lists, str, int, bool, None)."""
    kind = type(value)
    if kind in _PLAIN:  # the common case first: every event is hashed with each write
        return value
    convert = _BY_TYPE.get(kind)  # then a type seen before, without the isinstance ladder below
    if convert is not None:
        return convert(value)
    if isinstance(value, Enum):
        _BY_TYPE[kind] = _enum_value
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
        _BY_TYPE[kind] = convert = _dataclass_dict(kind)
        return convert(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float):
        # Floats do not round-trip byte for byte across databases; the ledger stores none.
        raise TypeError(f"float {value!r} in ledger data: use an int or a string")
    raise TypeError(f"{type(value).__name__} {value!r} has no JSON form in the ledger")


def _enum_value(value: Enum) -> Any:
    return value._value_  # what `.value` returns, without the descriptor


def _dataclass_dict(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The conversion of a dataclass: its fields in order, each value made JSON-ready."""
    names = _field_names(cls)
    if not names:
        return lambda value: {}
    values = operator.attrgetter(*names) if len(names) > 1 else lambda v: (getattr(v, names[0]),)
    plain = _PLAIN
    return lambda value: {n: v if type(v) in plain else jsonable(v) for n, v in zip(names, values(value))}


# Exact types only (a subclass takes the ladder above, and is added here when it is an enum or a
# dataclass), each converted as the ladder would.
_BY_TYPE: dict[type, Callable[[Any], Any]] = {
    datetime: lambda v: v.astimezone(UTC).isoformat(),
    date: lambda v: v.isoformat(),
    dict: lambda v: {str(k): jsonable(x) for k, x in v.items()},
    list: lambda v: [jsonable(x) for x in v],
    tuple: lambda v: [jsonable(x) for x in v],
}


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds this very encoder on
# each call; built once, its output is the same and a short value encodes in half the time.
_CANONICAL = json.JSONEncoder(skipkeys=False, ensure_ascii=False, check_circular=True, allow_nan=True, indent=None,
                              separators=(",", ":"), default=None, sort_keys=True)
# How json.dumps(..., ensure_ascii=False) writes a string (quotes and escapes included).
encode_string = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text as is: the same value always gives the same string."""
    return _CANONICAL.encode(jsonable(value))


def canonical_plain(value: Any) -> str:
    """`canonical_json` of a value that is JSON-ready already (what `jsonable` returned, a parsed entry): the
    same string without the conversion pass, which was most of the time of hashing an event."""
    return _CANONICAL.encode(value)
