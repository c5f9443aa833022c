"""A notice given outside this system (a letter, in person) and recorded afterwards: when it
was recorded, and how it was given, beside when it was given (DOMAIN.md, 'Notice given
outside the system'). The read model is rebuilt after this revision (ADR 0006), which
fills both for every notification.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("how", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("how")
        batch.drop_column("recorded_at")
