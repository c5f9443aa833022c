"""initial

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "designations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("course_code", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.Text(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("designated_by", sa.String(length=200), nullable=False),
        sa.Column("designated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_designations_course_code"), ["course_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_designations_quarter"), ["quarter"], unique=False)

    op.create_table(
        "follower_positions",
        sa.Column("feed", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key"),
    )
    op.create_table(
        "roi_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("originator_id", sqlalchemy_utils.types.uuid.UUIDType(), nullable=False),
        sa.Column(
            "originator_version",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("roi_events", schema=None) as batch_op:
        batch_op.create_index(
            "roi_events_aggregate_idx", ["originator_id", "originator_version"], unique=True
        )


def downgrade() -> None:

    with op.batch_alter_table("roi_events", schema=None) as batch_op:
        batch_op.drop_index("roi_events_aggregate_idx")

    op.drop_table("roi_events")
    op.drop_table("idempotency_keys")
    op.drop_table("follower_positions")
    with op.batch_alter_table("designations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_designations_quarter"))
        batch_op.drop_index(batch_op.f("ix_designations_course_code"))

    op.drop_table("designations")
