"""subtasks: the directives kept with an item (分解任务), each with its span, owners and due phrase.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 15:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'subtasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('span_start', sa.Integer(), nullable=True),
        sa.Column('span_end', sa.Integer(), nullable=True),
        sa.Column('source_path', sa.String(length=100), nullable=True),
        sa.Column('owners', sa.JSON(), nullable=False),
        sa.Column('co_owners', sa.JSON(), nullable=False),
        sa.Column('due_text', sa.String(length=100), nullable=True),
        sa.Column('due', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_subtasks_item_id_items'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subtasks')),
        sa.UniqueConstraint('item_id', 'position', name=op.f('uq_subtasks_item_id_position')),
    )


def downgrade() -> None:
    op.drop_table('subtasks')
