"""office documents and assessment: the per-year counters of numbered documents (督字〔年份〕N号), the
documents issued, and the office's assessment formula (考核办法).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store.types import UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'document_counters',
        sa.Column('series', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_document_counters')))
    op.create_table(
        'issued_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.Column('issued_by', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_issued_documents_item_id_items'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
        sa.UniqueConstraint('series', 'year', 'number', name=op.f('uq_issued_documents_series_year_number')))
    op.create_index('ix_issued_documents_kind_item', 'issued_documents', ['kind', 'item_id'], unique=False)
    op.create_table(
        'assessment_formulas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('weights', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_formulas')),
        sa.UniqueConstraint('name', name=op.f('uq_assessment_formulas_name')))


def downgrade() -> None:
    op.drop_table('assessment_formulas')
    op.drop_index('ix_issued_documents_kind_item', table_name='issued_documents')
    op.drop_table('issued_documents')
    op.drop_table('document_counters')
