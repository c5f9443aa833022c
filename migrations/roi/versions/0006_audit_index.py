"""The auditor's index of cases and decisions, a read model of the log that `migrate`
fills by replaying the events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from migrations.kernel_steps import create_audit_index, drop_audit_index

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_index()


def downgrade() -> None:
    drop_audit_index()
