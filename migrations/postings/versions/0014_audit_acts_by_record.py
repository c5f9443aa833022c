"""The audit index names each act by its stored event's record and version rather than its
position in the log, so that it is written before the log is ordered (ADR 0020). A read
model: rebuilt from the log after this revision.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from migrations.kernel_steps import index_acts_by_position, index_acts_by_record

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    index_acts_by_record()


def downgrade() -> None:
    index_acts_by_position()
