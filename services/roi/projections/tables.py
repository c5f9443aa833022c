"""ROI's database: the kernel's tables and the read models."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from shared.tables import KernelTables, UtcDateTime

metadata = MetaData()
kernel = KernelTables.define(metadata, events_table="roi_events")

#: The 'I am Eligible' list's source: courses designated as carrying an ROI requirement.
designations = Table(
    "designations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("course_code", String(80), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("quarter", String(7), nullable=False, index=True),
    Column("reasons", Text, nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("period_months", Integer, nullable=False),
    Column("designated_by", String(200), nullable=False),
    Column("designated_at", UtcDateTime(), nullable=False),
    Column("rationale", Text, nullable=False),
    Column("version", Integer, nullable=False),
)
