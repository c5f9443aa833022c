"""Appeals' database: the kernel's tables and its own view of postings' decisions."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

from shared.tables import KernelTables, UtcDateTime

metadata = MetaData()
kernel = KernelTables.define(metadata, events_table="appeals_events")

#: Posting decisions as appeals learnt them from postings' feed: the 14-day appeal window
#: (L1800 3.10.1) counts from ``notified_at``, and the decider may not hear the appeal.
posting_decisions = Table(
    "posting_decisions",
    metadata,
    Column("posting_id", String(36), primary_key=True),
    Column("officer_id", String(40), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("division", String(80), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_role", String(40), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("clause", String(40), nullable=False),
    Column("posting_date", Date, nullable=True),
    Column("notified_at", UtcDateTime(), nullable=True),
    #: Postings' feed position of the last event applied to this row.
    Column("feed_position", Integer, nullable=False),
)
