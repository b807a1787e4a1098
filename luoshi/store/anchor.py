"""The global audit chain and its signed checkpoints: every fact a page shows, in one hash chain, whose
head is written after each commit to a file outside the database, signed with the audit key.

A per-item chain proves an item's events follow each other; it cannot tell that a whole item was
deleted, that its last event was cut off with its version lowered, that a progress report was edited in
its own table, or (without a key) that an event was edited and every hash after it recomputed. So each
fact also enters `audit_chain` as (kind, ref, digest) in the transaction that stores it:

| kind | ref | digest |
|---|---|---|
| item | item id | its id and kind: the item's creation |
| event | item id:seq | the event's hash in its item's chain (its time, actor, data) |
| admin | seq | the administrative entry's hash (users, roles, tokens, organisations, documents) |
| progress, rating, instruction, answer | row id | sha256 of the row's shown fields (text, percent, attachments …) |

Entries are appended by a flush listener, so no store function can forget one; other modules add a
table with `cover(Model, kind, fields)`. After each commit that appended, the head (seq, hash) is
written, HMAC-signed with `luoshi.keys.audit_key`, to `data_dir/checkpoints/<database id>.json`;
`verify_chain` recomputes the chain, compares every entry with the row it covers, every row with its
entry, every user's role with the administrative log, and the head with the checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError
from luoshi.ledger.audit import GENESIS, chain_hash, chain_json
from luoshi.ledger.canonical import canonical_json, canonical_plain, encode_string
from luoshi.store.models import (AdminEntryRow, AuditEntryRow, ChainEntryRow, Instruction, InstructionAnswer, ItemRow,
                                 ProgressReport, RatingRow, User)

CHAIN_LOCK = 0x6C756F7369  # "luosi": orders appends to the global chain on PostgreSQL
CHECKPOINTS = "checkpoints"


def _sha(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Covered:
    """A table whose rows enter the global chain: how a row is named (`ref`) and digested."""

    kind: str
    ref: Callable[[Any], str]
    digest: Callable[[Any], str]


def _fields(*names: str) -> Callable[[Any], str]:
    return lambda row: _sha({n: getattr(row, n) for n in names})


COVERED: dict[type, Covered] = {
    ItemRow: Covered("item", lambda r: str(r.id), lambda r: _sha({"id": r.id, "kind": r.kind})),
    AuditEntryRow: Covered("event", lambda r: f"{r.item_id}:{r.seq}", lambda r: r.hash),
    AdminEntryRow: Covered("admin", lambda r: str(r.seq), lambda r: r.hash),
    ProgressReport: Covered("progress", lambda r: str(r.id),
                            _fields("item_id", "version", "kind", "text", "percent", "attachments", "unit_id", "by",
                                    "at")),
    RatingRow: Covered("rating", lambda r: str(r.id), _fields("item_id", "version", "rating", "note", "by", "at")),
    Instruction: Covered("instruction", lambda r: str(r.id), _fields("item_id", "version", "text", "by", "at")),
    InstructionAnswer: Covered("answer", lambda r: str(r.id),
                               _fields("instruction_id", "item_id", "version", "text", "unit_id", "by", "at")),
}


def cover(model: type, kind: str, fields: Iterable[str]) -> None:
    """Put the rows of `model` (an insert-only table, e.g. attachments) under the global chain."""
    names = tuple(fields)
    COVERED[model] = Covered(kind, lambda r: str(r.id), _fields(*names))


def _cover_evidence() -> None:
    # Evidence files are facts a page shows (the item page lists them): their rows join the chain.
    from luoshi.store.evidence import AttachmentRow

    cover(AttachmentRow, "attachment", ("item_id", "version", "name", "kind", "size", "sha256", "unit_id", "by", "at"))


_cover_evidence()


# -- appending ---------------------------------------------------------------------------------------

_CHAIN = ChainEntryRow.__table__


def _head(conn: Connection) -> tuple[int, str, str | None]:
    """(seq, hash, database id) of the chain's last entry; (0, GENESIS, None) when it is empty."""
    last = conn.execute(select(_CHAIN.c.seq, _CHAIN.c.hash).order_by(_CHAIN.c.seq.desc()).limit(1)).first()
    if last is None:
        return 0, GENESIS, None
    database_id = conn.execute(select(_CHAIN.c.ref).where(_CHAIN.c.seq == 1)).scalar_one_or_none()
    return last.seq, last.hash, database_id


