"""Alembic's environment for luoshi: run from `luoshi.store.db.upgrade` with the engine in the config."""

from __future__ import annotations

from alembic import context

from luoshi.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if engine is None:
        from luoshi.store.db import make_engine
        from luoshi.settings import get_settings

        engine = make_engine(get_settings().database_url)
    # A connection outside a transaction: Alembic begins (and commits) the migrations' own, so that a
    # migration may step out of it (`autocommit_block`, for CREATE INDEX CONCURRENTLY).
    with engine.connect() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    from luoshi.store.db import include_name

    context.configure(connection=connection, target_metadata=target_metadata, include_name=include_name,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("luoshi migrations run online only: `luoshi db upgrade`")
run_migrations_online()
