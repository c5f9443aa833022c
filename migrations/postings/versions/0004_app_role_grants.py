"""On PostgreSQL, the application's role may read and write the read models but only read
and append to the event log and its hash chain: no UPDATE, DELETE or TRUNCATE.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

from shared.settings import SETTINGS_BY_SERVICE

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = "postings_events"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has no roles: the embedded default is a single-user file
    # The name is validated by the settings (an identifier), so it is safe to quote here.
    role = SETTINGS_BY_SERVICE["postings"]().db_app_role
    op.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
        + role
        + "') THEN CREATE ROLE \""
        + role
        + '" NOLOGIN; END IF; END $$'
    )
    for statement in (
        'GRANT USAGE ON SCHEMA public TO "{r}"',
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{r}"',
        'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{r}"',
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        ' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{r}"',
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{r}"',
        "REVOKE UPDATE, DELETE, TRUNCATE ON " + EVENTS + ' FROM "{r}", PUBLIC',
        "REVOKE UPDATE, DELETE, TRUNCATE ON " + EVENTS + '_chain FROM "{r}", PUBLIC',
        'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM "{r}", PUBLIC',
    ):
        op.execute(statement.format(r=role))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    role = SETTINGS_BY_SERVICE["postings"]().db_app_role
    op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
