"""Jobs any app host can do: a large upload waits in its job row (not on one host's disk), and an OCR job
has a lease, so that another process takes it over when the one reading it died.

Both are nullable columns without a default: PostgreSQL adds them without rewriting the table.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luoshi.store.types

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('data', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('ocr_jobs') as batch:
        batch.add_column(sa.Column('lease_until', luoshi.store.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ocr_jobs') as batch:
        batch.drop_column('lease_until')
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('data')
