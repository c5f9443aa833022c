"""Officer ids up to 100 characters in every column that holds one, as long as the API
takes them (shared/lengths.py): SuccessFactors' userId, which the HR-system sync registers
as it is, may be up to 100 characters, and the API documented 80 while the columns kept 40,
so a documented-valid id failed on PostgreSQL. Widening loses nothing and needs no rebuild.

The establishment's category widens from 10 to 20 characters, the length of the other
short vocabularies ('rank', 'skill' fit either way), so one constant serves them all.

Downgrading fails on PostgreSQL while a longer id is stored.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from migrations.kernel_steps import alter_lengths, narrow_officer_ids, widen_officer_ids

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, nullable) of postings' own officer ids.
OFFICER_IDS = (
    ("officers", "officer_id", False),
    ("officers", "supervisor_id", True),
    ("restrictions", "officer_id", False),
    ("postings", "officer_id", False),
    ("notifications", "officer_id", False),
    ("transfer_requests", "officer_id", False),
    ("personal_file", "officer_id", False),
    ("policy_exceptions", "officer_id", False),
    ("hr_outbox", "officer_id", False),
)


def upgrade() -> None:
    alter_lengths(OFFICER_IDS, 40, 100)
    alter_lengths([("establishment", "category", False)], 10, 20)
    widen_officer_ids()


def downgrade() -> None:
    narrow_officer_ids()
    alter_lengths([("establishment", "category", False)], 20, 10)
    alter_lengths(OFFICER_IDS, 100, 40)
