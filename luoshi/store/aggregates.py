"""The counts the writes keep current for the dashboard (`dashboard_counts`; the ledger's totals by state,
`luoshi.store.counts`, are its `state` facts of scope 0), and the one place that pauses and rebuilds every
kept aggregate around a bulk load.

Each item contributes a few facts, counted per scope: scope 0 is every item, scope u > 0 the items handed
out (交办) to unit u (an assignment with `assigned_at`), as a unit user sees them and `/ledger?unit=` lists
them. The facts (`kind`, `key`, `day`, `day2`) are:

- `state` (key: its state), `handed` (key: its state, when handed out), `on_time` (done by its due date);
- `red` (day: `red_on`) and `warned` (day: the first of `yellow_on`, `red_on`) while a clock runs, keyed by
  the item's state: on day T red = the red facts with day ≤ T, yellow = warned ≤ T less red, green =
  warned > T (the dashboard sums the states; the office's ledger by state and colour reads its total here:
  `coloured`);
- `due` (day: `due`, day2: the day it turns yellow, but no earlier than near_days before the due date, so
  that a unit has one or two rows a due date) while a clock runs and it warns by its due date: due soon
  on T = the due facts with T ≤ day ≤ T + near_days and day2 ≤ T;
- `created` and `completed` (day: the first of the month, in the office's time zone).

Row triggers on `items` and `assignments` add an item's facts in the transaction that writes it
(INSERT … ON CONFLICT DO UPDATE, one statement a row); the dashboard reads a few hundred rows. On
PostgreSQL the triggers stage them (`dashboard_pending`) and the transaction adds them as it commits: every
write changes scope 0's rows, and a row a writer has changed waits for its commit, so writers that added
their facts at once queued behind each other from their first change of an item to their commit (through
their audit, outbox and search index), where now only their commits take turns. SQLite writes one
transaction at a time anyway: its triggers add them at once. Red and
warned facts of days long past are folded into one day (`fold`), once a day, so that a unit's overdue
items are one row however old they are; `dashboard_marks` keeps the time zone the months and on-time
facts were counted in, the near_days of the due facts and the day folded through. A bulk load calls
`pause` before and `rebuild` after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Date, bindparam, case, func, select, text
from sqlalchemy.orm import Session

from luoshi import jobs
from luoshi.store import list_versions
from luoshi.store.db import engine_of
from luoshi.store.kept import Kept
from luoshi.store.models import DashboardCount
from luoshi.store.types import among

NO_DAY = date(1, 1, 1)  # the day of a fact without one (the key's columns are NOT NULL)
CLOCKED = ("assigned", "in_progress", "completion_requested")  # luoshi.store.warnings.CLOCKED
BATCH = 50_000  # item ids per statement of a rebuild


# -- an item's facts as SQL ------------------------------------------------------------------------------

class _Sql:
    """The dialect's spelling of the few date operations the facts need."""

    def __init__(self, dialect: str):
        self.pg = dialect == "postgresql"

    def day(self, value: date) -> str:
        return f"DATE '{value.isoformat()}'" if self.pg else f"'{value.isoformat()}'"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"min({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"max({a}, {b})"

    def minus_near_days(self, day: str) -> str:
        return f"({day} - {self.NEAR})" if self.pg else f"date({day}, '-' || {self.NEAR} || ' days')"

    # The zone counted in; without the row (a table emptied by hand) the default's, until `ready` rebuilds.
    ZONE = "COALESCE((SELECT zone FROM dashboard_marks WHERE id = 1), 'Asia/Shanghai')"
    MINUTES = "COALESCE((SELECT minutes FROM dashboard_marks WHERE id = 1), 480)"
    NEAR = "COALESCE((SELECT near_days FROM dashboard_marks WHERE id = 1), 7)"

    def local_date(self, moment: str) -> str:
        if self.pg:
            return f"CAST(({moment}) AT TIME ZONE {self.ZONE} AS DATE)"
        return f"date({moment}, {self.MINUTES} || ' minutes')"

    def local_month(self, moment: str) -> str:
        if self.pg:
            return f"CAST(date_trunc('month', ({moment}) AT TIME ZONE {self.ZONE}) AS DATE)"
        return f"date({moment}, {self.MINUTES} || ' minutes', 'start of month')"


