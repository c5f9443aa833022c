"""Postings' database: the kernel's tables and the read models."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from shared import lengths
from shared.tables import LOG_POSITION, KernelTables, UtcDateTime

metadata = MetaData()
kernel = KernelTables.define(metadata, events_table="postings_events")

officers = Table(
    "officers",
    metadata,
    Column("officer_id", String(lengths.OFFICER_ID), primary_key=True),
    Column("aggregate_id", String(lengths.UUID), nullable=False),
    Index("ix_officers_aggregate_id", "aggregate_id", unique=True),
    Column("name", String(lengths.NAME), nullable=False),
    Column("rank", String(lengths.KEYWORD), nullable=False),
    Column("division", String(lengths.CODE), nullable=False, index=True),
    Column("place_of_duty", String(lengths.CODE), nullable=False),
    Column("appointed_on", Date, nullable=False),
    Column("home_town", String(lengths.CODE), nullable=True),
    Column("home_lat", Float, nullable=True),
    Column("home_lon", Float, nullable=True),
    Column("probation_ends_on", Date, nullable=True),
    Column("initial_training_complete", Boolean, nullable=False),
    Column("supervisor_id", String(lengths.OFFICER_ID), nullable=True, index=True),
    Column("skills", Text, nullable=False),
    Column("working_pattern", String(lengths.KEYWORD), nullable=False),
    #: Sensitive (L1800 3.1.3): returned to HR roles only.
    Column("welfare_factors", Text, nullable=False),
    Column("pdr_due_on", Date, nullable=True),
    Column("pdr_completed_on", Date, nullable=True),
    Column("home_town_exception", Boolean, nullable=False),
    Column("probation_reviewed", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

#: Locations unsuitable for an officer (L1800 3.2.2).
restrictions = Table(
    "restrictions",
    metadata,
    Column("officer_id", String(lengths.OFFICER_ID), primary_key=True),
    Column("location", String(lengths.CODE), primary_key=True),
    Column("source", String(lengths.KEYWORD), primary_key=True),
    #: Confidential for Professional Standards markings: psd and head_of_resourcing only.
    Column("reason", Text, nullable=False),
    Column("supported_by_psd", Boolean, nullable=False),
    Column("supported_by_head_of_resourcing", Boolean, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("code", String(lengths.CODE), primary_key=True),
    Column("name", String(lengths.NAME), nullable=False),
    Column("division", String(lengths.CODE), nullable=False, index=True),
    Column("town", String(lengths.CODE), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("kind", String(lengths.SHORT_KEYWORD), nullable=False),
    Column("version", Integer, nullable=False),
)

policy_settings = Table(
    "policy_settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("travel_limit_km", Float, nullable=True),
    Column("notice_days", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

delegations = Table(
    "delegations",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    Column("delegate_id", String(lengths.SUBJECT), nullable=False, index=True),
    Column("powers", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("granted_by", String(lengths.SUBJECT), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("revoked", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

postings = Table(
    "postings",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    #: The decision's position in postings' log: the panel's queue is in that order.
    Column("decided_seq", LOG_POSITION, nullable=False, index=True),
    Column("kind", String(lengths.KEYWORD), nullable=False, index=True),
    Column("state", String(lengths.KEYWORD), nullable=False, index=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("division", String(lengths.CODE), nullable=False, index=True),
    #: The officer's division when it was decided (the destination's is ``division``).
    Column("from_division", String(lengths.CODE), nullable=True, index=True),
    Column("from_location", String(lengths.CODE), nullable=False),
    Column("to_location", String(lengths.CODE), nullable=False),
    Column("likely_posting_date", Date, nullable=True),
    Column("posting_date", Date, nullable=True),
    Column("decided_by", String(lengths.SUBJECT), nullable=False),
    Column("decided_role", String(lengths.ROLE), nullable=False),
    Column("delegation_id", String(lengths.UUID), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("clause", String(lengths.CLAUSE), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("details", Text, nullable=False),
    #: The facts the decision relied on; welfare and travel parts are HR-only.
    Column("facts", Text, nullable=False),
    Column("date_confirmed_at", UtcDateTime(), nullable=True),
    Column("sitting_id", String(lengths.UUID), nullable=True),
    Column("agreed_notice_days", Integer, nullable=True),
    Column("notified_at", UtcDateTime(), nullable=True),
    Column("moved_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
)

panel_sittings = Table(
    "panel_sittings",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    Column("sits_on", Date, nullable=False, index=True),
    Column("closed", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

panel_outcomes = Table(
    "panel_outcomes",
    metadata,
    Column("sitting_id", String(lengths.UUID), primary_key=True),
    Column("posting_id", String(lengths.UUID), primary_key=True),
    Column("outcome", String(lengths.KEYWORD), nullable=False),
    Column("posting_date", Date, nullable=True),
    Column("rationale", Text, nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    #: What it is about: a posting, or a 1068 request (the SLT's reasons, 3.5.3).
    Column("posting_id", String(lengths.UUID), nullable=True, index=True),
    Column("request_id", String(lengths.UUID), nullable=True, index=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("recipients", Text, nullable=False),
    Column("content", Text, nullable=False),
    #: When it was given to the officer, and when recorded (later for a notice given
    #: outside this system), by whom, and how.
    Column("notified_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=True),
    Column("sent_by", String(lengths.SUBJECT), nullable=False),
    Column("how", String(lengths.SHORT_KEYWORD), nullable=True),
)

#: Requests on form 1068 (L1800 3.5); the reasons may be personal (welfare).
transfer_requests = Table(
    "transfer_requests",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    #: The submission's position in postings' log: requests are listed in that order.
    Column("submitted_seq", LOG_POSITION, nullable=False, index=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("division", String(lengths.CODE), nullable=False, index=True),
    Column("grounds", String(lengths.SHORT_KEYWORD), nullable=False),
    Column("reasons", Text, nullable=False),
    Column("roles_sought", Text, nullable=False),
    Column("locations_sought", Text, nullable=False),
    Column("state", String(lengths.SHORT_KEYWORD), nullable=False, index=True),
    Column("submitted_by", String(lengths.SUBJECT), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("decided_by", String(lengths.SUBJECT), nullable=True),
    Column("decision_reasons", Text, nullable=True),
    Column("posting_id", String(lengths.UUID), nullable=True),
    Column("version", Integer, nullable=False),
)

#: Entries placed on an officer's personal file (a declined 1068: L1800 3.5.3).
personal_file = Table(
    "personal_file",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("kind", String(lengths.KEYWORD), nullable=False),
    Column("reference", String(lengths.UUID), nullable=False),
    Column("summary", Text, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

#: Exceptions granted by HR policy owners (L1 2.4), and the case each was used for.
policy_exceptions = Table(
    "policy_exceptions",
    metadata,
    Column("officer_id", String(lengths.OFFICER_ID), primary_key=True),
    Column("granted_version", Integer, primary_key=True),
    Column("rule", String(lengths.RULE), nullable=False),
    Column("granted_by", String(lengths.SUBJECT), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
    Column("used_for", Text, nullable=True),
    Column("used_at", UtcDateTime(), nullable=True),
)

#: Divisions and departments with their commander or head (L1800 3.6.1).
units = Table(
    "units",
    metadata,
    Column("code", String(lengths.CODE), primary_key=True),
    Column("name", String(lengths.NAME), nullable=False),
    Column("kind", String(lengths.SHORT_KEYWORD), nullable=False),
    Column("head_id", String(lengths.SUBJECT), nullable=True),
    Column("version", Integer, nullable=False),
)

#: Target numbers per division, by rank and by scarce skill (L1800 3.1.2-3.1.3).
establishment = Table(
    "establishment",
    metadata,
    Column("division", String(lengths.CODE), primary_key=True),
    Column("category", String(lengths.SHORT_KEYWORD), primary_key=True),
    Column("key", String(lengths.CODE), primary_key=True),
    Column("target", Integer, nullable=False),
)

#: Strength by division and rank, kept by the database itself (migration 0017's triggers on
#: ``officers`` and ``postings``) so that a decision reads two rows where it counted a
#: division's officers and every planned posting (L1800 3.1.2): ``now`` officers, of whom
#: ``leaving`` have a planned posting, and ``joining`` planned postings into the division.
#: Each writing transaction adds to its own ``slot`` (on PostgreSQL one it holds by an
#: advisory lock until it ends), so concurrent decisions never wait on one another's
#: counts; a division's figure is the sum over its slots. A rebuild counts afresh into
#: slot 0 (services.postings.projections.strength).
strength_counts = Table(
    "strength_counts",
    metadata,
    Column("division", String(lengths.CODE), primary_key=True),
    Column("rank", String(lengths.KEYWORD), primary_key=True),
    Column("slot", Integer, primary_key=True, autoincrement=False),
    Column("now", Integer, nullable=False),
    Column("leaving", Integer, nullable=False),
    Column("joining", Integer, nullable=False),
)

#: Postings that took effect, waiting to be written to Employee Central as EmpJob rows
#: (issue 7): filled in the Moved event's own transaction, so none is lost; not rebuilt,
#: so none is sent twice. Delivered at least once, keyed so that a repeat is harmless.
hr_outbox = Table(
    "hr_outbox",
    metadata,
    Column("posting_id", String(lengths.UUID), primary_key=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False),
    Column("kind", String(lengths.KEYWORD), nullable=False),
    Column("division", String(lengths.CODE), nullable=False),
    Column("to_location", String(lengths.CODE), nullable=False),
    Column("moved_on", Date, nullable=False),
    #: pending, delivered, retrying (a retryable failure) or failed (refused by the tenant).
    Column("state", String(lengths.SHORT_KEYWORD), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("delivered_at", UtcDateTime(), nullable=True),
    #: The EmpJob seqNumber chosen at the first attempt (one past the day's existing rows,
    #: so HR's own row that day is never overwritten); a repeat reuses it, so a repeat
    #: after a lost answer overwrites our own row, never adds a second (issue 16).
    Column("seq_number", Integer, nullable=True),
    info={"rebuild": "keep"},
)

#: Each inbound sync from the HR system: when, from which point, and what it wrote.
hr_sync_runs = Table(
    "hr_sync_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime(), nullable=True),
    #: Changes read since this moment; NULL for a full sync.
    Column("since", UtcDateTime(), nullable=True),
    Column("officers_read", Integer, nullable=False),
    Column("events_written", Integer, nullable=False),
    Column("problems", Text, nullable=False),
    #: Each part's outcome (officers, jobs, pdrs, learning), as JSON (issue 16).
    Column("parts", Text, nullable=False, server_default="{}"),
    info={"rebuild": "keep"},
)

#: Where each part of the inbound sync reads changes from: the start of the last run in
#: which that part succeeded (issue 16). A part that failed keeps its window.
hr_sync_windows = Table(
    "hr_sync_windows",
    metadata,
    Column("part", String(lengths.SHORT_KEYWORD), primary_key=True),
    Column("since", UtcDateTime(), nullable=False),
    info={"rebuild": "keep"},
)
