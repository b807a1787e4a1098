"""list versions: the unit and document choices of every page are kept by each process while their
version, raised by triggers in the transaction of each change to `organisations` or `documents`, is the one
it read them at (`luoshi.store.list_versions`). A small new table and triggers on the two tables: nothing is
rewritten, and the ledger's tables are not touched.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store.list_versions import LISTS, drop_trigger_statements, trigger_statements

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('list_versions',
                    sa.Column('name', sa.String(length=32), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('name'))
    op.bulk_insert(sa.table('list_versions', sa.column('name'), sa.column('version')),
                   [{"name": name, "version": 1} for name in LISTS])
    for sql in trigger_statements(op.get_bind().dialect.name):
        op.execute(sql)


def downgrade() -> None:
    for sql in drop_trigger_statements(op.get_bind().dialect.name):
        op.execute(sql)
    op.drop_table('list_versions')