def entry_hash(prev_hash: str, seq: int, kind: str, ref: str, digest: str) -> str:
    """The entry's hash: `chain(prev_hash, {"kind", "ref", "digest"}, seq)`, written out for speed."""
    return chain_hash(chain_json(prev_hash, fact_json(kind, ref, digest), seq))


def fact_json(kind: str, ref: str, digest: str) -> str:
    """canonical_plain({"kind": kind, "ref": ref, "digest": digest}): a bulk load links ten million."""
    if type(kind) is not str or type(ref) is not str or type(digest) is not str:
        return canonical_plain({"kind": kind, "ref": ref, "digest": digest})
    return f'{{"digest":{encode_string(digest)},"kind":{encode_string(kind)},"ref":{encode_string(ref)}}}'


def append_facts(conn: Connection, facts: list[tuple[str, str, str]], head: tuple[int, str, str | None] | None = None
                 ) -> tuple[int, str, str | None]:
    """Append (kind, ref, digest) facts after `head` (else the stored head); a genesis entry naming the
    database first when the chain is empty. The new head."""
    if conn.dialect.name == "postgresql" and head is None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    seq, prev, database_id = head or _head(conn)
    if database_id is None:
        facts = [("genesis", uuid.uuid4().hex, GENESIS), *facts]
    rows = []
    for kind, ref, digest in facts:
        seq += 1
        prev = entry_hash(prev, seq, kind, ref, digest)
        rows.append({"seq": seq, "kind": kind, "ref": ref, "digest": digest, "hash": prev})
        if kind == "genesis":
            database_id = ref
    conn.execute(insert(_CHAIN), rows)
    return seq, prev, database_id


# The facts of a transaction's new rows are taken at each flush (the rows as written: their tables are
# insert-only) and appended to the global chain when it commits. Appending takes the chain's lock until the
# commit (PostgreSQL: one advisory lock for every writer on every host): taken at the first flush, it was
# held through everything the write did after it (its outbox notices, its search entry, its answer's
# reads); under load, threads waiting for the interpreter lock stretched that, and every other write queued
# behind it (an assignment's p99 12.9 s at 150 requests/s). Now it is held for the append and the commit.
_PENDING = "chain_pending"  # session.info: the facts flushed and not yet appended, in flush order
_MARKS = "chain_marks"  # session.info: {savepoint transaction: how many facts were pending when it began}


@event.listens_for(Session, "after_flush")
def _chain_new_rows(session: Session, _context: Any) -> None:
    facts = []
    for row in session.new:
        covered = COVERED.get(type(row))
        if covered is not None:
            facts.append((covered.kind, covered.ref(row), covered.digest(row)))
    if facts:
        facts.sort(key=lambda f: (f[0] != "item", f[0] != "event", f[1]))  # a stable order within a flush
        session.info.setdefault(_PENDING, []).extend(facts)


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: its facts wait for the transaction's commit
        return
    session.flush()  # what the commit would flush after this hook: its facts too
    facts = session.info.pop(_PENDING, None)
    session.info.pop(_MARKS, None)
    if facts:
        session.info["chain_head"] = append_facts(session.connection(), facts, session.info.get("chain_head"))


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: Any) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_facts(session: Session, previous_transaction: Any) -> None:
    """A savepoint rolled back takes its rows back: their facts are not appended; a transaction rolled back,
    all of them."""
    if not previous_transaction.nested:
        if previous_transaction.parent is None:
            session.info.pop(_PENDING, None)
            session.info.pop(_MARKS, None)
        return
    mark = session.info.get(_MARKS, {}).pop(previous_transaction, None)
    if mark is not None and _PENDING in session.info:
        del session.info[_PENDING][mark:]


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    head = session.info.pop("chain_head", None)
    if head is not None and head[2] is not None:
        try:
            write_checkpoint(head[2], head[0], head[1])
        except (OSError, LuoshiError):
            pass  # the data folder is unwritable or the settings bad: `verify` will say the checkpoint lags


