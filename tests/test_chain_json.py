"""The audit hashes' fast paths (`chain_json`, `record_json`, `entry_hash`, the cached `jsonable`) give byte for
byte what the one reference serialisation gives: json.dumps with sorted keys, no spaces, UTF-8 as is."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum

import pytest

from luoshi.ledger.actors import Actor, Role
from luoshi.ledger.audit import GENESIS, chain, chain_json, record, record_json
from luoshi.ledger.canonical import canonical_json, canonical_plain, jsonable
from luoshi.ledger.items import Kind
from luoshi.ledger.states import Action
from luoshi.ledger.workflow import apply, new_item
from luoshi.store.anchor import entry_hash, fact_json

KEY = b"k" * 32
OFFICE = Actor("dc1", Role.SUPERVISOR)
LEAD = Actor("u-7", Role.UNIT, unit="7")
CST = timezone(timedelta(hours=8))


def reference_json(value) -> str:
    """The serialisation every stored hash was taken over, as it was written before the fast paths."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reference_jsonable(value):
    """`jsonable` as it was: the isinstance ladder, no cache."""
    from enum import Enum as E

    if value is None or isinstance(value, (bool, int, str)) and not isinstance(value, E):
        return value
    if isinstance(value, E):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): reference_jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: reference_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [reference_jsonable(v) for v in value]
    raise TypeError(value)


def reference_hash(prev: str, data: dict, seq: int, key: bytes | None = None) -> str:
    payload = reference_json({"seq": seq, "prev": prev, "event": data}).encode("utf-8")
    return hmac.new(key, payload, hashlib.sha256).hexdigest() if key else hashlib.sha256(payload).hexdigest()


class Colour(Enum):
    RED = "红"
    NUMBER = 7


@dataclasses.dataclass(frozen=True)
class Inner:
    when: date
    colours: tuple[Colour, ...]
    note: str | None = None


ODD_EVENTS = [
    {},
    {"type": "create", "title": "推进“老旧小区”改造\n（第二批）\t完成", "at": "2026-06-01T02:00:00+00:00"},
    {"text": 'quote " backslash \\ slash / nul-free controls \x01\x1f del \x7f', "emoji": "🚀𠀀", "sep": "\u2028\u2029"},
    {"n": [0, -1, 2**63, -(2**70), 12345678901234567890], "flags": [True, False, None], "empty": [[], {}, ""]},
    {"nested": {"b": {"z": 1, "a": [{"y": None, "x": "é"}]}, "a": "first"}, "键": "unicode key", "A": "upper"},
    {"due": "2026-12-31", "attachments": [{"name": "验收材料1.pdf"}], "percent": 95, "units": ["12", "13"]},
]


def history() -> list:
    """A real item's events: created, confirmed, assigned, accepted, reported, extension asked and granted."""
    item, created = new_item(id="42", kind=Kind.TASK, title="推进“外贸”稳增长", actor=OFFICE,
                             now=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=CST), lead_units=["7"],
                             co_units=["8", "9"], due_text="年底前")
    events, at = [created], created.at
    for action, actor, data in [(Action.CONFIRM, OFFICE, {}), (Action.ASSIGN, OFFICE, {"due": date(2026, 6, 30)}),
                                (Action.ACCEPT, LEAD, {"note": "已签收"}),
                                (Action.REPORT_PROGRESS, LEAD, {"text": "完成\n40%", "percent": 40,
                                                                "attachments": ["照片 1.jpg"]}),
                                (Action.REQUEST_EXTENSION, LEAD, {"due": date(2026, 8, 1), "reason": "资金\\未到位"}),
                                (Action.APPROVE_EXTENSION, OFFICE, {})]:
        at += timedelta(days=3, microseconds=7)
        item, event = apply(item, action, actor, at, **data)
        events.append(event)
    return events


@pytest.mark.parametrize("data", ODD_EVENTS)
@pytest.mark.parametrize("key", [None, KEY])
def test_chain_of_a_dict_is_the_reference_hash(data, key):
    assert chain_json("ab" * 32, canonical_plain(data), 17) == reference_json({"seq": 17, "prev": "ab" * 32,
                                                                               "event": data})
    assert chain("ab" * 32, data, 17, key) == reference_hash("ab" * 32, data, 17, key)


def test_odd_heads_and_positions_take_the_general_encoder():
    data = {"a": 1}
    for prev, seq in [("quote\"d\n", 1), (None, 2), ("x", True), ("x", "3")]:
        assert chain_json(prev, canonical_plain(data), seq) == reference_json({"seq": seq, "prev": prev, "event": data})


@pytest.mark.parametrize("key", [None, KEY])
def test_record_of_real_events_is_the_reference_chain(key):
    prev, prev_hash = None, GENESIS
    for seq, event in enumerate(history(), start=1):
        data = reference_jsonable(event)
        data = {"type": event.type, **data}
        entry, event_json = record_json(prev, event, key)
        assert event_json == reference_json(data)
        assert entry.event == data
        assert (entry.seq, entry.prev_hash, entry.hash) == (seq, prev_hash, reference_hash(prev_hash, data, seq, key))
        assert record(prev, event, key) == entry
        prev, prev_hash = entry, entry.hash


def test_jsonable_is_the_reference_conversion():
    values = [Colour.RED, Colour.NUMBER, Inner(date(2026, 1, 2), (Colour.RED, Colour.NUMBER)),
              {"when": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=CST), 1: (date(2026, 1, 1), [None, True])},
              Inner(date(2026, 1, 2), (), note="说明"), [Inner(date(2020, 2, 29), (Colour.RED,))], *history()]
    for value in values * 2:  # the second time through the cache of types
        assert jsonable(value) == reference_jsonable(value)
        assert canonical_json(value) == reference_json(reference_jsonable(value))


@pytest.mark.parametrize("kind, ref, digest", [
    ("genesis", "0123456789abcdef0123456789abcdef", GENESIS), ("event", "1042:7", "f" * 64),
    ("progress", "99", "0" * 63 + "1"), ("admin", "名\"字\n", "\\"), ("item", 5, "x")])
def test_entry_hash_is_the_reference_hash(kind, ref, digest):
    fact = {"kind": kind, "ref": ref, "digest": digest}
    assert fact_json(kind, ref, digest) == reference_json(fact)
    assert entry_hash("cd" * 32, 1234567, kind, ref, digest) == reference_hash("cd" * 32, fact, 1234567)
