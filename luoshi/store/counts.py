"""Aggregates the writes keep current: how many items are in each state (`item_state_counts`), updated by
triggers in the transaction that inserts, deletes or moves an item, however it is written (the store,
a bulk COPY, a migration), so a ledger's total over all items is read, not counted.

The triggers insert a state's row when it is missing and only ever decrement one that exists: a table
emptied by hand (tests do) stays in step with the items deleted with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from luoshi.store.models import ItemRow, ItemStateCount
from luoshi.store.kept import Kept
from luoshi.store.types import among

_SQLITE_BUMP = ("INSERT INTO item_state_counts (state, n) VALUES (NEW.state, 1) "
                "ON CONFLICT (state) DO UPDATE SET n = n + 1;")
_SQLITE_DROP = "UPDATE item_state_counts SET n = n - 1 WHERE state = OLD.state;"
_SQLITE = [
    f"CREATE TRIGGER items_count_insert AFTER INSERT ON items BEGIN {_SQLITE_BUMP} END",
    f"CREATE TRIGGER items_count_delete AFTER DELETE ON items BEGIN {_SQLITE_DROP} END",
    f"CREATE TRIGGER items_count_state AFTER UPDATE OF state ON items WHEN OLD.state IS NOT NEW.state "
    f"BEGIN {_SQLITE_DROP} {_SQLITE_BUMP} END",
]
_POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION item_state_counts_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE item_state_counts SET n = n - 1 WHERE state = OLD.state;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO item_state_counts (state, n) VALUES (NEW.state, 1)
        ON CONFLICT (state) DO UPDATE SET n = item_state_counts.n + 1;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER items_count_insert_delete AFTER INSERT OR DELETE ON items FOR EACH ROW "
    "EXECUTE FUNCTION item_state_counts_keep()",
    "CREATE TRIGGER items_count_state AFTER UPDATE OF state ON items FOR EACH ROW "
    "WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION item_state_counts_keep()",
]
_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS items_count_insert", "DROP TRIGGER IF EXISTS items_count_delete",
               "DROP TRIGGER IF EXISTS items_count_state"],
    "postgresql": ["DROP TRIGGER IF EXISTS items_count_insert_delete ON items",
                   "DROP TRIGGER IF EXISTS items_count_state ON items",
                   "DROP FUNCTION IF EXISTS item_state_counts_keep()"],
}




def trigger_statements(dialect: str) -> list[str]:
    """The DDL of the triggers for `dialect` (a migration runs them)."""
    return list(_SQLITE if dialect == "sqlite" else _POSTGRESQL)


def drop_trigger_statements(dialect: str) -> list[str]:
    return list(_DROP[dialect])


def rebuild(connection: Connection) -> None:
    """Count the items by state again (after a bulk load with the triggers dropped: `luoshi.store.aggregates`)."""
    connection.execute(text("DELETE FROM item_state_counts"))
    connection.execute(text("INSERT INTO item_state_counts (state, n) "
                            "SELECT state, count(*) FROM items GROUP BY state"))


def items_in(session: Session, states: Iterable[str] | None = None) -> int:
    """How many items are in `states` (None: all), from the kept counts."""
    if states is None:
        return int(_ALL.scalar(session) or 0)
    return int(_IN.scalar(session, {"states": list(states)}) or 0)


# Kept (`luoshi.store.kept`): asked at every page of the office's ledger.
_ALL = Kept(select(func.coalesce(func.sum(ItemStateCount.n), 0).label("n")))
_IN = Kept(_ALL.statement.where(among(ItemStateCount.state, "states")))


def recount(session: Session) -> dict[str, int]:
    """{state: items} counted from the items themselves: what the kept counts must equal."""
    return dict(session.execute(select(ItemRow.state, func.count()).group_by(ItemRow.state)).all())


def kept(session: Session) -> dict[str, int]:
    """{state: items} as kept (states with no item left out)."""
    return {s: n for s, n in session.execute(select(ItemStateCount.state, ItemStateCount.n)) if n}