def facts(r: str, n: str, dialect: str, *, scope: str = "", source: str = "", where: str = "",
          kinds: tuple[str, ...] | None = None, key: str | None = None) -> str:
    """SELECT kind, key, day, day2, n[, scope]: the facts of the item row `r` (a trigger's NEW or OLD, or
    the alias of `items` in `source`, a FROM clause, with the condition `where`), each counted `n`; of
    `kinds` only, if given; `key`: the key of the red and warned facts (default: `_keyed`)."""
    q = _Sql(dialect)
    none = q.day(NO_DAY)
    clocked = f"{r}.state IN ({', '.join(repr(s) for s in CLOCKED)})"
    warned = q.least(f"{r}.yellow_on", f"{r}.red_on")
    rows = [
        ("'state'", f"{r}.state", none, none, "TRUE" if q.pg else "1"),
        ("'handed'", f"{r}.state", none, none, f"{r}.assigned_at IS NOT NULL"),
        ("'on_time'", "''", none, none, f"{r}.state = 'done' AND {r}.assigned_at IS NOT NULL AND "
                                        f"({r}.due IS NULL OR {q.local_date(f'{r}.closed_at')} <= {r}.due)"),
        ("'red'", key or _keyed(r), f"{r}.red_on", none, f"{clocked} AND {r}.red_on IS NOT NULL"),
        ("'warned'", key or _keyed(r), warned, none,
         f"{clocked} AND {r}.yellow_on IS NOT NULL AND {r}.red_on IS NOT NULL"),
        # Due soon is yellow: red_on is always after the due date (the day after it, or never), so an item
        # due on or after T is not red on T, and yellow from the day it warns; one that warns only after
        # its due date (a completion asked for) is never due soon, and has no due fact.
        ("'due'", "''", f"{r}.due", q.greatest(warned, q.minus_near_days(f"{r}.due")),
         f"{clocked} AND {r}.yellow_on IS NOT NULL AND {r}.red_on > {r}.due AND {warned} <= {r}.due"),
        ("'created'", "''", q.local_month(f"{r}.created_at"), none, f"{r}.created_at IS NOT NULL"),
        ("'completed'", "''", q.local_month(f"{r}.closed_at"), none,
         f"{r}.state = 'done' AND {r}.closed_at IS NOT NULL"),
    ]
    if kinds is not None:
        rows = [row for row in rows if row[0].strip("'") in kinds]
    scope = f", {scope} AS scope" if scope else ""
    where = f"{where} AND " if where else ""
    return " UNION ALL ".join(f"SELECT {kind} AS kind, {key} AS key, {day} AS day, {day2} AS day2, {n} AS n{scope} "
                              f"{source} WHERE {where}{cond}" for kind, key, day, day2, cond in rows)


def _keyed(r: str) -> str:
    """The key of the item `r`'s red and warned facts: its state; but '' (as they were keyed before 0022)
    for an item at or above `keyed_through`, the frontier of `key_facts` while it runs after that upgrade."""
    return (f"CASE WHEN {r}.id < COALESCE((SELECT keyed_through FROM dashboard_marks WHERE id = 1), {r}.id + 1) "
            f"THEN {r}.state ELSE '' END")


# What every statement that adds facts to the counts ends with: a fact's row is created, or its n added to.
_ADD = "ON CONFLICT (scope, kind, key, day, day2) DO UPDATE SET n = dashboard_counts.n + excluded.n"
# A row's facts summed per scope (`{tx}`: the staging's transaction column, else nothing).
_SUMMED = ("SELECT {tx}s.scope, f.kind, f.key, f.day, f.day2, sum(f.n) FROM ({facts}) AS f, ({scopes}) AS s "
           "WHERE {where} GROUP BY s.scope, f.kind, f.key, f.day, f.day2 HAVING sum(f.n) <> 0")
_UPSERT = ("INSERT INTO dashboard_counts (scope, kind, key, day, day2, n) "
           + _SUMMED.replace("{tx}", "") + " " + _ADD)
# PostgreSQL (from 0025): a trigger stages the facts it counts, a plain insert that waits for no one, and the
# transaction adds them to the counts as it commits (`_APPLY`), holding the counts' rows (scope 0's are every
# write's) only while it commits, not from its first write to items on.
_STAGE = ("INSERT INTO dashboard_pending (tx, scope, kind, key, day, day2, n) "
          + _SUMMED.replace("{tx}", "txid_current(), "))
