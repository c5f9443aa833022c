"""Officer ids up to 100 characters in every column that holds one, as long as postings
takes them (shared/lengths.py): SuccessFactors' userId may be up to 100 characters, and
appeals keeps the officer id of every posting decision it follows and every appeal, and
names officers in its consultation log and audit index. Widening loses nothing and needs
no rebuild.

Downgrading fails on PostgreSQL while a longer id is stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from migrations.kernel_steps import alter_lengths, narrow_officer_ids, widen_officer_ids

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, nullable) of appeals' own officer ids.
OFFICER_IDS = (
    ("posting_decisions", "officer_id", False),
    ("appeals", "officer_id", False),
)


def upgrade() -> None:
    alter_lengths(OFFICER_IDS, 40, 100)
    widen_officer_ids()


def downgrade() -> None:
    narrow_officer_ids()
    alter_lengths(OFFICER_IDS, 100, 40)
