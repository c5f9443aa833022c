"""Officer ids up to 100 characters in every column that holds one, as long as the API
takes them (shared/lengths.py): SuccessFactors' userId may be up to 100 characters, and
the API documented 80 while the columns kept 40, so enrolling an officer with a
documented-valid id, or asking for their ROI status, failed on PostgreSQL. Widening loses
nothing and needs no rebuild.

Downgrading fails on PostgreSQL while a longer id is stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from migrations.kernel_steps import alter_lengths, narrow_officer_ids, widen_officer_ids

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    alter_lengths([("commitments", "officer_id", False)], 40, 100)
    widen_officer_ids()


def downgrade() -> None:
    narrow_officer_ids()
    alter_lengths([("commitments", "officer_id", False)], 100, 40)
