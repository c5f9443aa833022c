"""The auditor's index of cases and decisions, and the division a posting takes the
officer from; read models that `migrate` fills by replaying the events.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations.kernel_steps import create_audit_index, drop_audit_index

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_index()
    with op.batch_alter_table("postings") as batch:
        batch.add_column(sa.Column("from_division", sa.String(length=80), nullable=True))
        batch.create_index("ix_postings_from_division", ["from_division"])


def downgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.drop_index("ix_postings_from_division")
        batch.drop_column("from_division")
    drop_audit_index()
