"""The audit log in the database: events appended through `luoshi.ledger.audit.record`, one hash chain per
item (seq = the item's version), and `verify_audit` that finds a row edited, deleted or added by hand.

`append_event` is the one place an item's event enters the log; `append_admin` the one place an
administrative change does (users, tokens, organisations, ingested documents: one chain for all);
`luoshi audit verify` calls `verify_audit`, which checks both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from luoshi.ledger.audit import GENESIS, AuditEntry, chain, record, verify
from luoshi.ledger.canonical import canonical_json, canonical_plain, jsonable
from luoshi.ledger.events import Event
from luoshi.store import anchor  # noqa: F401  (its flush listener chains every fact stored)
from luoshi.store.models import AdminEntryRow, AuditEntryRow, ItemRow

# The columns copied out of the hashed event for queries, checked against it by `verify_audit`.
COPIED = ("type", "actor", "from_state", "to_state")


@dataclass(frozen=True)
class AuditProblem:
    """One thing wrong in the log: the item (None: the administrative log), the entry's seq (None: about
    the chain as a whole), what kind, in words."""

    item_id: int | None
    seq: int | None
    kind: str  # changed | broken_link | sequence | length | column | orphan | state
    detail: str

    def __str__(self) -> str:
        where = "管理日志" if self.item_id is None else f"督办事项 {self.item_id}"
        where += f" 第 {self.seq} 条" if self.seq is not None else ""
        return f"{where}：{KINDS.get(self.kind, self.kind)}：{self.detail}"


# Each kind of problem as `luoshi audit verify` names it.
KINDS = {"changed": "内容被改", "broken_link": "链接断开", "sequence": "序号不连续", "length": "条数不符",
         "head": "链尾不符", "column": "字段不符", "orphan": "多余记录", "state": "状态不符"}


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(row.seq, row.prev_hash, row.hash, json.loads(row.event))


def last_entry(session: Session, item_id: int) -> AuditEntry | None:
    row = session.scalars(select(AuditEntryRow).where(AuditEntryRow.item_id == item_id)
                          .order_by(AuditEntryRow.seq.desc()).limit(1)).first()
    return _entry(row) if row else None


def append_event(session: Session, item_id: int, event: Event, *, key: bytes | None = None,
                 prev: AuditEntry | None = None) -> AuditEntryRow:
    """Add `event` to item `item_id`'s chain (after `prev`, else after the last stored entry).

    The (item_id, seq) unique constraint makes a second writer of the same version fail, on top of the
    item's optimistic lock.
    """
    if prev is None and event.version > 1:
        prev = last_entry(session, item_id)
    entry = record(prev, event, key)
    data = entry.event
    row = AuditEntryRow(item_id=item_id, seq=entry.seq, type=data["type"], at=event.at, actor=event.actor,
                        from_state=data["from_state"], to_state=data["to_state"],
                        event=canonical_plain(data), prev_hash=entry.prev_hash, hash=entry.hash)
    session.add(row)
    return row


def verify_audit(session: Session, *, key: bytes | None = None, item_id: int | None = None) -> list[AuditProblem]:
    """Every problem in the audit log (of one item, or all), item by item; empty when it is intact.

    Per item: the chain itself (`luoshi.ledger.audit.verify`, with the item's version as its length),
    the query columns against the hashed event, and the item's state against its last event. Entries
    of an item that no longer exists are reported as `orphan`. The log is read as a stream, one item's
    chain in memory at a time.
    """
    t = AuditEntryRow
    query = select(t.item_id, t.seq, t.type, t.at, t.actor, t.from_state, t.to_state, t.event, t.prev_hash,
                   t.hash).order_by(t.item_id, t.seq)
    items = select(ItemRow.id, ItemRow.version, ItemRow.state)
    if item_id is not None:
        query = query.where(t.item_id == item_id)
        items = items.where(ItemRow.id == item_id)
    known = {i: (version, state) for i, version, state in session.execute(items)}
    problems: list[AuditProblem] = []
    seen: set[int] = set()
    for current, rows in groupby(session.execute(query.execution_options(yield_per=5000)), key=lambda r: r.item_id):
        chain_rows = list(rows)
        seen.add(current)
        if current not in known:
            problems.append(AuditProblem(current, None, "orphan",
                                         f"有 {len(chain_rows)} 条记录，但这个督办事项已不存在"))
            continue
        problems += _verify_item(current, chain_rows, *known[current], key)
    for missing in sorted(set(known) - seen):
        problems.append(AuditProblem(missing, None, "length", f"没有任何记录，应有 {known[missing][0]} 条"))
    problems.sort(key=lambda p: p.item_id or 0)
    return problems + (verify_admin_log(session, key=key) if item_id is None else [])


def _verify_item(item_id: int, rows: list[Any], version: int, state: str,
                 key: bytes | None) -> list[AuditProblem]:
    out = []
    try:
        entries = [_entry(r) for r in rows]
    except ValueError as exc:
        return [AuditProblem(item_id, None, "changed", NOT_JSON)]
    for p in verify(entries, length=version, key=key):
        out.append(AuditProblem(item_id, p.seq, p.kind, p.detail))
    for row, entry in zip(rows, entries):
        wrong = [c for c in COPIED if getattr(row, c) != entry.event.get(c)]
        if jsonable(row.at) != entry.event.get("at"):  # the history shows this column: no backdating
            wrong.append("at")
        if wrong:
            out.append(AuditProblem(item_id, row.seq, "column",
                                    _columns(wrong)))
    if entries and entries[-1].event.get("to_state") != state:
        out.append(AuditProblem(item_id, None, "state", f"事项的状态是 {state!r}，最后一条事件却是 "
                                                        f"{entries[-1].event.get('to_state')!r}"))
    return out


NOT_JSON = "有一条记录不是有效的 JSON：内容被改动过"


def _columns(wrong: list[str]) -> str:
    return f"字段 {'、'.join(wrong)} 与记入哈希的事件不一致"


def history_rows(session: Session, item_id: int) -> list[dict[str, Any]]:
    """The events of an item in order, as the JSON dicts that were hashed."""
    rows = session.scalars(select(AuditEntryRow).where(AuditEntryRow.item_id == item_id)
                           .order_by(AuditEntryRow.seq))
    return [json.loads(r.event) for r in rows]


# -- the administrative log ---------------------------------------------------------------------------

ADMIN_LOCK = 0x6C756F7368  # "luosh": the advisory lock that orders appends to the admin log on PostgreSQL

def append_admin(session: Session, *, type: str, actor: Any, subject: str, data: dict[str, Any] | None = None,
                 at: datetime | None = None, settings: Any = None) -> AdminEntryRow:
    """Add an administrative change to its chain, in the caller's transaction. `actor` is an Actor, a
    user id, or None ("system"); the audit key comes from `settings` (default: the process's).

    Two writers appending at the same moment collide on the unique seq; the second transaction fails
    and is retried by its caller (the CLI and web answer with a message to try again).
    """
    from luoshi.settings import get_settings

    key = (settings or get_settings()).audit_key_bytes
    actor = getattr(actor, "id", None) or (actor if isinstance(actor, str) and actor else "system")
    at = at or datetime.now(UTC)
    # Hold the right to append before reading the chain's end: SQLite takes its write lock with the
    # first write (the change being logged, flushed here); PostgreSQL an advisory lock until commit.
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_LOCK})
    last = session.execute(select(AdminEntryRow.seq, AdminEntryRow.hash).order_by(AdminEntryRow.seq.desc())
                           .limit(1)).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    event = {"type": type, "at": at, "actor": actor, "subject": subject, "data": data or {}}
    body = canonical_json(event)
    row = AdminEntryRow(seq=seq, type=type, at=at, actor=actor, subject=subject, event=body, prev_hash=prev_hash,
                        hash=chain(prev_hash, json.loads(body), seq, key))
    session.add(row)
    return row


def verify_admin_log(session: Session, *, key: bytes | None = None) -> list[AuditProblem]:
    """The problems of the administrative log's chain (an entry cut off its end goes unseen: nothing
    outside the log counts its entries)."""
    t = AdminEntryRow
    rows = list(session.execute(select(t.seq, t.type, t.actor, t.subject, t.event, t.prev_hash, t.hash)
                                .order_by(t.seq)))
    try:
        entries = [_entry(r) for r in rows]
    except ValueError as exc:
        return [AuditProblem(None, None, "changed", NOT_JSON)]
    out = [AuditProblem(None, p.seq, p.kind, p.detail) for p in verify(entries, key=key)]
    for row, entry in zip(rows, entries):
        wrong = [c for c in ("type", "actor", "subject") if getattr(row, c) != entry.event.get(c)]
        if wrong:
            out.append(AuditProblem(None, row.seq, "column", _columns(wrong)))
    return out


def admin_log(session: Session, *, subject: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Administrative changes, newest first (of one `subject`, e.g. `user:li`), as the hashed dicts."""
    stmt = select(AdminEntryRow.event).order_by(AdminEntryRow.seq.desc()).limit(limit)
    if subject:
        stmt = stmt.where(AdminEntryRow.subject == subject)
    return [json.loads(e) for e in session.scalars(stmt)]