@event.listens_for(Session, "after_rollback")
def _forget_head(session: Session) -> None:
    session.info.pop("chain_head", None)


# -- checkpoints -------------------------------------------------------------------------------------

def _settings(settings: Any = None) -> Any:
    from luoshi.settings import get_settings

    return settings or get_settings()


_KEYS: dict[tuple[str, str | None], bytes] = {}


def _key(settings: Any) -> bytes:
    from luoshi import keys

    marker = (str(settings.data_path), settings.audit_key)
    if marker not in _KEYS:
        _KEYS[marker] = keys.audit_key(settings, warn=False)  # `serve` and `audit verify` warn
    return _KEYS[marker]


def checkpoint_path(database_id: str, settings: Any = None) -> Path:
    return _settings(settings).data_path / CHECKPOINTS / f"{database_id}.json"


def sign(body: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical_json(body).encode("utf-8"), hashlib.sha256).hexdigest()


def write_checkpoint(database_id: str, seq: int, head: str, *, settings: Any = None, force: bool = False) -> Path:
    """Write the signed checkpoint (database, seq, head hash, time), unless a newer one is there already."""
    settings = _settings(settings)
    path = checkpoint_path(database_id, settings)
    if not force and path.exists():
        try:
            if json.loads(path.read_text(encoding="utf-8"))["seq"] >= seq:
                return path
        except (ValueError, KeyError, OSError):
            pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    body = {"database": database_id, "seq": seq, "hash": head, "at": datetime.now(UTC).isoformat()}
    body["signature"] = sign(body, _key(settings))
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def read_checkpoint(path: Path, settings: Any = None) -> dict[str, Any] | None:
    """The checkpoint at `path` if its signature holds; None when absent; ValueError when forged."""
    if not path.exists():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))
    signature = body.pop("signature", "")
    if not hmac.compare_digest(signature, sign(body, _key(_settings(settings)))):
        raise ValueError("签名不符")
    return body


# -- verifying ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainProblem:
    kind: str  # chain | deleted | changed | unchained | user | checkpoint
    detail: str

    def __str__(self) -> str:
        return f"全局链：{KINDS.get(self.kind, self.kind)}：{self.detail}"


# Each kind of problem as `luoshi audit verify` names it.
KINDS = {"chain": "链断开", "deleted": "被删除", "changed": "被改动", "unchained": "绕过 luoshi 写入", "user": "用户",
         "checkpoint": "检查点"}


def database_id(session: Session) -> str | None:
    return session.scalar(select(ChainEntryRow.ref).where(ChainEntryRow.seq == 1))


def current_facts(session: Session, tables: set[str] | None = None) -> dict[tuple[str, str], str]:
    """{(kind, ref): digest} of every covered row as stored now (of the covered `tables` only, if given)."""
    facts: dict[tuple[str, str], str] = {}
    for model, covered in COVERED.items():
        table = model.__table__
        if tables is not None and table.name not in tables:
            continue
        for row in session.execute(select(table).execution_options(yield_per=2000)):
            facts[(covered.kind, covered.ref(row))] = covered.digest(row)
    return facts


