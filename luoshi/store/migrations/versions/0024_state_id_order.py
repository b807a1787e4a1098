"""state id order: an index on items (state, id, red_on, yellow_on), so that a ledger page of some states in
id order, newest or oldest first, reads those states' ranges of the index, filtered by colour in the index
alone (one state with no item of a colour read the whole primary key for an empty page: 350 ms at 1 000 000
items, 5 ms with the index).

On PostgreSQL the index is built CONCURRENTLY, outside the migrations' transaction (which is committed
first): neither the ledger's reads nor its writes wait for the build (1.1 s at 1 000 000 items). A build
that failed leaves an invalid index behind, which the next `luoshi db upgrade` drops and builds again.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 04:00:00.000000
"""

from __future__ import annotations

from alembic import op

from luoshi.store.online_ddl import build_index

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

NAME = 'ix_items_state_id'
COLUMNS = ['state', 'id', 'red_on', 'yellow_on']


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.create_index(NAME, 'items', COLUMNS, unique=False)
        return
    with op.get_context().autocommit_block():
        build_index(NAME, 'items', COLUMNS)


def downgrade() -> None:
    op.drop_index(NAME, table_name='items')
