"""security: a user's session generation (ending sessions on the server); the global audit chain, which
chains every fact already stored when it is created.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store.types import UTCDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
    op.create_table('audit_chain',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('seq', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('ref', sa.String(length=100), nullable=False),
                    sa.Column('digest', sa.String(length=64), nullable=False),
                    sa.Column('hash', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('seq'))
    op.create_table('jobs',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=32), nullable=False),
                    sa.Column('state', sa.String(length=16), nullable=False),
                    sa.Column('payload', sa.JSON(), nullable=False),
                    sa.Column('result', sa.JSON(), nullable=True),
                    sa.Column('progress', sa.Integer(), nullable=False),
                    sa.Column('message', sa.Text(), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('created_by', sa.String(length=100), nullable=False),
                    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
                    sa.Column('started_at', UTCDateTime(timezone=True), nullable=True),
                    sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
                    sa.Column('lease_until', UTCDateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_jobs_state_id', 'jobs', ['state', 'id'], unique=False)
    from luoshi.store.anchor import anchor_existing

    anchor_existing(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_jobs_state_id', table_name='jobs')
    op.drop_table('jobs')
    op.drop_table('audit_chain')
    op.execute('ALTER TABLE users DROP COLUMN session_generation')
