"""Commitments to stay in post after a designated course, and exceptional designations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "commitments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("designation_id", sa.String(length=36), nullable=False),
        sa.Column("course_code", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("binds", sa.Boolean(), nullable=False),
        sa.Column("period_ends_on", sa.Date(), nullable=True),
        sa.Column("local_case_for", sa.String(length=80), nullable=True),
        sa.Column("released_for", sa.String(length=80), nullable=True),
        sa.Column("release_route", sa.String(length=40), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.Column("release_rationale", sa.Text(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitments_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitments_period_ends_on"), ["period_ends_on"], unique=False
        )

    with op.batch_alter_table("designations", schema=None) as batch_op:
        # Existing designations were all made by the quarterly process.
        batch_op.add_column(
            sa.Column("exceptional", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:

    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.drop_column("exceptional")

    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_period_ends_on"))
        batch_op.drop_index(batch_op.f("ix_commitments_officer_id"))

    op.drop_table("commitments")
