"""The audit trail: events appended through `record`, each entry hash-chained to the one before it.

An entry's hash is sha256 (or HMAC-sha256 with a key kept outside the database) over the canonical JSON
of its sequence number, the previous hash and the event; `verify` recomputes the chain and reports any
entry changed, deleted, inserted or moved. The store is expected to keep one chain per item (seq = the
item's version), so appending needs no lock beyond the item's optimistic lock; passing `length` (the
item's version) or a `head` hash kept elsewhere also catches entries cut off the end.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from luoshi.ledger.canonical import canonical_plain, encode_string
from luoshi.ledger.events import Event

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """One stored line of the trail: `event` is the event's JSON dict exactly as hashed."""

    seq: int
    prev_hash: str
    hash: str
    event: dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """What `verify` found wrong: at which position (0-based) and entry, what kind, in words."""

    index: int
    seq: int | None
    kind: str  # changed | broken_link | sequence | length | head
    detail: str


def chain(prev_hash: str, event: Event | dict[str, Any], seq: int, key: bytes | None = None) -> str:
    """The hash of an entry: over its position, the hash before it and the event's canonical JSON."""
    data = event.to_dict() if isinstance(event, Event) else event  # a dict given is JSON-ready (parsed, or to_dict's)
    return chain_hash(chain_json(prev_hash, canonical_plain(data), seq), key)


def chain_json(prev_hash: str, event_json: str, seq: int) -> str:
    """What an entry's hash is taken over, from its event's canonical JSON (`canonical_plain`): the bytes of
    canonical_plain({"seq": seq, "prev": prev_hash, "event": event}), its keys in their sorted order, without
    encoding the event a second time (a bulk load stores the event's JSON beside its hash)."""
    if type(prev_hash) is not str or type(seq) is not int:  # anything else takes the general encoder
        return canonical_plain({"seq": seq, "prev": prev_hash, "event": json.loads(event_json)})
    return f'{{"event":{event_json},"prev":{encode_string(prev_hash)},"seq":{seq}}}'


def chain_hash(payload: str, key: bytes | None = None) -> str:
    """sha256 of `payload` (`chain_json`), or HMAC-sha256 with `key`, in hex."""
    data = payload.encode("utf-8")
    if key is not None:
        return hmac.digest(key, data, "sha256").hex()  # one call into OpenSSL: hmac.new(...).hexdigest()'s value
    return hashlib.sha256(data).hexdigest()


def record(prev: AuditEntry | None, event: Event, key: bytes | None = None) -> AuditEntry:
    """The entry that appends `event` after `prev` (None: the first): the one way events enter the trail."""
    return record_json(prev, event, key)[0]


def record_json(prev: AuditEntry | None, event: Event, key: bytes | None = None) -> tuple[AuditEntry, str]:
    """`record`, and the event's canonical JSON (the stored form), encoded once for both."""
    seq, prev_hash = (1, GENESIS) if prev is None else (prev.seq + 1, prev.hash)
    data = event.to_dict()
    event_json = canonical_plain(data)
    return AuditEntry(seq, prev_hash, chain_hash(chain_json(prev_hash, event_json, seq), key), data), event_json


def record_all(events: Iterable[Event], key: bytes | None = None) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for event in events:
        entries.append(record(entries[-1] if entries else None, event, key))
    return entries


def verify(entries: Iterable[AuditEntry], *, length: int | None = None, head: str | None = None,
           key: bytes | None = None) -> list[Problem]:
    """Every problem in a chain, in order; an empty list means it is intact.

    - changed: the entry's hash does not match its content (the event or seq was edited);
    - broken_link: its prev_hash is not the hash of the entry before it (one was deleted, inserted,
      moved, or edited and re-hashed);
    - sequence: its seq is not the one after the entry before it (deleted, inserted or moved);
    - length: not `length` entries (the end was cut off, or entries were added past it);
    - head: the last entry's hash is not `head` (the end was cut off or rewritten).
    """
    problems: list[Problem] = []
    prev_hash, prev_seq, count = GENESIS, 0, 0
    for i, e in enumerate(entries):
        count += 1
        if e.seq != prev_seq + 1:
            problems.append(Problem(i, e.seq, "sequence", f"第 {e.seq} 条接在第 {prev_seq} 条之后，应是第 {prev_seq + 1} 条"))
        if e.prev_hash != prev_hash:
            problems.append(Problem(i, e.seq, "broken_link",
                                    f"第 {e.seq} 条指向 {e.prev_hash[:12]}…，而前一条是 {prev_hash[:12]}…"))
        if chain(e.prev_hash, e.event, e.seq, key) != e.hash:
            problems.append(Problem(i, e.seq, "changed", f"第 {e.seq} 条与其哈希不符：内容被改动过"))
        prev_hash, prev_seq = e.hash, e.seq
    if length is not None and count != length:
        problems.append(Problem(count, None, "length", f"共 {count} 条，应有 {length} 条"))
    if head is not None and prev_hash != head:
        problems.append(Problem(count, None, "head", f"最后一条是 {prev_hash[:12]}…，应是 {head[:12]}…"))
    return problems
