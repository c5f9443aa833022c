"""The HR-system sync's parts (issue 16): each run records every part's outcome, each part
keeps its own delta window, and a delivery keeps the EmpJob seqNumber it chose.

Windows start empty: each part's first run after this revision reads everything once.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "hr_sync_runs", sa.Column("parts", sa.Text(), nullable=False, server_default="{}")
    )
    op.add_column("hr_outbox", sa.Column("seq_number", sa.Integer(), nullable=True))
    op.create_table(
        "hr_sync_windows",
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("part"),
    )


def downgrade() -> None:
    op.drop_table("hr_sync_windows")
    with op.batch_alter_table("hr_outbox") as batch:
        batch.drop_column("seq_number")
    with op.batch_alter_table("hr_sync_runs") as batch:
        batch.drop_column("parts")
