"""What a migration may do to a large PostgreSQL table while the app keeps serving (docs/operations.md,
"Upgrades"): the statements that hold an ACCESS EXCLUSIVE lock — which stops every read of the ledger —
for as long as a whole table takes to rewrite or scan, found in the SQL a migration ran; and `build_index`,
an index built with neither reads nor writes held.

Allowed: new tables, nullable columns or columns with a constant default (PostgreSQL 11+ adds them without a
rewrite), indexes (CREATE INDEX stops writes but not reads; CONCURRENTLY stops neither), constraints added
NOT VALID and validated later. Refused on an existing table: a column's type changed, SET NOT NULL, a CHECK
constraint validated at once, a column added with a volatile default, and any statement that rewrote a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alembic import op
from sqlalchemy import Connection, Engine, event, text

# (rule, pattern over one ALTER TABLE statement) — each holds ACCESS EXCLUSIVE for a scan or a rewrite.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("changes a column's type (rewrites the table)", re.compile(r"\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b", re.I)),
    ("sets NOT NULL (scans the table under an exclusive lock; add a CHECK … NOT VALID, VALIDATE it, then SET "
     "NOT NULL in a later release)", re.compile(r"\bSET\s+NOT\s+NULL\b", re.I)),
    ("adds a CHECK constraint validated at once (add it NOT VALID, then VALIDATE CONSTRAINT)",
     re.compile(r"\bADD\s+CONSTRAINT\s+\S+\s+CHECK\b(?!.*\bNOT\s+VALID\b)", re.I | re.S)),
    ("adds a column with a volatile default (rewrites the table; add it NULL, fill it in batches)",
     re.compile(r"\bADD\s+(COLUMN\s+)?\S+\s+[^,]*\bDEFAULT\s+(now\(\)|CURRENT_TIMESTAMP|clock_timestamp|random|"
                r"gen_random_uuid|nextval)", re.I)),
)
ALTER = re.compile(r"^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?\"?(\w+)\"?", re.I)


@dataclass(frozen=True)
class Problem:
    table: str
    rule: str
    statement: str

    def __str__(self) -> str:
        return f"{self.table}: {self.rule}: {self.statement.strip()[:200]}"


def statement_problems(statements: Iterable[str], tables: Iterable[str]) -> list[Problem]:
    """The statements of `statements` that would lock one of `tables` (those already holding rows) for a
    scan or a rewrite."""
    existing = set(tables)
    problems = []
    for statement in statements:
        match = ALTER.match(statement)
        if match is None or match.group(1) not in existing:
            continue
        problems += [Problem(match.group(1), rule, statement) for rule, pattern in RULES if pattern.search(statement)]
    return problems


def storage_of(conn: Connection) -> dict[str, int]:
    """{table: its storage file number} in the current schema; a rewrite gives a table a new one."""
    rows = conn.execute(text("SELECT c.relname, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = "
                             "c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()"))
    return {name: node for name, node in rows}


def rewritten(before: dict[str, int], after: dict[str, int]) -> list[Problem]:
    """The tables of `before` whose storage changed: something rewrote them."""
    return [Problem(name, "was rewritten (its storage changed)", "") for name, node in sorted(before.items())
            if name in after and after[name] != node]


class Recorder:
    """The SQL statements an engine runs while recording (`with Recorder(engine) as sql: upgrade(...)`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.statements.append(statement)

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.statements

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def build_index(name: str, table: str, columns: Sequence[object]) -> None:
    """Build index `name` CONCURRENTLY, unless it is there already: neither the table's reads nor its writes
    wait. A build that failed half-way left an invalid index behind, which is dropped and built again. Call
    inside `op.get_context().autocommit_block()` (CONCURRENTLY cannot run in the migrations' transaction)."""
    invalid = op.get_bind().execute(text(
        "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"), {"name": name}).scalar()
    if invalid:
        op.drop_index(name, table_name=table, postgresql_concurrently=True)
    op.create_index(name, table, list(columns), unique=False, postgresql_concurrently=True, if_not_exists=True)
