"""Shared fixtures: where ../shared is, and the seed documents with their gold records."""

from __future__ import annotations

import json
from pathlib import Path

import os
import tempfile

import pytest

# Generated keys and audit checkpoints go to a folder of this run, never into the checkout.
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-test-data-"))

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold"

needs_shared = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"../shared is absent ({SHARED}): seed documents unavailable")


def seed_text(stem_prefix: str) -> str:
    [path] = SEEDS.glob(f"{stem_prefix}*.txt")
    return path.read_text(encoding="utf-8")


def gold(stem_prefix: str) -> dict:
    [path] = GOLD.glob(f"{stem_prefix}*.gold.json")
    return json.loads(path.read_text(encoding="utf-8"))


# -- databases: every store test runs on SQLite and on PostgreSQL ----------------------------------------
#
# PostgreSQL comes from LUOSHI_TEST_POSTGRES_URL, else the CI default when 127.0.0.1:5432 answers. Each
# test run migrates one fresh schema of its own (so runs never meet) and empties its tables between
# tests; SQLite tests get a copy of a file migrated once. Without a server the PostgreSQL half is skipped,
# unless LUOSHI_TEST_REQUIRE_ALL=1 (CI), where it fails.

import os
import shutil
import socket
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from luoshi.web.monitoring import process_running

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


def _port_answers(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def postgres_base_url() -> str | None:
    url = os.environ.get("LUOSHI_TEST_POSTGRES_URL")
    if url:
        return url
    return PG_DEFAULT if _port_answers("127.0.0.1", 5432) else None


def require_all() -> bool:
    return os.environ.get("LUOSHI_TEST_REQUIRE_ALL") == "1"


def _skip_or_fail(reason: str) -> None:
    if require_all():
        pytest.fail(f"{reason} (LUOSHI_TEST_REQUIRE_ALL=1 forbids skipping)")
    pytest.skip(reason)


def schema_url(base: str, schema: str) -> str:
    """`base` with every connection's search_path set to `schema`."""
    return make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


SCHEMA_PREFIX = "luoshi_test_"


def new_pg_schema(base: str) -> str:
    """A new empty schema on the server of `base`, named after this process; its URL."""
    if base not in _SWEPT:
        _drop_stale_schemas(base)
    schema = f"{SCHEMA_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    _PG_SCHEMAS.append((base, schema))
    return schema_url(base, schema)


_PG_SCHEMAS: list[tuple[str, str]] = []
_SWEPT: set[str] = set()


def _drop_stale_schemas(base: str) -> None:
    """Drop the schemas of test runs on this machine whose process is gone (killed runs leave them)."""
    _SWEPT.add(base)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        names = conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                             {"p": SCHEMA_PREFIX + "%"}).scalars().all()
        for name in names:
            pid = name[len(SCHEMA_PREFIX):].split("_")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_running(int(pid)):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


def _drop_pg_schemas() -> None:
    for base, schema in _PG_SCHEMAS:
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
    _PG_SCHEMAS.clear()


@pytest.fixture(scope="session", autouse=True)
def _pg_schemas_dropped_at_exit():
    """Whatever schemas this run made (the run's own, the schema tests' empty ones) are dropped at its end."""
    yield
    _drop_pg_schemas()


@pytest.fixture(scope="session")
def pg_migrated_url():
    """A migrated PostgreSQL schema for this test run (None when no server answers)."""
    from luoshi.store.db import make_engine, upgrade

    base = postgres_base_url()
    if base is None:
        yield None
        return
    try:
        url = new_pg_schema(base)
    except Exception as exc:  # the server answers the port but refuses us
        yield f"error: {exc}"
        return
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated once; each test gets a copy."""
    from luoshi.store.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _truncate_pg(url: str) -> None:
    """Empty every table of the test schema (the store's and any a test or the web app created) and
    restart every sequence used. Tables that hold rows are emptied with DELETE, children before parents:
    for the few rows of a test that is ten times faster than TRUNCATE, which costs ~15 ms a table."""
    engine = create_engine(url)
    with engine.begin() as conn:
        names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                  "AND tablename <> 'alembic_version'")).scalars().all()
        if names:
            probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names)
            full = set(conn.execute(text(probe)).scalars().all())
            links = conn.execute(text(
                "SELECT c.relname, p.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                "JOIN pg_class p ON p.oid = k.confrelid WHERE k.contype = 'f' "
                "AND k.connamespace = current_schema()::regnamespace")).all()
            for name in _children_first(full, links):
                conn.execute(text(f'DELETE FROM "{name}"'))
            # The deferred triggers (the dashboard's staged facts) run now, not at commit: what they write
            # into tables already emptied is emptied again.
            conn.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
            for name in conn.execute(text(probe)).scalars().all():
                conn.execute(text(f'DELETE FROM "{name}"'))
        used = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                                 "AND last_value IS NOT NULL")).scalars().all()
        for name in used:
            conn.execute(text(f'ALTER SEQUENCE "{name}" RESTART'))
    engine.dispose()


def _children_first(tables: set[str], links: list[tuple[str, str]]) -> list[str]:
    """`tables` ordered so that a table referencing another comes before it (self-references ignored)."""
    parents = {t: {p for c, p in links if c == t and p != t and p in tables} for t in tables}
    children = {t: {c for c, p in links if p == t and c != t and c in tables} for t in tables}
    order, ready = [], sorted(t for t in tables if not children[t])
    while ready:
        table = ready.pop()
        order.append(table)
        for parent in parents[table]:
            children[parent].discard(table)
            if not children[parent] and parent not in order and parent not in ready:
                ready.append(parent)
    return order + sorted(tables - set(order))  # a cycle, if any, last (its DELETE reports it)


@pytest.fixture
def make_db(request, tmp_path, sqlite_template, pg_migrated_url):
    """A factory: `make_db("sqlite" | "postgresql")` → a `luoshi.store.db.Database`, migrated and empty.

    Its `.url` can be handed to a server process. PostgreSQL databases of one test share the run's
    schema (emptied before the test); SQLite ones are separate files.
    """
    from luoshi.store.db import Database

    made: list[Database] = []
    truncated = False

    def make(backend: str = "sqlite") -> Database:
        nonlocal truncated
        if backend == "sqlite":
            path = tmp_path / f"luoshi-{len(made)}.sqlite3"
            shutil.copy(sqlite_template, path)
            db = Database(f"sqlite:///{path}", migrate=False)
        elif backend == "postgresql":
            if pg_migrated_url is None:
                _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
            if pg_migrated_url.startswith("error:"):
                _skip_or_fail(f"PostgreSQL refused the test schema: {pg_migrated_url[7:]}")
            if not truncated:
                _truncate_pg(pg_migrated_url)
                truncated = True
            db = Database(pg_migrated_url, migrate=False)
        else:
            raise ValueError(f"backend {backend!r}: sqlite or postgresql")
        made.append(db)
        return db

    yield make
    for db in made:
        db.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db(make_db, backend):
    """A migrated, empty database of each backend."""
    return make_db(backend)


@pytest.fixture
def session(db):
    """A session on `db` (SQLite and PostgreSQL)."""
    with db.session() as s:
        yield s


@pytest.fixture
def settings():
    """Settings for tests: the defaults, with a test secret."""
    from luoshi.settings import Settings

    return Settings(environment="test", secret_key="test-secret", _env_file=None)
