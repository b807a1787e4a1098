"""staged counts: on PostgreSQL the dashboard's triggers stage the facts they count (`dashboard_pending`)
and each transaction adds them to `dashboard_counts` as it commits (`luoshi.store.aggregates`), so writers
hold the counts' shared rows only while they commit; and the ledger's totals by state are read from those
counts' `state` facts, so `item_state_counts` is no longer kept: its triggers are dropped (its table stays
for the release before, whose processes read it until they restart — their totals stop at the upgrade —
and a later release drops it).

A small new table; PostgreSQL's trigger functions are replaced (no lock) and a trigger is dropped from
`items`, which holds the items' writers (not their readers) for that moment. Nothing is rewritten.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store import aggregates, counts

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_pending',
                    sa.Column('tx', sa.BigInteger(), nullable=False),
                    sa.Column('scope', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('key', sa.String(length=32), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('day2', sa.Date(), nullable=False),
                    sa.Column('n', sa.Integer(), nullable=False))
    op.create_index('ix_dashboard_pending_tx', 'dashboard_pending', ['tx'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        for sql in aggregates.trigger_statements(dialect, staged=True):
            if sql.startswith(("CREATE OR REPLACE FUNCTION", "CREATE CONSTRAINT TRIGGER")):
                op.execute(sql)
    for sql in counts.drop_trigger_statements(dialect):
        op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for sql in counts.trigger_statements(dialect):
        op.execute(sql)
    counts.rebuild_table(op.get_bind())
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS dashboard_pending_apply ON dashboard_pending")
        op.execute("DROP FUNCTION IF EXISTS dashboard_pending_apply()")
        for sql in aggregates.trigger_statements(dialect, staged=False):
            if sql.startswith("CREATE OR REPLACE FUNCTION"):
                op.execute(sql)
    op.drop_index('ix_dashboard_pending_tx', table_name='dashboard_pending')
    op.drop_table('dashboard_pending')
