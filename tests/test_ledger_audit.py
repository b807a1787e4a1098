"""The audit trail: hash-chained entries, and `verify` finding an edited, deleted, inserted or moved one."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from luoshi.ledger.actors import Actor, Role
from luoshi.ledger.audit import GENESIS, AuditEntry, Problem, chain, record, record_all, verify
from luoshi.ledger.canonical import canonical_json
from luoshi.ledger.items import Kind
from luoshi.ledger.states import Action
from luoshi.ledger.workflow import apply, new_item

CST = timezone(timedelta(hours=8))
OFFICE = Actor("dc1", Role.SUPERVISOR)
LEAD = Actor("u-sw", Role.UNIT, unit="市商务局")


def day(n: int) -> datetime:
    return datetime(2024, 3, 1, 9, tzinfo=CST) + timedelta(days=n)


def trail(key: bytes | None = None) -> list[AuditEntry]:
    """Five entries: create, confirm, assign, accept, report progress."""
    item, created = new_item(id="it-1", kind=Kind.TASK, title="推进外贸", actor=OFFICE, now=day(0),
                             lead_units=["市商务局"])
    evs = [created]
    steps = [(Action.CONFIRM, OFFICE, 1, {}), (Action.ASSIGN, OFFICE, 2, {"due": "2024-06-30"}),
             (Action.ACCEPT, LEAD, 3, {}), (Action.REPORT_PROGRESS, LEAD, 4, {"text": "已走访20家"})]
    for action, actor, n, data in steps:
        item, event = apply(item, action, actor, day(n), **data)
        evs.append(event)
    return record_all(evs, key)


def _forgery():
    item, _ = new_item(id="it-1", kind=Kind.TASK, title="推进外贸", actor=OFFICE, now=day(0), lead_units=["市商务局"])
    item, _ = apply(item, Action.CONFIRM, OFFICE, day(1))
    _, event = apply(item, Action.CANCEL, OFFICE, day(1), reason="伪造")
    return event


OFFICE_FORGERY = _forgery()


def kinds(problems: list[Problem]) -> list[tuple[int, str]]:
    return [(p.index, p.kind) for p in problems]


def test_an_intact_trail_verifies():
    entries = trail()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    assert verify(entries, length=5, head=entries[-1].hash) == []


def test_the_hash_is_sha256_over_canonical_json():
    e = trail()[1]
    payload = canonical_json({"seq": 2, "prev": e.prev_hash, "event": e.event}).encode()
    assert e.hash == hashlib.sha256(payload).hexdigest() == chain(e.prev_hash, e.event, 2)
    assert canonical_json({"b": 1, "a": "办理中"}) == '{"a":"办理中","b":1}'


def test_an_edited_entry_is_detected():
    entries = trail()
    entries[2] = replace(entries[2], event={**entries[2].event, "due": "2024-12-31"})
    assert verify(entries) == [Problem(2, 3, "changed", "第 3 条与其哈希不符：内容被改动过")]


def test_an_edited_and_rehashed_entry_breaks_the_next_link():
    entries = trail()
    event = {**entries[2].event, "due": "2024-12-31"}
    entries[2] = replace(entries[2], event=event, hash=chain(entries[2].prev_hash, event, 3))
    assert kinds(verify(entries)) == [(3, "broken_link")]


def test_a_deleted_entry_is_detected():
    entries = trail()
    del entries[2]
    assert kinds(verify(entries)) == [(2, "sequence"), (2, "broken_link")]


def test_a_deleted_last_entry_is_detected_against_the_item_version():
    entries = trail()
    head = entries[-1].hash
    del entries[-1]
    assert verify(entries) == []  # a chain alone cannot know its own end
    assert kinds(verify(entries, length=5, head=head)) == [(4, "length"), (4, "head")]


def test_reordered_entries_are_detected():
    entries = trail()
    entries[1], entries[2] = entries[2], entries[1]
    assert kinds(verify(entries)) == [(1, "sequence"), (1, "broken_link"), (2, "sequence"), (2, "broken_link"),
                                      (3, "sequence"), (3, "broken_link")]


def test_an_inserted_entry_is_detected():
    entries = trail()
    forged = record(entries[1], OFFICE_FORGERY)
    entries.insert(2, forged)
    assert kinds(verify(entries)) == [(3, "sequence"), (3, "broken_link")]
    assert kinds(verify(entries, length=5)) == [(3, "sequence"), (3, "broken_link"), (6, "length")]


def test_a_keyed_chain_cannot_be_recomputed_without_the_key():
    key = b"kept-outside-the-database"
    entries = trail(key)
    assert verify(entries, key=key) == []
    assert kinds(verify(entries)) == [(i, "changed") for i in range(5)]
    assert kinds(verify(trail(), key=key)) == [(i, "changed") for i in range(5)]
