"""Whose personal data each stored command answer may hold: a disposal forgets every
answer that could replay an officer's data, not only those that name them. Stored answers
from before this revision keep being found by the officer id they quote.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from migrations.kernel_steps import create_idempotency_officers, drop_idempotency_officers

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_idempotency_officers()


def downgrade() -> None:
    drop_idempotency_officers()
