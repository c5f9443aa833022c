"""The consultation log: who read which officer's personal data, when and where.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("what", sa.String(length=80), nullable=False),
        sa.Column("endpoint", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("at", "actor_id", "officer_id"):
        op.create_index(f"ix_consultations_{column}", "consultations", [column])


def downgrade() -> None:
    op.drop_table("consultations")
