"""search index: entries with an FTS5 table (SQLite) or a weighted tsvector with GIN (PostgreSQL)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 12:30:00.000000
"""

from __future__ import annotations

from alembic import op

from luoshi.search.schema import drop_statements, statements

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The DDL lives with the search module (FTS5 and tsvector are beyond SQLAlchemy's models); it is
    # idempotent, so a database where `create_schema` already made the tables migrates as well.
    for sql in statements(op.get_bind().dialect.name):
        op.execute(sql)


def downgrade() -> None:
    for sql in drop_statements(op.get_bind().dialect.name):
        op.execute(sql)
