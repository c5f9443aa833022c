"""The audit index lists acts in the order the log holds them: each act takes its stored
event's position (shared.arrival) instead of a count drawn before the log numbered it. No
column changes; the revision is here so that `migrate` rebuilds the read models from the
log (ADR 0006), which draws every act's number again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to alter: the rebuild after it renumbers the acts."""


def downgrade() -> None:
    """Nothing to alter: the rebuild after it renumbers the acts."""
