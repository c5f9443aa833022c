"""The log write of a unit of work as one statement on PostgreSQL: a function that takes the
log's ordering, inserts the events and extends the hash chain (ADR 0020).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from migrations.kernel_steps import create_log_append, drop_log_append

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_log_append()


def downgrade() -> None:
    drop_log_append()
