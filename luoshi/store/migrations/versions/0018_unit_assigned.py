"""a unit's copy of when its item was handed out (`assignments.assigned_at`, one of `UNIT_COPY`): a unit user's
ledger and its count are answered from the unit's assignments, without reading every item to learn which
ones are still drafts.

The column is added NULL (no rewrite) and filled in batches of item ids, each its own short statement, so
that a million-item ledger keeps serving while it runs (docs/operations.md, "Upgrades").

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import luoshi.store.types

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BATCH = 50_000  # item ids per UPDATE


def upgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_at', luoshi.store.types.UTCDateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    top = bind.execute(sa.text("SELECT max(item_id) FROM assignments")).scalar() or 0
    for start in range(0, top + 1, BATCH):
        bind.execute(sa.text(
            "UPDATE assignments SET assigned_at = (SELECT items.assigned_at FROM items "
            "WHERE items.id = assignments.item_id) "
            "WHERE assignments.item_id >= :start AND assignments.item_id < :stop"),
            {"start": start, "stop": start + BATCH})


def downgrade() -> None:
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('assigned_at')
