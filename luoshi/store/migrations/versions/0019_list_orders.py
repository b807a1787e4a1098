"""list orders: an index for the order of each list that pages by cursor (documents newest first, targets in
their reports' order, suggestions by reply deadline), so that a page after a cursor is sought in the index; and
one of the documents' `previous_id`, so the latest versions are told from the others row by row.

Plain CREATE INDEX, as 0017 built the ledger's: the migrations run in one transaction (migrations/env.py), which
CONCURRENTLY cannot join, and these tables hold a few thousand rows, not the ledger's million; an index on them
is built in well under a second, holding only writes (never reads) of that table meanwhile.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_documents_ingested_at_id', 'documents', ['ingested_at', 'id'], unique=False)
    op.create_index('ix_documents_previous_id', 'documents', ['previous_id'], unique=False)
    op.create_index('ix_suggestions_due_id', 'suggestions', ['due', 'id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_targets_report_order', 'targets', ['year', 'document_id', sa.text('kind DESC'), 'id'],
                        unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_targets_report_order', table_name='targets')
    op.drop_index('ix_suggestions_due_id', table_name='suggestions')
    op.drop_index('ix_documents_previous_id', table_name='documents')
    op.drop_index('ix_documents_ingested_at_id', table_name='documents')
