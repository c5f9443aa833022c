"""The last snapshot of each record of a kind that keeps them (shared.snapshots): an
officer with a long history is read from it and the events after it. Not a read model.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from migrations.kernel_steps import create_record_snapshots, drop_record_snapshots

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_record_snapshots()


def downgrade() -> None:
    drop_record_snapshots()
