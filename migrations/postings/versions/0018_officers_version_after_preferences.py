"""The officers' read model takes the version of an officer's stated preferences, which it
left behind before (``Officer.PreferencesStated`` had no projection): an officer's view,
and the ETag it gives, named a version the officer had moved past, and every command sent
with it was refused as stale. No table changes; the read models are rebuilt from the log
after every move forward, and the rebuild gives each officer's row its version.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from collections.abc import Sequence

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change in the schema: the rebuild that follows does the work."""


def downgrade() -> None:
    """Nothing to undo."""
