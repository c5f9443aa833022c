"""The hash chain over the event log, backfilled for the events already stored.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.hashchain import GENESIS, canonical_entry, extend, leaf_hash

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = "appeals_events"


def upgrade() -> None:
    chain = op.create_table(
        f"{EVENTS}_chain",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    assert chain is not None
    bind = op.get_bind()
    events = sa.table(
        EVENTS,
        sa.column("id"),
        sa.column("originator_id"),
        sa.column("originator_version"),
        sa.column("topic"),
        sa.column("state"),
    )
    rows = bind.execute(sa.select(events).order_by(events.c.id))
    head = GENESIS
    backfill = []
    for position, originator_id, version, topic, state in rows:
        identity = originator_id.hex() if isinstance(originator_id, bytes) else originator_id
        leaf = leaf_hash(canonical_entry(position, _uuid(identity), version, topic, bytes(state)))
        head = extend(head, leaf)
        backfill.append({"position": position, "leaf_hash": leaf.hex(), "chain_hash": head.hex()})
    if backfill:
        op.bulk_insert(chain, backfill)


def _uuid(value: object) -> str:
    from uuid import UUID

    return str(value if isinstance(value, UUID) else UUID(str(value)))


def downgrade() -> None:
    op.drop_table(f"{EVENTS}_chain")