def verify_chain(session: Session, *, settings: Any = None) -> list[ChainProblem]:
    """Every problem of the global chain, the rows it covers, the users' roles and the checkpoint."""
    problems: list[ChainProblem] = []
    entries = session.execute(select(_CHAIN.c.seq, _CHAIN.c.kind, _CHAIN.c.ref, _CHAIN.c.digest, _CHAIN.c.hash)
                              .order_by(_CHAIN.c.seq)).all()
    prev, chained = GENESIS, {}
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            problems.append(ChainProblem("chain", f"缺少第 {expected_seq} 条（下一条是第 {entry.seq} 条）"))
            break
        if entry_hash(prev, entry.seq, entry.kind, entry.ref, entry.digest) != entry.hash:
            problems.append(ChainProblem("chain", f"第 {entry.seq} 条与其哈希不符"))
            break
        prev = entry.hash
        if entry.kind != "genesis":
            chained[(entry.kind, entry.ref)] = entry.digest
    facts = current_facts(session)
    for (kind, ref), digest in chained.items():
        if (kind, ref) not in facts:
            problems.append(ChainProblem("deleted", f"{kind} {ref} 在链中，但数据库里已没有"))
        elif facts[(kind, ref)] != digest:
            problems.append(ChainProblem("changed", f"{kind} {ref} 与存入时不同"))
    for kind, ref in sorted(set(facts) - set(chained)):
        problems.append(ChainProblem("unchained", f"{kind} {ref} 不在链中：是绕过 luoshi 直接写入数据库的"))
    problems += verify_users(session)
    problems += verify_checkpoint(session, entries, settings=settings)
    return problems


def verify_users(session: Session) -> list[ChainProblem]:
    """Each user's role, unit and whether active, against the last administrative entry that set them."""
    logged: dict[str, dict[str, Any]] = {}
    for body in session.scalars(select(AdminEntryRow.event).where(
            AdminEntryRow.type.in_(("user_created", "user_updated"))).order_by(AdminEntryRow.seq)):
        entry = json.loads(body)
        logged.setdefault(entry["subject"], {"active": True}).update(entry.get("data") or {})
    problems = []
    for user in session.scalars(select(User).order_by(User.id)):
        state = logged.get(f"user:{user.username}")
        if state is None:
            problems.append(ChainProblem("user", f"用户 {user.username!r} 不是通过 luoshi 创建的"))
            continue
        wrong = [f for f in ("role", "unit_id", "active") if f in state and state[f] != getattr(user, f)]
        if wrong:
            problems.append(ChainProblem("user", f"用户 {user.username!r} 的 {'、'.join(wrong)} 被绕过 luoshi 改动"))
    return problems


def verify_checkpoint(session: Session, entries: list[Any], *, settings: Any = None) -> list[ChainProblem]:
    if not entries:
        return []
    path = checkpoint_path(entries[0].ref, settings)
    try:
        checkpoint = read_checkpoint(path, settings)
    except (ValueError, KeyError, OSError) as exc:
        return [ChainProblem("checkpoint", f"检查点文件 {path.name} 无效（{exc}）：它被改动过，或审计密钥与写入时不同")]
    if checkpoint is None:
        return [ChainProblem("checkpoint", f"数据目录中没有这个数据库的检查点（{path.name}）：无法核对链尾；"
                                           "请确认 LUOSHI_DATA_DIR 指向原来的数据目录")]
    by_seq = {e.seq: e.hash for e in entries}
    if checkpoint["seq"] not in by_seq:
        return [ChainProblem("checkpoint", f"链止于第 {entries[-1].seq} 条，而 {checkpoint['at']} 的检查点记有 "
                                           f"{checkpoint['seq']} 条：有记录被删除")]
    if by_seq[checkpoint["seq"]] != checkpoint["hash"]:
        return [ChainProblem("checkpoint", f"第 {checkpoint['seq']} 条与 {checkpoint['at']} 的检查点不符："
                                           "链被重写过")]
    return []


def anchor_existing(conn: Connection) -> int:
    """Chain every covered row not yet in the chain (a database from before the chain, in migration 0010).
    The number of rows chained; the tables a later migration creates are not there yet, and have no rows."""
    from sqlalchemy import inspect

    present = set(inspect(conn).get_table_names())
    with Session(bind=conn) as session:
        chained = {(k, r) for k, r in session.execute(select(_CHAIN.c.kind, _CHAIN.c.ref))}
        missing = [(k, r, d) for (k, r), d in current_facts(session, present).items() if (k, r) not in chained]
    if missing:
        order = {"item": 0, "event": 1, "admin": 2}
        missing.sort(key=lambda f: (order.get(f[0], 3), f[0], _natural(f[1])))
        append_facts(conn, missing)
    return len(missing)


def _natural(ref: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in ref.split(":"))
