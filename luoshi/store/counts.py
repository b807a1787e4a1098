"""How many items are in each state: the `state` facts of scope 0 that the dashboard's triggers keep
(`luoshi.store.aggregates`), so a ledger's total over all items is read, not counted.

Until migration 0025 they were kept in `item_state_counts` by triggers of their own, one more row that every
write changed and held to its commit; that table is no longer kept (0025 drops its triggers; processes of the
release before read it until they restart) and a later release drops it. Its triggers' DDL stays here for
migration 0017 and 0025's downgrade.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from luoshi.store.kept import Kept
from luoshi.store.models import DashboardCount, ItemRow
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
    """The DDL of `item_state_counts`' triggers for `dialect` (migration 0017; 0025's downgrade)."""
    return list(_SQLITE if dialect == "sqlite" else _POSTGRESQL)


def drop_trigger_statements(dialect: str) -> list[str]:
    return list(_DROP[dialect])


def rebuild_table(connection: Connection) -> None:
    """Count `item_state_counts` again from the items (0025's downgrade, which keeps it again)."""
    connection.execute(text("DELETE FROM item_state_counts"))
    connection.execute(text("INSERT INTO item_state_counts (state, n) "
                            "SELECT state, count(*) FROM items GROUP BY state"))


def items_in(session: Session, states: Iterable[str] | None = None) -> int:
    """How many items are in `states` (None: all), from the kept counts."""
    if states is None:
        return int(_ALL.scalar(session) or 0)
    return int(_IN.scalar(session, {"states": list(states)}) or 0)


# Kept (`luoshi.store.kept`): asked at every page of the office's ledger.
_STATES = (DashboardCount.scope == 0, DashboardCount.kind == "state")
_ALL = Kept(select(func.coalesce(func.sum(DashboardCount.n), 0).label("n")).where(*_STATES))
_IN = Kept(_ALL.statement.where(among(DashboardCount.key, "states")))


def recount(session: Session) -> dict[str, int]:
    """{state: items} counted from the items themselves: what the kept counts must equal."""
    return dict(session.execute(select(ItemRow.state, func.count()).group_by(ItemRow.state)).all())


def kept(session: Session) -> dict[str, int]:
    """{state: items} as kept (states with no item left out)."""
    return {s: int(n) for s, n in session.execute(
        select(DashboardCount.key, func.sum(DashboardCount.n)).where(*_STATES).group_by(DashboardCount.key)) if n}
