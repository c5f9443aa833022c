"""Whether a posting decision is still in force (withdrawn, or set aside on another
appeal), and why an appeal closed without an outcome.

Which decisions were withdrawn or set aside is postings' to say, and appeals' follower has
passed those events already: it is sent back to the start of postings' feed, to read them
again (each item's effect is written so that reading it twice changes nothing), and so to
close the appeals still open against decisions that ended.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posting_decisions") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="in_force")
        )
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("closed_reason", sa.String(length=40), nullable=True))
    op.execute("UPDATE follower_positions SET position = 0 WHERE feed = 'postings'")


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("closed_reason")
    with op.batch_alter_table("posting_decisions") as batch:
        batch.drop_column("status")
