"""dashboard aggregates: the dashboard's figures counted by triggers on items and assignments
(`dashboard_counts`, `luoshi.store.aggregates`), so a dashboard reads a few hundred rows instead of
scanning every item five times.

The triggers are created first: their lock keeps writers of items and assignments waiting (readers read
on) while the counts are filled, a range of item ids per statement (docs/operations.md, "Upgrades").

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store import aggregates

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dashboard_counts',
                    sa.Column('scope', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('key', sa.String(length=32), nullable=False),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('day2', sa.Date(), nullable=False),
                    sa.Column('n', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('scope', 'kind', 'key', 'day', 'day2'))
    op.create_index('ix_dashboard_counts_kind_day', 'dashboard_counts', ['kind', 'day', 'scope'], unique=False)
    op.create_table('dashboard_marks',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('zone', sa.String(length=64), nullable=False),
                    sa.Column('minutes', sa.Integer(), nullable=False),
                    sa.Column('near_days', sa.Integer(), nullable=False),
                    sa.Column('folded_through', sa.Date(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    bind = op.get_bind()
    aggregates.set_marks(bind, *aggregates._defaults())
    # The facts as this version kept them (0022 keys the red and warned ones by state)
    for sql in aggregates.trigger_statements(bind.dialect.name, key="''", staged=False):
        op.execute(sql)
    aggregates.fill(bind, key="''")
    if bind.execute(sa.text("SELECT 1 FROM items LIMIT 1")).first():  # an empty ledger folds at its first read
        aggregates.fold(bind, aggregates.yesterday(bind))


def downgrade() -> None:
    for sql in aggregates.drop_trigger_statements(op.get_bind().dialect.name):
        op.execute(sql)
    op.drop_table('dashboard_marks')
    op.drop_index('ix_dashboard_counts_kind_day', table_name='dashboard_counts')
    op.drop_table('dashboard_counts')