# A deferred constraint trigger on the staged rows, run at commit once per row staged: the first run adds the
# transaction's facts (in key order, so two committing writers take the rows they share in the same order),
# deletes them and says so in a transaction-local setting, which the other runs read and return (else each
# would look for the transaction's rows again, past every one deleted: a bulk insert of 20 000 items, 200 000
# staged rows, took minutes to commit). Staging clears the setting, so facts staged after the deferred
# triggers ran early (SET CONSTRAINTS ALL IMMEDIATE) are added at commit.
_APPLIED = "luoshi.counts_applied"
_APPLY = [
    f"""CREATE OR REPLACE FUNCTION dashboard_pending_apply() RETURNS trigger AS $$
BEGIN
    IF current_setting('{_APPLIED}', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('{_APPLIED}', txid_current()::text, true);
    WITH staged AS (DELETE FROM dashboard_pending WHERE tx = txid_current()
                    RETURNING scope, kind, key, day, day2, n)
    INSERT INTO dashboard_counts (scope, kind, key, day, day2, n)
    SELECT scope, kind, key, day, day2, sum(n) FROM staged GROUP BY scope, kind, key, day, day2
    HAVING sum(n) <> 0 ORDER BY scope, kind, key, day, day2
    {_ADD};
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
    "CREATE CONSTRAINT TRIGGER dashboard_pending_apply AFTER INSERT ON dashboard_pending "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dashboard_pending_apply()",
]


def _scopes(item: str) -> str:
    """Scope 0 and the units `item` (SQL) is handed out to."""
    return (f"SELECT 0 AS scope UNION ALL SELECT organisation_id FROM assignments "
            f"WHERE item_id = {item} AND assigned_at IS NOT NULL")


def _item_change(dialect: str, key: str | None = None, into: str = _UPSERT) -> str:
    """The statement of the items' trigger: less the OLD row's facts, plus the NEW row's, in every scope
    (`into`: `_UPSERT` adds them to the counts, `_STAGE` stages them)."""
    both = f"{facts('OLD', '-1', dialect, key=key)} UNION ALL {facts('NEW', '1', dialect, key=key)}"
    return into.format(facts=both, scopes=_scopes("NEW.id"), where="TRUE" if dialect == "postgresql" else "1")


def _item_facts(dialect: str, r: str, n: str, scopes: str, key: str | None = None, into: str = _UPSERT) -> str:
    return into.format(facts=facts(r, n, dialect, key=key), scopes=scopes,
                       where="TRUE" if dialect == "postgresql" else "1")


def _unit_change(dialect: str, row: str, n: str, key: str | None = None, into: str = _UPSERT) -> str:
    """The statement of the assignments' trigger for its `row` (OLD: n -1, NEW: n +1): the item's facts in
    the unit's scope, when the assignment hands it out. An item already deleted (a cascade) has none."""
    item_facts = facts("i", n, dialect, source="FROM items AS i", where=f"i.id = {row}.item_id", key=key)
    handed = f"{row}.assigned_at IS NOT NULL"
    return into.format(facts=item_facts, scopes=f"SELECT {row}.organisation_id AS scope", where=handed)


# Which writes change a fact: the columns the facts read.
_ITEM_COLUMNS = ("state", "assigned_at", "closed_at", "due", "yellow_on", "red_on", "created_at")
_UNIT_COLUMNS = ("item_id", "organisation_id", "assigned_at")


def _changed(columns: tuple[str, ...], dialect: str) -> str:
    op = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in columns)


def _sqlite_triggers(key: str | None = None) -> list[str]:
    d = "sqlite"
    return [
        f"CREATE TRIGGER dashboard_items_insert AFTER INSERT ON items BEGIN "
        f"{_item_facts(d, 'NEW', '1', 'SELECT 0 AS scope', key)}; END",
        # Before: a cascade then deletes its assignments, whose trigger finds no item (counted here).
        f"CREATE TRIGGER dashboard_items_delete BEFORE DELETE ON items BEGIN "
        f"{_item_facts(d, 'OLD', '-1', _scopes('OLD.id'), key)}; END",
        f"CREATE TRIGGER dashboard_items_update AFTER UPDATE ON items WHEN {_changed(_ITEM_COLUMNS, d)} BEGIN "
        f"{_item_change(d, key)}; END",
        f"CREATE TRIGGER dashboard_units_insert AFTER INSERT ON assignments BEGIN "
        f"{_unit_change(d, 'NEW', '1', key)}; END",
        f"CREATE TRIGGER dashboard_units_delete AFTER DELETE ON assignments BEGIN "
        f"{_unit_change(d, 'OLD', '-1', key)}; END",
        f"CREATE TRIGGER dashboard_units_update AFTER UPDATE ON assignments WHEN {_changed(_UNIT_COLUMNS, d)} "
        f"BEGIN {_unit_change(d, 'OLD', '-1', key)}; {_unit_change(d, 'NEW', '1', key)}; END",
    ]


