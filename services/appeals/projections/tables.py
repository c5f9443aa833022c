"""Appeals' database: the kernel's tables and its own view of postings' decisions."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text

from shared import lengths
from shared.tables import LOG_POSITION, KernelTables, UtcDateTime

metadata = MetaData()
kernel = KernelTables.define(metadata, events_table="appeals_events")

#: Posting decisions as appeals learnt them from postings' feed: the 14-day appeal window
#: (L1800 3.10.1) counts from ``notified_at``, and the decider may not hear the appeal.
posting_decisions = Table(
    "posting_decisions",
    metadata,
    Column("posting_id", String(lengths.UUID), primary_key=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("kind", String(lengths.KEYWORD), nullable=False),
    Column("division", String(lengths.CODE), nullable=False),
    Column("decided_by", String(lengths.SUBJECT), nullable=False),
    Column("decided_role", String(lengths.ROLE), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("clause", String(lengths.CLAUSE), nullable=False),
    Column("posting_date", Date, nullable=True),
    Column("notified_at", UtcDateTime(), nullable=True),
    #: "in_force", "withdrawn" or "set_aside": a decision no longer in force is not appealed.
    Column("status", String(lengths.SHORT_KEYWORD), nullable=False, server_default="in_force"),
    #: Postings' feed position of the last event applied to this row.
    Column("feed_position", Integer, nullable=False),
    # Fed by postings' feed, not this log: a rebuild keeps it (and the projector reads it).
    info={"rebuild": "keep"},
)

#: Appeals as the Head of Resourcing, hearers, appellants and monitoring see them.
appeals = Table(
    "appeals",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    #: The lodging's position in appeals' log: appeals are listed in that order.
    Column("lodged_seq", LOG_POSITION, nullable=False, index=True),
    Column("posting_id", String(lengths.UUID), nullable=False, index=True),
    Column("posting_kind", String(lengths.KEYWORD), nullable=False),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("appellant_id", String(lengths.SUBJECT), nullable=False, index=True),
    Column("appellant_role", String(lengths.ROLE), nullable=False),
    Column("grounds", Text, nullable=False),
    Column("lodged_at", UtcDateTime(), nullable=False),
    Column("deadline", Date, nullable=True),
    Column("late_exception", Boolean, nullable=False),
    Column("state", String(lengths.SHORT_KEYWORD), nullable=False, index=True),
    Column("hearer_id", String(lengths.SUBJECT), nullable=True),
    Column("level", String(lengths.LINE), nullable=True),
    Column("assigned_at", UtcDateTime(), nullable=True),
    Column("outcome", String(lengths.SHORT_KEYWORD), nullable=True),
    Column("outcome_rationale", Text, nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    #: Why it closed without an outcome: the decision was withdrawn or set aside.
    Column("closed_reason", String(lengths.KEYWORD), nullable=True),
    Column("version", Integer, nullable=False),
)

#: Further evidence and the appellant's written submissions, each as it arrived.
appeal_items = Table(
    "appeal_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("appeal_id", String(lengths.UUID), nullable=False, index=True),
    Column("kind", String(lengths.SHORT_KEYWORD), nullable=False),
    Column("content", Text, nullable=False),
    Column("added_by", String(lengths.SUBJECT), nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
)
