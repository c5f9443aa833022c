"""Reference data, restrictions, policy settings, panel sittings and posting states.

Read models are derived from the event log: the officers and postings tables are recreated
in their new shape and `migrate` rebuilds every read model by replaying the events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _officers() -> None:
    op.create_table(
        "officers",
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("aggregate_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.String(length=40), nullable=False),
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("place_of_duty", sa.String(length=80), nullable=False),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("home_town", sa.String(length=80), nullable=True),
        sa.Column("home_lat", sa.Float(), nullable=True),
        sa.Column("home_lon", sa.Float(), nullable=True),
        sa.Column("probation_ends_on", sa.Date(), nullable=True),
        sa.Column("initial_training_complete", sa.Boolean(), nullable=False),
        sa.Column("supervisor_id", sa.String(length=40), nullable=True),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("working_pattern", sa.String(length=40), nullable=False),
        sa.Column("welfare_factors", sa.Text(), nullable=False),
        sa.Column("pdr_due_on", sa.Date(), nullable=True),
        sa.Column("pdr_completed_on", sa.Date(), nullable=True),
        sa.Column("home_town_exception", sa.Boolean(), nullable=False),
        sa.Column("probation_reviewed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("officer_id"),
    )
    op.create_index("ix_officers_aggregate_id", "officers", ["aggregate_id"], unique=True)
    op.create_index("ix_officers_division", "officers", ["division"])
    op.create_index("ix_officers_supervisor_id", "officers", ["supervisor_id"])


def _postings() -> None:
    op.create_table(
        "postings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("decided_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("from_location", sa.String(length=80), nullable=False),
        sa.Column("to_location", sa.String(length=80), nullable=False),
        sa.Column("likely_posting_date", sa.Date(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_role", sa.String(length=40), nullable=False),
        sa.Column("delegation_id", sa.String(length=36), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clause", sa.String(length=40), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("date_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sitting_id", sa.String(length=36), nullable=True),
        sa.Column("agreed_notice_days", sa.Integer(), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moved_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("decided_seq", "division", "kind", "officer_id", "state"):
        op.create_index(f"ix_postings_{column}", "postings", [column])


def upgrade() -> None:
    op.drop_table("officers")
    op.drop_table("postings")
    _officers()
    _postings()
    op.create_table(
        "locations",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_locations_division", "locations", ["division"])
    op.create_table(
        "restrictions",
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("supported_by_psd", sa.Boolean(), nullable=False),
        sa.Column("supported_by_head_of_resourcing", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("officer_id", "location"),
    )
    op.create_table(
        "policy_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("travel_limit_km", sa.Float(), nullable=True),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "panel_sittings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sits_on", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_panel_sittings_sits_on", "panel_sittings", ["sits_on"])
    op.create_table(
        "panel_outcomes",
        sa.Column("sitting_id", sa.String(length=36), nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sitting_id", "posting_id"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("posting_id", sa.String(length=36), nullable=True),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_officer_id", "notifications", ["officer_id"])
    op.create_index("ix_notifications_posting_id", "notifications", ["posting_id"])
    op.create_index("ix_notifications_request_id", "notifications", ["request_id"])
    op.create_table(
        "transfer_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submitted_seq", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("grounds", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("roles_sought", sa.Text(), nullable=False),
        sa.Column("locations_sought", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("posting_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("division", "officer_id", "state", "submitted_seq"):
        op.create_index(f"ix_transfer_requests_{column}", "transfer_requests", [column])
    op.create_table(
        "personal_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=36), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_personal_file_officer_id", "personal_file", ["officer_id"])
    op.create_table(
        "policy_exceptions",
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("granted_version", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=80), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_for", sa.Text(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("officer_id", "granted_version"),
    )
    op.create_table(
        "units",
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("head_id", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "establishment",
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("division", "category", "key"),
    )


def downgrade() -> None:
    for table in (
        "establishment",
        "units",
        "policy_exceptions",
        "personal_file",
        "transfer_requests",
        "notifications",
        "panel_outcomes",
        "panel_sittings",
        "policy_settings",
        "restrictions",
        "locations",
    ):
        op.drop_table(table)
    raise NotImplementedError("the 0001 read models are rebuilt from events, not restored")
