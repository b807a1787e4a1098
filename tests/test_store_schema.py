"""The migrations build exactly the models' schema, on SQLite and PostgreSQL; a fresh SQLite file is
migrated on first use, and a database behind the code is refused with the command to run."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from conftest import _skip_or_fail, new_pg_schema, postgres_base_url
from luoshi.errors import StoreError
from luoshi.store.db import (Database, current_revision, ensure_schema, head_revision, include_name, make_engine,
                             upgrade)
from luoshi.store.models import Base


def empty_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    base = postgres_base_url()
    if base is None:
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    return new_pg_schema(base)


# SQLite cannot reflect the PostgreSQL-only expression index (latest due first); PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_produce_the_models_schema(backend, tmp_path):
    engine = make_engine(empty_url(backend, tmp_path))
    upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_every_model_table_is_created(backend, tmp_path):
    engine = make_engine(empty_url(backend, tmp_path))
    upgrade(engine)
    tables = {t for t in inspect(engine).get_table_names() if include_name(t, "table", {})}
    engine.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_a_fresh_sqlite_file_is_migrated_on_first_use(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert current_revision(db.engine) == head_revision()
    db.dispose()


def test_a_postgres_database_is_never_migrated_implicitly(tmp_path):
    base = postgres_base_url()
    if base is None:
        _skip_or_fail("PostgreSQL is not reachable at 127.0.0.1:5432; set LUOSHI_TEST_POSTGRES_URL")
    engine = make_engine(new_pg_schema(base))
    with pytest.raises(StoreError) as caught:
        ensure_schema(engine)
    engine.dispose()
    assert str(caught.value).endswith(f"的版本是 （未迁移），程序需要 {head_revision()}：请先运行 luoshi db upgrade")


def test_a_bad_url_names_what_would_be_valid():
    with pytest.raises(StoreError) as caught:
        make_engine("mysql://x@y/z")
    assert str(caught.value) == ("数据库地址 'mysql://x@y/z' 是 mysql 数据库，luoshi 只支持 sqlite 和 postgresql："
                                 "请修改 LUOSHI_DATABASE_URL")


def test_the_migrations_go_down_to_nothing_and_up_again(backend, tmp_path):
    from alembic import command

    from luoshi.store.db import alembic_config

    engine = make_engine(empty_url(backend, tmp_path))
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert [t for t in inspect(engine).get_table_names() if include_name(t, "table", {})] == ["alembic_version"]
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_warning_days_migration_goes_down_and_up_with_items_stored(backend, tmp_path, settings):
    """0008 on a database that holds handed-out items: down (SQLite refuses to copy a table others point
    at) and up again; the copies come back and the warning days are recomputed on first use."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import select

    from luoshi.ledger import Actor, Role
    from luoshi.store.db import alembic_config
    from luoshi.store.items import act, create_item, list_items
    from luoshi.store.models import Assignment
    from luoshi.store.orgs import create_organisation

    url = empty_url(backend, tmp_path)
    upgrade(make_engine(url))
    db, office, now = Database(url, migrate=False), Actor("dc", Role.SUPERVISOR), datetime(2024, 3, 1, tzinfo=UTC)
    with db.session() as s:
        create_organisation(s, name="市商务局")
        item_id = create_item(s, actor=office, kind="task", title="推进外贸", lead_units=["市商务局"], now=now,
                              settings=settings).id
        act(s, item_id=item_id, actor=office, action="confirm", expected_version=1, settings=settings, now=now)
        act(s, item_id=item_id, actor=office, action="assign", expected_version=2, due="2024-02-20",
            settings=settings, now=now)
    db.dispose()
    command.downgrade(alembic_config(make_engine(url)), "0007")
    upgrade(make_engine(url))
    db = Database(url, migrate=False)
    with db.session() as s:
        [view] = list_items(s, actor=office, unit=1, state="assigned", warning="red", settings=settings, now=now).rows
        assert view.id == item_id
        assignment = s.scalars(select(Assignment)).one()
        assert (assignment.state, str(assignment.due), str(assignment.red_on)) == ("assigned", "2024-02-20",
                                                                                   "2024-02-21")
    db.dispose()


