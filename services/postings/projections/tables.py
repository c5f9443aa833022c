"""Postings' database: the kernel's tables and the read models."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text

from shared.tables import KernelTables, UtcDateTime

metadata = MetaData()
kernel = KernelTables.define(metadata, events_table="postings_events")

officers = Table(
    "officers",
    metadata,
    Column("officer_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("rank", String(40), nullable=False),
    Column("division", String(80), nullable=False, index=True),
    Column("place_of_duty", String(80), nullable=False),
    Column("appointed_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)

delegations = Table(
    "delegations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("delegate_id", String(200), nullable=False, index=True),
    Column("powers", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("granted_by", String(200), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("revoked", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

postings = Table(
    "postings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("status", String(40), nullable=False),
    Column("officer_id", String(40), nullable=False, index=True),
    Column("division", String(80), nullable=False, index=True),
    Column("from_location", String(80), nullable=False),
    Column("to_location", String(80), nullable=False),
    Column("posting_date", Date, nullable=True),
    Column("decided_by", String(200), nullable=False),
    Column("decided_role", String(40), nullable=False),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("clause", String(40), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("notified_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
)
