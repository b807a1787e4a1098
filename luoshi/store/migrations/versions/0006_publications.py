"""publications: the documents the office published on the public portal (`luoshi.store.portal`)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luoshi.store.types
# The table is declared in `luoshi.store.portal`; importing it puts it into `Base.metadata` whenever
# Alembic reads the migrations, so the models and the migrated schema compare equal.
import luoshi.store.portal  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('published_at', luoshi.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_publications_document_id_documents'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('document_id', name=op.f('uq_publications_document_id'))
    )


def downgrade() -> None:
    op.drop_table('publications')
