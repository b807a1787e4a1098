"""Versions of the lists every page offers as choices (the units of the directory, the newest documents),
kept by the database: a trigger raises a list's version in the transaction of each change to its table, so
a process keeps its copy of a list while the version it read it at is current, on every host alike, and
asks the database one small row per page instead of the whole list (a province's 1 300 unit names sorted
by name, and the 200 newest documents: some 5 ms of PostgreSQL a ledger page at 1 000 000 items).

The version and the change commit together, so a reader that sees a version also sees the rows it counts.
On PostgreSQL the raise is a deferred constraint trigger, run once per list at the end of the writing
transaction (a transaction-local setting remembers it ran), so two writers of documents wait on the
version's row only while they commit, not from their first insert; a TRUNCATE raises it too. SQLite writes
one transaction at a time anyway: a row trigger raises it at each change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.orm import Session

from luoshi.store.db import READ_ONLY, engine_of
from luoshi.store.kept import Kept
from luoshi.store.models import ListVersion

LISTS = {"units": "organisations", "documents": "documents"}  # list: the table whose changes raise it

_FUNCTION = """
CREATE OR REPLACE FUNCTION luoshi_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('luoshi.list_changed_' || TG_ARGV[0], true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('luoshi.list_changed_' || TG_ARGV[0], txid_current()::text, true);
        INSERT INTO list_versions (name, version) VALUES (TG_ARGV[0], 1)
        ON CONFLICT (name) DO UPDATE SET version = list_versions.version + 1;
    END IF;
    RETURN NULL;
END $$"""


def trigger_statements(dialect: str) -> list[str]:
    """The DDL of the triggers for `dialect` (a migration runs them)."""
    if dialect == "postgresql":
        out = [_FUNCTION]
        for name, table in LISTS.items():
            out += [f"CREATE CONSTRAINT TRIGGER {table}_list_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION luoshi_list_changed('{name}')",
                    f"CREATE TRIGGER {table}_list_truncated AFTER TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION luoshi_list_changed('{name}')"]
        return out
    return [f"CREATE TRIGGER {table}_list_{event.lower()} AFTER {event} ON {table} BEGIN "
            f"UPDATE list_versions SET version = version + 1 WHERE name = '{name}'; END"
            for name, table in LISTS.items() for event in ("INSERT", "UPDATE", "DELETE")]


def drop_trigger_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_list_{kind} ON {table}"
                for table in LISTS.values() for kind in ("changed", "truncated")] + \
            ["DROP FUNCTION IF EXISTS luoshi_list_changed()"]
    return [f"DROP TRIGGER IF EXISTS {table}_list_{event}" for table in LISTS.values()
            for event in ("insert", "update", "delete")]


def raise_all(connection: Connection) -> None:
    """Raise every list's version (after a bulk load with the triggers dropped: `luoshi.store.aggregates`)."""
    for name in LISTS:
        connection.execute(text("INSERT INTO list_versions (name, version) VALUES (:name, 1) "
                                "ON CONFLICT (name) DO UPDATE SET version = list_versions.version + 1"),
                           {"name": name})


def version(session: Session, name: str) -> int | None:
    """The list's version now; None where none is kept (its row is gone: then no copy may be trusted).
    A session opened to read only (a web GET's) reads every list's version at its first ask, in one
    statement, and answers from those for its life: the ledger page offers both lists, which cost it two
    round trips to the database; a session that writes may change a list, and asks each time."""
    if not session.info.get(READ_ONLY):
        return _VERSION.scalar(session, {"name": name})
    seen = session.info.get(_SEEN)
    if seen is None:
        seen = session.info[_SEEN] = {r.name: r.version for r in _VERSIONS.all(session)}
    return seen.get(name)


_VERSION = Kept(select(ListVersion.version).where(ListVersion.name == bindparam("name")))
_VERSIONS = Kept(select(ListVersion.name, ListVersion.version))
_SEEN = "luoshi.list_versions"  # session.info: the versions a read-only session read


T = TypeVar("T")
# {database: {key: (version, value)}}: per database, as a process may serve (a test: open) several.
_held: WeakKeyDictionary[Any, dict[str, tuple[int | None, Any]]] = WeakKeyDictionary()


def kept(session: Session, name: str, key: str, make: Callable[[T | None], T]) -> T:
    """`make(previous)`'s value, kept by this process under `key` (per database) while list `name`'s version
    is the one it was made at; `previous` is the value kept before (None the first time), which `make` may
    give back when what it reads has not changed. The version is read first: a value made after it is at
    least that version's (made before it, it could be older than the version it would be kept under)."""
    held_here = _held.setdefault(engine_of(session), {})
    current = version(session, name)
    held = held_here.get(key)
    if held is not None and current is not None and held[0] == current:
        return held[1]
    value = make(None if held is None else held[1])
    held_here[key] = (current, value)
    return value