def _pg_triggers(key: str | None = None, *, staged: bool = True) -> list[str]:
    """`staged`: the facts are staged and added at commit (from 0025 on), else added at once (0020–0024)."""
    d = "postgresql"
    into = _STAGE if staged else _UPSERT
    # staging clears the mark of facts applied (`_APPLY`)
    begin = f"BEGIN\n    PERFORM set_config('{_APPLIED}', '', true);" if staged else "BEGIN"
    return [
        f"""CREATE OR REPLACE FUNCTION dashboard_items_keep() RETURNS trigger AS $$
{begin}
    IF TG_OP = 'INSERT' THEN
        {_item_facts(d, 'NEW', '1', 'SELECT 0 AS scope', key, into)};
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        {_item_facts(d, 'OLD', '-1', _scopes('OLD.id'), key, into)};
        RETURN OLD;
    END IF;
    {_item_change(d, key, into)};
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION dashboard_units_keep() RETURNS trigger AS $$
{begin}
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_unit_change(d, 'OLD', '-1', key, into)};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_unit_change(d, 'NEW', '1', key, into)};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER dashboard_items_insert AFTER INSERT ON items FOR EACH ROW "
        "EXECUTE FUNCTION dashboard_items_keep()",
        # Before: the cascade that deletes its assignments runs first after the delete, and their trigger
        # would find no item to count.
        "CREATE TRIGGER dashboard_items_delete BEFORE DELETE ON items FOR EACH ROW "
        "EXECUTE FUNCTION dashboard_items_keep()",
        f"CREATE TRIGGER dashboard_items_update AFTER UPDATE ON items FOR EACH ROW WHEN ({_changed(_ITEM_COLUMNS, d)}) "
        "EXECUTE FUNCTION dashboard_items_keep()",
        "CREATE TRIGGER dashboard_units_insert_delete AFTER INSERT OR DELETE ON assignments FOR EACH ROW "
        "EXECUTE FUNCTION dashboard_units_keep()",
        f"CREATE TRIGGER dashboard_units_update AFTER UPDATE ON assignments FOR EACH ROW "
        f"WHEN ({_changed(_UNIT_COLUMNS, d)}) EXECUTE FUNCTION dashboard_units_keep()",
    ] + (_APPLY if staged else [])


_DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name in (
        "dashboard_items_insert", "dashboard_items_delete", "dashboard_items_update", "dashboard_units_insert",
        "dashboard_units_delete", "dashboard_units_update")],
    "postgresql": ["DROP TRIGGER IF EXISTS dashboard_items_insert ON items",
                   "DROP TRIGGER IF EXISTS dashboard_items_delete ON items",
                   "DROP TRIGGER IF EXISTS dashboard_items_update ON items",
                   "DROP TRIGGER IF EXISTS dashboard_units_insert_delete ON assignments",
                   "DROP TRIGGER IF EXISTS dashboard_units_update ON assignments",
                   "DROP TRIGGER IF EXISTS dashboard_pending_apply ON dashboard_pending",
                   "DROP FUNCTION IF EXISTS dashboard_items_keep()",
                   "DROP FUNCTION IF EXISTS dashboard_units_keep()",
                   "DROP FUNCTION IF EXISTS dashboard_pending_apply()"],
}


def trigger_statements(dialect: str, key: str | None = None, *, staged: bool = True) -> list[str]:
    """The DDL of the dashboard's triggers for `dialect` (a migration runs them); `key`: as in `facts`
    (a migration before 0022 gives the key its facts had then); `staged`: PostgreSQL's triggers stage the
    facts, added at commit (a migration before 0025, which creates `dashboard_pending`, says False)."""
    return _pg_triggers(key, staged=staged) if dialect == "postgresql" else _sqlite_triggers(key)


def key_by_state(connection: Connection) -> None:
    """The upgrade that keys the red and warned facts by their item's state (migration 0022). SQLite, whose
    triggers hold the facts' SQL themselves and which has one writer, gets its triggers again and counts
    those facts again at once. PostgreSQL replaces its trigger functions (which locks no table) and leaves
    the facts already counted to `key_facts`, which keys them online after the upgrade, a range of items
    at a time: the items below its frontier `keyed_through` are keyed by state, by it and by the triggers."""
    dialect = connection.dialect.name
    has_items = connection.execute(text("SELECT 1 FROM items LIMIT 1")).first() is not None
    _KEYED.pop(connection.engine, None)  # this process asks again
    if dialect == "postgresql":
        frontier = 0 if has_items else None
        connection.execute(text("UPDATE dashboard_marks SET keyed_through = :frontier WHERE id = 1"),
                           {"frontier": frontier})
        for sql in _pg_triggers(staged=False):  # as at 0022 (0025 stages them)
            if sql.startswith("CREATE OR REPLACE FUNCTION"):
                connection.execute(text(sql))
        if has_items:
            connection.execute(text(
                "INSERT INTO jobs (kind, state, payload, progress, message, attempts, created_by, created_at) "
                "VALUES ('dashboard_keys', 'queued', CAST('{}' AS JSON), 0, '', 0, 'luoshi', now())"))
        return
    for sql in drop_trigger_statements(dialect) + trigger_statements(dialect):
        connection.execute(text(sql))
    connection.execute(text("DELETE FROM dashboard_counts WHERE kind IN ('red', 'warned')"))
    fill(connection, kinds=("red", "warned"))
    through = _folded_through(connection)
    if has_items and through is not None:
        fold(connection, through)


KEY_BATCH = 10_000  # items keyed per transaction by `key_facts`: their writers wait for it (~0.4 s at 1M)


def key_facts(engine: Any, *, batch: int = KEY_BATCH, report: Callable[[int, str], None] | None = None) -> int:
    """Key the red and warned facts that an upgrade left keyed '' by their item's state, while the app
    serves (PostgreSQL, after migration 0022); the items keyed. One range of item ids per transaction, from
    the frontier `keyed_through` up: the range's items and their assignments are held FOR UPDATE (their
    writers wait; reads and other items' writes go on), their facts in every scope moved from '' to their
    state, and the frontier moved past them, so that the triggers key those items' facts by state from
    then on. The last range is every item left, under a SHARE lock of the items and assignments for that
    moment (items added meanwhile); the frontier is then NULL and `coloured` answers. Resumable (a runner
    that dies leaves the frontier where it committed); two runners take turns at the marks' row."""
    kinds = ("red", "warned")
    keyed = 0
    while True:
        with engine.begin() as conn:
            frontier = conn.execute(text("SELECT keyed_through FROM dashboard_marks WHERE id = 1 FOR UPDATE")).scalar()
            if frontier is None:
                break
            top = conn.execute(text("SELECT coalesce(max(id), 0) FROM items")).scalar() or 0
            last = frontier + batch > top
            span = {"start": frontier, "stop": frontier + batch}
            where = "i.id >= :start" + ("" if last else " AND i.id < :stop")
            if last:
                conn.execute(text("LOCK TABLE items, assignments IN SHARE MODE"))
            else:
                for held in ("SELECT 1 FROM items WHERE id >= :start AND id < :stop FOR UPDATE",
                             "SELECT 1 FROM assignments WHERE item_id >= :start AND item_id < :stop FOR UPDATE"):
                    conn.execute(text(f"SELECT count(*) FROM ({held}) AS held"), span)
            unkeyed = _in_every_scope("-1", "postgresql", where, kinds, key="''")
            moved = f"{unkeyed} UNION ALL {_in_every_scope('1', 'postgresql', where, kinds, key='i.state')}"
            # Onto the day the past is folded into, as the facts they move are (`fold`): else a unit's overdue
            # items were a row a day again until the next fold (the dashboard's per-unit figures: 4 → 60 ms).
            folded = "GREATEST(day, (SELECT folded_through FROM dashboard_marks WHERE id = 1))"
            conn.execute(text(
                "INSERT INTO dashboard_counts (scope, kind, key, day, day2, n) "
                f"SELECT scope, kind, key, {folded}, day2, sum(n) FROM ({moved}) AS f "
                f"GROUP BY scope, kind, key, {folded}, day2 HAVING sum(n) <> 0 ORDER BY scope, kind, key, 4, day2 "
                + _ADD), span)
            conn.execute(text("UPDATE dashboard_marks SET keyed_through = :next WHERE id = 1"),
                         {"next": None if last else frontier + batch})
            keyed += conn.execute(text("SELECT count(*) FROM items AS i WHERE " + where), span).scalar() or 0
        if report is not None:
            report(100 if last else min(99, int(100 * (frontier + batch) / max(top, 1))),
                   "预警统计已按状态分好" if last else f"正在按状态整理预警统计：编号 {frontier + batch} 以下的事项已完成")
    if keyed:  # the rows it moved left dead ones behind (a million items: 308 000, beside 1 050 000 live), which
        # the dashboard's per-unit figures read until autovacuum comes; VACUUM locks no reader or writer
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE dashboard_counts"))
    return keyed


@jobs.handler("dashboard_keys")
def _keying_job(job: jobs.Job, report: jobs.Report, db: Any) -> dict[str, Any]:
    """The job an upgrade to 0022 queues on PostgreSQL: `key_facts`, on whichever runner takes it."""
    return {"keyed": key_facts(db.engine, report=report)}


_KEYED: WeakKeyDictionary[Any, bool] = WeakKeyDictionary()  # engine → True once its facts are all keyed


def keyed(session: Session) -> bool:
    """Whether every red and warned fact is keyed by state (no `key_facts` left to do)."""
    engine = engine_of(session)
    if not _KEYED.get(engine):
        _KEYED[engine] = session.execute(text("SELECT keyed_through FROM dashboard_marks WHERE id = 1")
                                         ).first() in (None, (None,))
    return _KEYED[engine]


def drop_trigger_statements(dialect: str) -> list[str]:
    return list(_DROP[dialect])


# -- pause, rebuild, fold ----------------------------------------------------------------------------------

def pause(connection: Connection) -> None:
    """Stop keeping every aggregate (for a bulk load, which then calls `rebuild`): the triggers are dropped,
    so writes cost nothing more, for every session, and the lists' versions are not raised row by row (nor
    wait at a COPY's end). Until `rebuild` the counts are stale."""
    dialect = connection.dialect.name
    for sql in drop_trigger_statements(dialect) + list_versions.drop_trigger_statements(dialect):
        connection.execute(text(sql))


def rebuild(connection: Connection, *, zone: str | None = None, near_days: int | None = None,
            today: date | None = None, batch: int = BATCH) -> None:
    """Count every kept aggregate again from the items and assignments and (re)create their triggers: after
    `pause`, or to repair. `zone`: the office's time zone the months are counted in (default: the one
    counted in before, else the settings'), `near_days` likewise; `today`: fold the days before yesterday
    (default: today in the zone)."""
    dialect = connection.dialect.name
    marks = connection.execute(text("SELECT zone, near_days FROM dashboard_marks WHERE id = 1")).first()
    default_zone, default_near = _defaults()
    set_marks(connection, zone or (marks[0] if marks else default_zone),
              near_days if near_days is not None else (marks[1] if marks else default_near))
    pause(connection)  # no trigger counts a row twice while it is counted here
    connection.execute(text("UPDATE dashboard_marks SET keyed_through = NULL WHERE id = 1"))  # all keyed anew
    connection.execute(text("DELETE FROM dashboard_counts"))
    fill(connection, batch=batch)
    if today is not None or connection.execute(text("SELECT 1 FROM items LIMIT 1")).first():
        fold(connection, today - timedelta(days=1) if today else yesterday(connection))
    for sql in trigger_statements(dialect) + list_versions.trigger_statements(dialect):
        connection.execute(text(sql))
    list_versions.raise_all(connection)  # the units and documents of the load are in no process's lists


@contextmanager
def paused(connection: Connection, **rebuild_options: object) -> Iterator[None]:
    """`pause`, the block (a bulk load), `rebuild`."""
    pause(connection)
    yield
    rebuild(connection, **rebuild_options)  # type: ignore[arg-type]


def fill(connection: Connection, *, batch: int = BATCH, kinds: tuple[str, ...] | None = None,
         key: str | None = None) -> None:
    """Add the facts (of `kinds`, default all) of every item to the counts, a range of item ids per
    statement (a migration runs it with the triggers in place: their lock keeps writers waiting, readers
    read on)."""
    dialect = connection.dialect.name
    top = connection.execute(text("SELECT max(id) FROM items")).scalar() or 0
    counted = _in_every_scope("1", dialect, "i.id >= :start AND i.id < :stop", kinds, key)
    for start in range(0, top + 1, batch):
        ids = {"start": start, "stop": start + batch}
        connection.execute(text(
            "INSERT INTO dashboard_counts (scope, kind, key, day, day2, n) "
            f"SELECT scope, kind, key, day, day2, sum(n) FROM ({counted}) AS f "
            f"WHERE {'TRUE' if dialect == 'postgresql' else '1'} GROUP BY scope, kind, key, day, day2 " + _ADD), ids)


def _in_every_scope(n: str, dialect: str, where: str, kinds: tuple[str, ...] | None = None,
                    key: str | None = None) -> str:
    """The facts (`facts`, counted `n`) of the items `i` that meet `where`: every item in scope 0, the
    handed-out ones again in each of their units' scopes."""
    everyone = facts("i", n, dialect, scope="0", source="FROM items AS i", where=where, kinds=kinds, key=key)
    units = facts("i", n, dialect, scope="a.organisation_id",
                  source="FROM items AS i JOIN assignments AS a ON a.item_id = i.id",
                  where=f"{where} AND a.assigned_at IS NOT NULL", kinds=kinds, key=key)
    return f"{everyone} UNION ALL {units}"


def _folded_through(connection: Connection) -> date | None:
    """The day the counts' past is folded into (None: no marks yet)."""
    through = connection.execute(text("SELECT folded_through FROM dashboard_marks WHERE id = 1")).scalar()
    return date.fromisoformat(through) if isinstance(through, str) else through


def yesterday(connection: Connection) -> date:
    """The day before today in the time zone the counts are kept in: what `rebuild` folds through."""
    zone = connection.execute(text("SELECT zone FROM dashboard_marks WHERE id = 1")).scalar() or _defaults()[0]
    return datetime.now(ZoneInfo(zone)).date() - timedelta(days=1)


def _defaults() -> tuple[str, int]:
    """The settings' default time zone and near_days (a migration knows no settings)."""
    from luoshi.ledger.warnings import WarningPolicy
    from luoshi.settings import Settings
    return str(Settings.model_fields["timezone"].default), WarningPolicy().near_days


def set_marks(connection: Connection, zone: str, near_days: int) -> None:
    """Record the time zone and the near_days the facts are counted with (the triggers read them);
    `rebuild` after changing them."""
    minutes = int((datetime.now(ZoneInfo(zone)).utcoffset() or timedelta(0)).total_seconds() // 60)
    connection.execute(text(
        "INSERT INTO dashboard_marks (id, zone, minutes, near_days, folded_through) "
        "VALUES (1, :zone, :minutes, :near, :none) ON CONFLICT (id) DO UPDATE SET zone = excluded.zone, "
        "minutes = excluded.minutes, near_days = excluded.near_days"),
        {"zone": ZoneInfo(zone).key, "minutes": minutes, "near": near_days, "none": NO_DAY})


def fold(connection: Connection, through: date) -> None:
    """Fold the red and warned facts of days before `through` into `through` (the counts then answer every
    day from `through` on, with one row for a unit's past) and drop the due facts before it and the rows
    counting nothing. Safe while the triggers write: a fact of a folded day written later is its own row."""
    dialect = connection.dialect.name
    day = {"through": through}
    keyed = "scope, kind, key, day2"
    old = "kind IN ('red', 'warned') AND day < :through"
    if dialect == "postgresql":
        connection.execute(text(
            f"WITH gone AS (DELETE FROM dashboard_counts WHERE {old} RETURNING {keyed}, n) "
            f"INSERT INTO dashboard_counts (scope, kind, key, day, day2, n) "
            f"SELECT scope, kind, key, CAST(:through AS DATE), day2, sum(n) FROM gone GROUP BY {keyed} " + _ADD), day)
    else:
        connection.execute(text(
            f"INSERT INTO dashboard_counts (scope, kind, key, day, day2, n) "
            f"SELECT scope, kind, key, :through, day2, sum(n) FROM dashboard_counts WHERE {old} GROUP BY {keyed} " + _ADD),
            day)
        connection.execute(text(f"DELETE FROM dashboard_counts WHERE {old}"), day)
    connection.execute(text("DELETE FROM dashboard_counts WHERE (kind = 'due' AND day < :through) OR n = 0"), day)
    connection.execute(text("UPDATE dashboard_marks SET folded_through = :through WHERE id = 1 "
                            "AND folded_through < :through"), day)
    _READY.pop(connection.engine, None)  # this process checks the marks again


def coloured(session: Session, colour: str, states: Sequence[str] | None, today: date) -> int:
    """How many items in `states` (None: any) are `colour` (red, yellow or green) on `today`, from the red
    and warned facts of scope 0 (each keyed by its item's state): the total of the office's ledger by state
    and colour, which counting the items read from an index (131 000 red items in progress at a province's
    1 000 000: 9–16 ms). The caller has checked `ready` for `today`."""
    keys = [s for s in (states or CLOCKED) if s in CLOCKED]
    if not keys:
        return 0
    sums = {(kind, int(past)): int(n or 0) for kind, past, n in _COLOURED.all(
        session, {"today": today, "kinds": ["red", "warned"], "states": keys})}
    red = sums.get(("red", 1), 0)
    if colour == "red":
        return red
    return sums.get(("warned", 1), 0) - red if colour == "yellow" else sums.get(("warned", 0), 0)


# Asked by the office's ledger of a colour, page after page: a kept statement (`luoshi.store.kept`), its lists
# one array each on PostgreSQL (`among`), so one SQL text, prepared once per connection.
_PAST = case((DashboardCount.day <= bindparam("today", type_=Date()), 1), else_=0)
_COLOURED = Kept(select(DashboardCount.kind, _PAST.label("past"), func.sum(DashboardCount.n).label("n"))
                 .where(DashboardCount.scope == 0, among(DashboardCount.kind, "kinds"),
                        among(DashboardCount.key, "states"))
                 .group_by(DashboardCount.kind, _PAST))


# -- for tests: the counts as kept and as counted again ------------------------------------------------------

def kept(connection: Connection) -> dict[tuple[object, ...], int]:
    """{(scope, kind, key, day, day2): n} as kept, rows counting nothing left out."""
    return {tuple(r[:5]): r[5] for r in connection.execute(text(
        "SELECT scope, kind, key, day, day2, n FROM dashboard_counts WHERE n <> 0"))}


def recount(connection: Connection) -> dict[tuple[object, ...], int]:
    """The counts `rebuild` would keep (folded as they are now), without changing them."""
    through = _folded_through(connection)
    nested = connection.begin_nested()
    try:
        connection.execute(text("DELETE FROM dashboard_counts"))
        fill(connection)
        if through is not None:
            fold(connection, through)
        return kept(connection)
    finally:
        nested.rollback()


# -- before reading ----------------------------------------------------------------------------------------

_READY: WeakKeyDictionary[Any, tuple[str, int, date]] = WeakKeyDictionary()  # engine → (zone, day) last made ready


def ready(session: Session, zone: str, near_days: int, today: date) -> bool:
    """Whether the counts answer for `today` in `zone` with `near_days`, after making them so when they can
    be: counted again with other settings (or after a table was emptied by hand), folded through yesterday
    (the first read of a day). False for a day before the one folded through (a test's past): the caller
    counts the items. Commits when it changed anything; checked once per database, process, setting and day."""
    engine = engine_of(session)
    if _READY.get(engine) == (zone, near_days, today):
        return True
    read = text("SELECT zone, near_days, folded_through FROM dashboard_marks WHERE id = 1")
    marks = session.execute(read).first()
    if marks is None or (marks[0], marks[1]) != (ZoneInfo(zone).key, near_days):
        rebuild(session.connection(), zone=zone, near_days=near_days)
        session.commit()
        marks = session.execute(read).one()
    through = marks[2] if isinstance(marks[2], date) else date.fromisoformat(marks[2])
    if through < today - timedelta(days=1):
        fold(session.connection(), today - timedelta(days=1))
        session.commit()
    elif today < through:
        return False
    _READY[engine] = (zone, near_days, today)
    return True
