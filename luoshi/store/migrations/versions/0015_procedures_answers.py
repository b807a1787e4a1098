"""procedures and answers: a suggestion's procedure (代表建议 or 审议意见, each with its own deadline and
steps) and the units' answers to leaders' instructions (批示).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store.types import UTCDateTime

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procedure', sa.String(length=16), server_default='suggestion', nullable=False))
        batch_op.create_index('ix_suggestions_procedure', ['procedure'], unique=False)
    # The points of a congress review not yet handed out follow the review procedure from now on; those
    # already being handled finish the procedure they started.
    op.execute("UPDATE suggestions SET procedure = 'review' WHERE state = 'registered' AND document_id IN "
               "(SELECT id FROM documents WHERE doc_type = 'congress_review')")
    op.create_table('instruction_answers',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('instruction_id', sa.Integer(), nullable=False),
                    sa.Column('item_id', sa.Integer(), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('unit_id', sa.Integer(), nullable=True),
                    sa.Column('by', sa.String(length=100), nullable=False),
                    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['instruction_id'], ['instructions.id'],
                                            name=op.f('fk_instruction_answers_instruction_id_instructions'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_instruction_answers_item_id_items'),
                                            ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['unit_id'], ['organisations.id'],
                                            name=op.f('fk_instruction_answers_unit_id_organisations')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruction_answers')))
    op.create_index('ix_instruction_answers_instruction_id', 'instruction_answers', ['instruction_id'], unique=False)
    op.create_index('ix_instruction_answers_item_id', 'instruction_answers', ['item_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_instruction_answers_item_id', table_name='instruction_answers')
    op.drop_index('ix_instruction_answers_instruction_id', table_name='instruction_answers')
    op.drop_table('instruction_answers')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_procedure')
        batch_op.drop_column('procedure')
