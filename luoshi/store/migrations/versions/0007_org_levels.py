"""organisation keys with their level: 县住建局 and 区住建局 are two units (`luoshi.store.orgs.key_of`)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 13:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ORGS = sa.table("organisations", sa.column("id", sa.Integer), sa.column("name", sa.String),
                sa.column("key", sa.String))


def _rekey(key_of) -> None:  # type: ignore[no-untyped-def]
    conn = op.get_bind()
    rows = conn.execute(sa.select(ORGS.c.id, ORGS.c.name, ORGS.c.key)).all()
    # Two passes through temporary keys, so that no intermediate state breaks the unique index.
    for id_, _, _ in rows:
        conn.execute(ORGS.update().where(ORGS.c.id == id_).values(key=f"#rekey{id_}"))
    seen: set[str] = set()
    for id_, name, _ in rows:
        key = key_of(name)
        key = key if key not in seen else f"{key}#{id_}"  # downgrading: a second unit of a level-free key
        seen.add(key)
        conn.execute(ORGS.update().where(ORGS.c.id == id_).values(key=key))


def upgrade() -> None:
    from luoshi.store.orgs import key_of

    _rekey(key_of)


def downgrade() -> None:
    from luoshi.extract.orgs import unit_key

    _rekey(unit_key)
