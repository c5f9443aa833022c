"""ROI's database: the kernel's tables and the read models."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text

from shared import lengths
from shared.tables import KernelTables, UtcDateTime

metadata = MetaData()
kernel = KernelTables.define(metadata, events_table="roi_events")

#: The 'I am Eligible' list's source: courses designated as carrying an ROI requirement.
designations = Table(
    "designations",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    Column("course_code", String(lengths.CODE), nullable=False, index=True),
    Column("title", String(lengths.TITLE), nullable=False),
    Column("quarter", String(lengths.QUARTER), nullable=False, index=True),
    Column("reasons", Text, nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("period_months", Integer, nullable=False),
    Column("designated_by", String(lengths.SUBJECT), nullable=False),
    Column("designated_at", UtcDateTime(), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("exceptional", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
)

#: Officers' commitments and the ROI period each sets (L1800 3.9.2-3.9.3).
commitments = Table(
    "commitments",
    metadata,
    Column("id", String(lengths.UUID), primary_key=True),
    Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
    Column("designation_id", String(lengths.UUID), nullable=False),
    Column("course_code", String(lengths.CODE), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("period_months", Integer, nullable=False),
    Column("notified_on", Date, nullable=True),
    Column("completed_on", Date, nullable=True),
    Column("state", String(lengths.SHORT_KEYWORD), nullable=False),
    #: Told late or never: kept, flagged, not binding (DOMAIN.md interpretation).
    Column("binds", Boolean, nullable=False),
    Column("period_ends_on", Date, nullable=True, index=True),
    Column("local_case_for", String(lengths.CODE), nullable=True),
    Column("released_for", String(lengths.CODE), nullable=True),
    Column("release_route", String(lengths.KEYWORD), nullable=True),
    Column("released_by", String(lengths.SUBJECT), nullable=True),
    Column("release_rationale", Text, nullable=True),
    Column("released_at", UtcDateTime(), nullable=True),
    Column("version", Integer, nullable=False),
)
