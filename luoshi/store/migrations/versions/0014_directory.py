"""the organisation directory managed: a unit marked as not a unit, a unit merged into another; documents
titled in full (`luoshi.extract.titles.document_title`) instead of their genre's name

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

DOCUMENTS = sa.table("documents", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("title", sa.String), sa.column("record", sa.JSON))


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN on both backends: SQLite's copy-and-move of a table would have to drop
    # the organisations every other table refers to.
    op.add_column('organisations', sa.Column('not_unit', sa.Boolean(), server_default=sa.false(), nullable=False))
    if op.get_bind().dialect.name == 'sqlite':  # a column's own REFERENCES: the one constraint SQLite can add
        op.execute('ALTER TABLE organisations ADD COLUMN merged_into_id INTEGER '
                   'CONSTRAINT fk_organisations_merged_into_id_organisations REFERENCES organisations (id)')
    else:
        op.add_column('organisations', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_organisations_merged_into_id_organisations', 'organisations', 'organisations',
                              ['merged_into_id'], ['id'])
    _retitle()


def _retitle() -> None:
    from luoshi.extract.titles import document_title

    conn = op.get_bind()
    for id_, name, title, record in conn.execute(sa.select(DOCUMENTS.c.id, DOCUMENTS.c.name, DOCUMENTS.c.title,
                                                           DOCUMENTS.c.record)).all():
        full = document_title(record or {}, name)[:500]
        if full != title:
            conn.execute(DOCUMENTS.update().where(DOCUMENTS.c.id == id_).values(title=full))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_organisations_merged_into_id_organisations', 'organisations', type_='foreignkey')
    op.drop_column('organisations', 'merged_into_id')  # SQLite 3.35+: a column no index or constraint names
    op.drop_column('organisations', 'not_unit')
