"""Connecting to the database and migrating it: engines for SQLite and PostgreSQL, sessions, and
Alembic run from inside the package (`luoshi db upgrade`, or on first use of a fresh SQLite file).
"""

from __future__ import annotations

import functools

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from luoshi.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, *, statement_timeout: float | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys on, a busy timeout and WAL so readers never block.
    `statement_timeout` (PostgreSQL, seconds): the database stops a statement that runs longer."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"数据库地址 {url!r} 不是有效的地址：请把 LUOSHI_DATABASE_URL 设为例如 sqlite:///./luoshi.sqlite3 "
                         "或 postgresql+psycopg://user@127.0.0.1:5432/luoshi") from None
    if parsed.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"数据库地址 {url!r} 是 {parsed.get_backend_name()} 数据库，luoshi 只支持 sqlite 和 postgresql："
                         "请修改 LUOSHI_DATABASE_URL")
    engine = create_engine(parsed, **kwargs)
    timeout_ms = int((statement_timeout or 0) * 1000)
    event.listen(engine, "connect", functools.partial(_postgresql_session, timeout_ms=timeout_ms))
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


IDLE_PING = 10.0  # seconds a pooled connection may rest before it is checked on its next use


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has rested `IDLE_PING` seconds or more.

    A connection can die while it rests (the server restarted, a firewall dropped it): it is pinged and
    replaced then. A connection in steady use is not pinged; SQLAlchemy's `pool_pre_ping` would cost a
    round trip before every request's first statement. Should one die in use all the same, the statement
    fails and SQLAlchemy discards every connection of the pool made before it.
    """
    @event.listens_for(engine, "connect")
    def made(_dbapi_connection: Any, record: Any) -> None:
        record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("rested_since", 0.0) < IDLE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"a pooled connection died while it rested: {exc}") from exc


def _postgresql_session(dbapi_connection: Any, _record: Any, *, timeout_ms: int = 0) -> None:
    """No parallel workers for the app's queries: they are short, and on a small server starting workers for
    them costs more than it saves (a unit's ledger page: 18 ms with two workers, 7 without). With
    `timeout_ms`, a statement running longer is stopped (a server's: its client has long given up)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
        cursor.execute("SET TimeZone = 'UTC'")  # times arrive in UTC: see types.UTCDateTime.result_processor
        if timeout_ms:
            cursor.execute(f"SET statement_timeout = {int(timeout_ms)}")
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA mmap_size=268435456")  # read pages from the OS cache, shared by all connections
    cursor.close()


# Tables that live beside the models but are not theirs: the web's login failures (created on start) and
# the search index (raw DDL, FTS5 shadow tables). Autogenerate and the schema tests leave them alone.
UNMODELLED = frozenset({"login_failures"})


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's `include_name`: every table except the unmodelled ones above."""
    if type_ != "table" or name is None:
        return True
    from luoshi.search.schema import is_search_table

    return name not in UNMODELLED and not is_search_table(name)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


# What to check when the database would not open (the driver's own words follow, for the IT staff).
UNREACHABLE = "请检查 LUOSHI_DATABASE_URL、数据库服务是否在运行、用户名密码和文件权限；以下是数据库给出的原因"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (the newest by default)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise StoreError(f"无法迁移数据库 {engine.url.render_as_string(hide_password=True)}：{UNREACHABLE}"
                         f"（{exc.orig}）") from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def is_fresh(engine: Engine) -> bool:
    """No table at all: a database luoshi may set up by itself."""
    return not inspect(engine).get_table_names()


def ensure_schema(engine: Engine) -> None:
    """Set up a fresh SQLite database on first use; refuse a database behind the code's migrations.

    PostgreSQL is never migrated implicitly (several processes may share it): run `luoshi db upgrade`.
    """
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        raise StoreError(f"无法打开数据库 {engine.url.render_as_string(hide_password=True)}：{UNREACHABLE}"
                         f"（{exc.orig}）") from None
    if revision == head_revision():
        return
    if engine.dialect.name == "sqlite" and (revision is not None or is_fresh(engine)):
        try:
            upgrade(engine)
        except Exception:
            # Two processes opening a fresh file at once: the other one may have migrated it meanwhile.
            if current_revision(engine) != head_revision():
                raise
        return
    raise StoreError(f"数据库 {engine.url.render_as_string(hide_password=True)} 的版本是 {revision or '（未迁移）'}，"
                     f"程序需要 {head_revision()}：请先运行 luoshi db upgrade")


READ_ONLY = "luoshi.read_only"  # session.info: opened to read only (what it reads once may be kept for its life)


class Database:
    """An engine and its session factory: what the CLI, the web app and the tests share."""

    def __init__(self, url: str, *, migrate: bool = True, **engine_kwargs: Any):
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        if migrate:
            ensure_schema(self.engine)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        # Reading without a transaction on PostgreSQL: at READ COMMITTED every statement has its own snapshot
        # anyway, so a request that only reads saves the BEGIN and ROLLBACK round trips. SQLite keeps its
        # transaction, which gives a request's statements one snapshot.
        self.readmaker = (sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                                       expire_on_commit=False)
                          if self.engine.dialect.name == "postgresql" else self.sessionmaker)

    @contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[Session]:
        """A session that is rolled back if the block raises, and closed after it. `read_only`: for a
        request that writes nothing it must keep atomic (a web GET), whose statements may run outside a
        transaction."""
        with (self.readmaker if read_only else self.sessionmaker)() as session:
            session.info[READ_ONLY] = read_only
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def engine_of(session: Session) -> Engine:
    """The engine a session runs on (of its connection, when it is bound to one): what per-database
    memories of a process are keyed by."""
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def open_database(url: str | None = None, *, migrate: bool = True, pool_size: int | None = None,
                  statement_timeout: float | None = None) -> Database:
    """The database of `url`, or of the settings' `database_url`; a server process passes `pool_size` and
    the `statement_timeout` (seconds, PostgreSQL) of its requests."""
    if url is None:
        from luoshi.settings import get_settings

        url = get_settings().database_url
    extra: dict[str, Any] = pool_arguments(url, pool_size) if pool_size else {}
    if statement_timeout:
        extra["statement_timeout"] = statement_timeout
    return Database(url, migrate=migrate, **extra)


def pool_arguments(url: str, size: int) -> dict[str, Any]:
    """Engine arguments of a pool keeping `size` connections open and as many more at peaks.

    A server process has as many requests in flight as clients send it, each holding its session's
    connection until it answers; with SQLAlchemy's default (5 kept, 10 more) the extra connections were
    opened and closed all the time (on SQLite each opening runs the PRAGMAs and reads the schema again).
    An in-memory SQLite database has one connection per thread and no such pool.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return {}
    return {"pool_size": size, "max_overflow": size}


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every (SQL, parameters) that `engine`'s connections send to the driver inside the block: what a
    query function really issues, for EXPLAIN (tests/test_explain.py) or a timing of the bare SQL (bench)."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)
