"""The panel's queue of postings and 1068 requests as submitted are listed in the order the
log holds their events: each row takes its event's position (shared.arrival), so a row is
never placed behind one a client has already paged past. The columns widen to the log's
ids. A read model: rebuilt from the log after this revision, which draws the audit index's
numbers again too.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from migrations.kernel_steps import arrival_by_count, arrival_by_position

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("postings", "decided_seq"), ("transfer_requests", "submitted_seq"))


def upgrade() -> None:
    arrival_by_position(COLUMNS)


def downgrade() -> None:
    arrival_by_count(COLUMNS)
