"""coloured totals: the dashboard's red and warned facts are keyed by their item's state, so the office's
ledger filtered by state and colour (在办 · 红灯) reads its total from a few rows of `dashboard_counts`
instead of counting the items (131 000 red items in progress at 1 000 000 items: 9–16 ms a page). The
dashboard, which sums the facts over their keys, reads the same figures throughout.

No table is locked: PostgreSQL's trigger functions are replaced, and the facts already counted are keyed
after the upgrade, online, by `luoshi.store.aggregates.key_facts` (`luoshi db upgrade` runs it at once
and shows its progress; a queued job does it otherwise), a range of items per transaction. Until it is
done the ledger counts those totals as before. SQLite counts those facts again at once.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from luoshi.store import aggregates

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    marks = {c["name"] for c in sa.inspect(op.get_bind()).get_columns('dashboard_marks')}
    if 'keyed_through' not in marks:  # kept by a downgrade
        op.add_column('dashboard_marks', sa.Column('keyed_through', sa.Integer(), nullable=True))
    aggregates.key_by_state(op.get_bind())


def downgrade() -> None:
    # The facts stay keyed, and their triggers stay this version's, which read `keyed_through` (kept, NULL:
    # every item keyed): the earlier versions sum the facts over their keys, and rebuild with their own.
    op.execute("UPDATE dashboard_marks SET keyed_through = NULL")
