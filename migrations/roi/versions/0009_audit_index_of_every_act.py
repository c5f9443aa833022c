"""Every act on the record, not only decisions: the audit index takes notifications,
appeals lodged, evidence, enrolments, notices, completions, PDRs and refusals beside
decisions, each with its outcome (decided, recorded, refused). Refusals are kept from this
revision on (ADR 0007). The index is a read model, rebuilt from the log after this revision
(ADR 0006), so acts recorded before it are indexed too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from migrations.kernel_steps import index_decisions_only, index_every_act

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    index_every_act()


def downgrade() -> None:
    index_decisions_only()
