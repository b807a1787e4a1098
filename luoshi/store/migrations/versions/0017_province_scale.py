"""province scale: the items' count by state kept by triggers (a ledger's total without counting a million
rows); indexes for the ledger's orders over all items (latest due first, by progress).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store.counts import trigger_statements, drop_trigger_statements

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('item_state_counts',
                    sa.Column('state', sa.String(length=32), nullable=False),
                    sa.Column('n', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('state'))
    op.execute("INSERT INTO item_state_counts (state, n) SELECT state, count(*) FROM items GROUP BY state")
    dialect = op.get_bind().dialect.name
    for sql in trigger_statements(dialect):
        op.execute(sql)
    op.create_index('ix_items_progress_id', 'items', ['progress', 'id'], unique=False)
    if dialect == 'postgresql':
        op.create_index('ix_items_due_desc', 'items', [sa.text('due DESC NULLS LAST'), sa.text('id DESC')],
                        unique=False)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.drop_index('ix_items_due_desc', table_name='items')
    op.drop_index('ix_items_progress_id', table_name='items')
    for sql in drop_trigger_statements(dialect):
        op.execute(sql)
    op.drop_table('item_state_counts')