def test_the_staged_counts_migration_goes_down_and_up_with_items_stored(backend, tmp_path, settings):
    """0025 with items stored: down, `item_state_counts` is kept again and counted from the items (the
    release before reads it); up, the totals are the dashboard's state facts, and writes keep them."""
    from alembic import command
    from sqlalchemy import text

    from luoshi.ledger import Actor, Role
    from luoshi.store import counts
    from luoshi.store.db import alembic_config
    from luoshi.store.items import act, create_item
    from luoshi.store.orgs import create_organisation

    url = empty_url(backend, tmp_path)
    upgrade(make_engine(url))
    db, office = Database(url, migrate=False), Actor("dc", Role.SUPERVISOR)
    with db.session() as s:
        create_organisation(s, name="市商务局")
        ids = [create_item(s, actor=office, kind="task", title=f"事项{i}", text="推进", lead_units=[1],
                           settings=settings).id for i in range(3)]
        act(s, item_id=ids[0], actor=office, action="confirm", expected_version=1, settings=settings)
    db.dispose()
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0024")
    with engine.begin() as conn:
        assert dict(conn.execute(text("SELECT state, n FROM item_state_counts WHERE n > 0")).all()) == {
            "draft": 2, "confirmed": 1}
        conn.execute(text("UPDATE items SET state = 'confirmed' WHERE id = :id"), {"id": ids[1]})
        assert dict(conn.execute(text("SELECT state, n FROM item_state_counts WHERE n > 0")).all()) == {
            "draft": 1, "confirmed": 2}  # its triggers are back
    upgrade(engine)
    engine.dispose()
    db = Database(url, migrate=False)
    with db.session() as s:
        act(s, item_id=ids[2], actor=office, action="confirm", expected_version=1, settings=settings)
    with db.session() as s:
        assert counts.kept(s) == counts.recount(s) == {"confirmed": 3}
        frozen = dict(s.execute(text("SELECT state, n FROM item_state_counts WHERE n > 0")).all())
        assert frozen == {"draft": 1, "confirmed": 2}  # no longer kept: what it held at the upgrade
    db.dispose()


def test_the_migrations_form_one_line():
    """Two migrations written at once off the same parent make two heads: renumber the later one."""
    from alembic.script import ScriptDirectory

    from luoshi.store.db import MIGRATIONS

    script = ScriptDirectory(str(MIGRATIONS))
    revisions = [r.revision for r in script.walk_revisions()]
    assert (script.get_heads(), revisions) == ([head_revision()], sorted(revisions, reverse=True))


def test_a_list_given_at_execution_selects_its_own_rows_each_time(db):
    """`among` is one cached statement (PostgreSQL: `= ANY(array)`; SQLite: an expanding IN): each execution
    reads the rows of its own list, an empty list none."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from luoshi.store.models import Organisation
    from luoshi.store.types import among

    with db.session() as s:
        s.add_all([Organisation(name=f"单位{i}", key=f"单位{i}", created_at=datetime.now(UTC)) for i in range(5)])
        s.flush()
        ids = sorted(s.scalars(select(Organisation.id)))
        statement = select(Organisation.name).where(among(Organisation.id, "ids")).order_by(Organisation.id)
        seen = [list(s.scalars(statement, {"ids": chosen})) for chosen in (ids[:2], ids[3:], [], [ids[4], ids[0]])]
    assert seen == [["单位0", "单位1"], ["单位3", "单位4"], [], ["单位0", "单位4"]]
    compiled = str(statement.compile(dialect=db.engine.dialect))
    assert ("= ANY" in compiled) == (db.engine.dialect.name == "postgresql")


def test_times_come_back_in_utc_on_either_backend(db):
    from datetime import UTC, datetime, timedelta, timezone

    from sqlalchemy import select

    from luoshi.store.models import User

    written = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    with db.session() as s:
        s.add(User(username="utc", password_hash="x", role="office", created_at=written))
        s.commit()
    with db.session(read_only=True) as s:
        read = s.scalar(select(User.created_at).where(User.username == "utc"))
    assert read == written and read.tzinfo is UTC and read.hour == 0
