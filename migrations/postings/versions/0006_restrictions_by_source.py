"""Restrictions keyed by who recorded them: a Professional Standards marking and the
officer's own request at one location are kept apart (L1800 3.2.2).

The table is a read model, so it is recreated in its new shape and `migrate` rebuilds it
from the event log.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _restrictions(*key: str) -> None:
    op.create_table(
        "restrictions",
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("supported_by_psd", sa.Boolean(), nullable=False),
        sa.Column("supported_by_head_of_resourcing", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*key),
    )


def upgrade() -> None:
    op.drop_table("restrictions")
    _restrictions("officer_id", "location", "source")


def downgrade() -> None:
    op.drop_table("restrictions")
    _restrictions("officer_id", "location")
