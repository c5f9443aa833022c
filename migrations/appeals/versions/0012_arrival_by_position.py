"""Appeals are listed in the order the log holds their lodging: each row takes its event's
position (shared.arrival), so a row is never placed behind one a client has already paged
past. The column widens to the log's ids. A read model: rebuilt from the log after this
revision, which draws the audit index's numbers again too.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from migrations.kernel_steps import arrival_by_count, arrival_by_position

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("appeals", "lodged_seq"),)


def upgrade() -> None:
    arrival_by_position(COLUMNS)


def downgrade() -> None:
    arrival_by_count(COLUMNS)
