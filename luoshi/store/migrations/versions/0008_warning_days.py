"""stored warning days: the days an item turns yellow and red, with the rule they were computed under
(`luoshi.store.warnings`); rows are filled on first use, since the rule is the running process's setting.
Assignments copy the item columns a unit's ledger filters on; items count their extensions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('yellow_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('red_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('warning_rule', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_index('ix_items_warning')
        batch_op.drop_index('ix_items_state_due')
        batch_op.create_index('ix_items_state_due', ['state', 'due', 'red_on', 'yellow_on'], unique=False)
        batch_op.create_index('ix_items_state_red', ['state', 'red_on'], unique=False)
        batch_op.create_index('ix_items_state_yellow', ['state', 'yellow_on', 'red_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_warning_rule'), ['warning_rule'], unique=False)
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('yellow_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('red_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_assignments_unit_ledger', ['organisation_id', 'state', 'due', 'red_on', 'yellow_on',
                                                             'item_id'], unique=False)
    op.execute("UPDATE items SET extension_count = (SELECT count(*) FROM extensions "
               "WHERE extensions.item_id = items.id)")
    # The copies of state and due now; the warning days with the items' own, on first use.
    op.execute("UPDATE assignments SET state = (SELECT state FROM items WHERE items.id = assignments.item_id), "
               "due = (SELECT due FROM items WHERE items.id = assignments.item_id)")
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_items_state_due_desc', 'items', ['state', sa.text('due DESC NULLS LAST'), 'red_on',
                                                             'yellow_on'], unique=False)


def _drop_columns(table: str, *columns: str) -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy of `items` would drop the table that
    # other tables' foreign keys point at, which SQLite refuses once it holds rows.
    for column in columns:
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_items_state_due_desc', table_name='items')
    op.drop_index('ix_assignments_unit_ledger', table_name='assignments')
    _drop_columns('assignments', 'red_on', 'yellow_on', 'due', 'state')
    for name in ('ix_items_warning_rule', 'ix_items_state_yellow', 'ix_items_state_red', 'ix_items_state_due'):
        op.drop_index(name, table_name='items')
    op.create_index('ix_items_state_due', 'items', ['state', 'due'], unique=False)
    op.create_index('ix_items_warning', 'items', ['state', 'assigned_at', 'due', 'last_progress_at',
                                                  'completion_requested_at', 'progress'], unique=False)
    _drop_columns('items', 'extension_count', 'warning_rule', 'red_on', 'yellow_on')
