"""Appeals against posting decisions, with their evidence and submissions.

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
        "appeal_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("appeal_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appeal_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_items_appeal_id"), ["appeal_id"], unique=False)

    op.create_table(
        "appeals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lodged_seq", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=False),
        sa.Column("posting_kind", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("appellant_id", sa.String(length=200), nullable=False),
        sa.Column("appellant_role", sa.String(length=40), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("late_exception", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("hearer_id", sa.String(length=200), nullable=True),
        sa.Column("level", sa.String(length=200), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_rationale", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_appellant_id"), ["appellant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_lodged_seq"), ["lodged_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_posting_id"), ["posting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_state"), ["state"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_state"))
        batch_op.drop_index(batch_op.f("ix_appeals_posting_id"))
        batch_op.drop_index(batch_op.f("ix_appeals_officer_id"))
        batch_op.drop_index(batch_op.f("ix_appeals_lodged_seq"))
        batch_op.drop_index(batch_op.f("ix_appeals_appellant_id"))

    op.drop_table("appeals")
    with op.batch_alter_table("appeal_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_items_appeal_id"))

    op.drop_table("appeal_items")
