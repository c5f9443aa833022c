"""Tables the kernel keeps in every service's database. Each service adds these to its own
MetaData so that alembic creates them with the service's read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy_utils.types.uuid import UUIDType

from shared import lengths

#: eventsourcing-sqlalchemy's stored-event columns; BIGINT on PostgreSQL, INTEGER on SQLite
#: so that SQLite's rowid gives the autoincrementing notification id.
_BIG_ID = BigInteger().with_variant(Integer(), "sqlite")

#: A position in a log, for a read model's rows listed in the log's order (shared.arrival).
LOG_POSITION = _BIG_ID


@dataclass(frozen=True)
class KernelTables:
    events: Table
    idempotency: Table
    idempotency_officers: Table
    follower_positions: Table
    chain: Table
    consultations: Table
    audit_cases: Table
    audit_decisions: Table
    officer_keys: Table
    snapshots: Table

    @classmethod
    def define(cls, metadata: MetaData, *, events_table: str) -> KernelTables:
        events = Table(
            events_table,
            metadata,
            # The notification id: the event's position in this service's feed.
            Column("id", _BIG_ID, primary_key=True, autoincrement=True),
            Column("originator_id", UUIDType(), nullable=False),
            Column("originator_version", _BIG_ID, nullable=False),
            Column("topic", Text(), nullable=False),
            Column("state", LargeBinary(), nullable=False),
            Index(
                f"{events_table}_aggregate_idx",
                "originator_id",
                "originator_version",
                unique=True,
            ),
        )
        idempotency = Table(
            "idempotency_keys",
            metadata,
            # Keys are per caller: two callers may pick the same key without colliding.
            Column("principal", String(lengths.SUBJECT), primary_key=True),
            Column("key", String(lengths.IDEMPOTENCY_KEY), primary_key=True),
            Column("fingerprint", String(lengths.SHA256_HEX), nullable=False),
            Column("status_code", Integer, nullable=False),
            Column("body", Text, nullable=False),
            Column("headers", Text, nullable=False),
            Column("created_at", UtcDateTime(), nullable=False),
        )
        #: The officers whose personal data each stored answer may hold (those the command
        #: wrote about, or its answer names): a disposal forgets those answers too.
        idempotency_officers = Table(
            "idempotency_officers",
            metadata,
            Column("principal", String(lengths.SUBJECT), primary_key=True),
            Column("key", String(lengths.IDEMPOTENCY_KEY), primary_key=True),
            Column("officer_id", String(lengths.OFFICER_ID), primary_key=True, index=True),
        )
        follower_positions = Table(
            "follower_positions",
            metadata,
            Column("feed", String(lengths.FEED), primary_key=True),
            Column("position", BigInteger, nullable=False),
            Column("updated_at", UtcDateTime(), nullable=False),
        )
        #: One row per stored event: its leaf hash and the chain's head after it.
        chain = Table(
            f"{events_table}_chain",
            metadata,
            Column("position", BigInteger, primary_key=True, autoincrement=False),
            Column("leaf_hash", String(lengths.SHA256_HEX), nullable=False),
            Column("chain_hash", String(lengths.SHA256_HEX), nullable=False),
        )
        #: Who read which officer's personal data, when and where; never the data itself
        #: (Data Protection Act 2018 s.62, in spirit).
        consultations = Table(
            "consultations",
            metadata,
            Column("id", _BIG_ID, primary_key=True, autoincrement=True),
            Column("at", UtcDateTime(), nullable=False, index=True),
            Column("actor_id", String(lengths.SUBJECT), nullable=False, index=True),
            Column("actor_role", String(lengths.ROLE), nullable=False),
            Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
            Column("what", String(lengths.ROUTE), nullable=False),
            Column("endpoint", String(lengths.ENDPOINT), nullable=False),
        )
        #: Every aggregate ("case") with the officer it concerns, if one: the auditor's way
        #: from an officer to everything decided about them. A read model of the log.
        audit_cases = Table(
            "audit_cases",
            metadata,
            Column("case_id", String(lengths.UUID), primary_key=True),
            Column("case_type", String(lengths.CASE_TYPE), nullable=False),
            Column("officer_id", String(lengths.OFFICER_ID), nullable=True, index=True),
            Column("kind", String(lengths.KEYWORD), nullable=True),
            Column("opened_at", UtcDateTime(), nullable=False),
        )
        #: Every act in the log (decisions, acts that decide nothing, refusals), by the
        #: record and version of its stored event, with what an auditor searches on
        #: (outcome, clause, who, kind, date); the act itself stays in the stored event.
        audit_decisions = Table(
            "audit_decisions",
            metadata,
            Column("record_id", UUIDType(), primary_key=True),
            Column("record_version", _BIG_ID, primary_key=True, autoincrement=False),
            #: The position of the act's stored event in the log, which lists follow
            #: (shared.arrival).
            Column("recorded_seq", _BIG_ID, nullable=False, index=True),
            Column("case_id", String(lengths.UUID), nullable=False, index=True),
            Column("case_type", String(lengths.CASE_TYPE), nullable=False),
            Column("event_type", String(lengths.EVENT_TYPE), nullable=False),
            #: decided, recorded (an act that decides nothing) or refused.
            Column("outcome", String(lengths.SHORT_KEYWORD), nullable=False, index=True),
            Column("officer_id", String(lengths.OFFICER_ID), nullable=True, index=True),
            Column("kind", String(lengths.KEYWORD), nullable=True, index=True),
            #: None for an act that decides nothing.
            Column("clause", String(lengths.CLAUSE), nullable=True, index=True),
            Column("actor_id", String(lengths.SUBJECT), nullable=False, index=True),
            Column("actor_role", String(lengths.ROLE), nullable=False),
            Column("delegation_id", String(lengths.UUID), nullable=True),
            Column("occurred_at", UtcDateTime(), nullable=False, index=True),
            # A row per act in the log, inserted alone by a rebuild: built beside the old
            # table and swapped in (shared.rebuilt_aside).
            info={"rebuild": "aside"},
        )
        #: Each officer's key for their personal data in events; NULL once disposed of.
        officer_keys = Table(
            "officer_keys",
            metadata,
            Column("officer_id", String(lengths.OFFICER_ID), primary_key=True),
            Column("key", LargeBinary(), nullable=True),
            Column("created_at", UtcDateTime(), nullable=False),
            Column("disposed_at", UtcDateTime(), nullable=True),
        )
        #: The last snapshot of each record of a kind that keeps them (shared.snapshots): a
        #: copy of the record's state at a version, sealed with its officer's key, never
        #: the only copy of anything (the log is).
        snapshots = Table(
            "record_snapshots",
            metadata,
            Column("record_id", UUIDType(), primary_key=True),
            Column("record_version", _BIG_ID, nullable=False),
            Column("officer_id", String(lengths.OFFICER_ID), nullable=False, index=True),
            #: The code that computed the state (a snapshot taken by other code is not used).
            Column("shape", String(lengths.SHA256_HEX), nullable=False),
            #: The SHA-256 of the stored bytes of the record's event at ``record_version``.
            Column("last_digest", String(lengths.SHA256_HEX), nullable=False),
            Column("state", LargeBinary(), nullable=False),
            Column("taken_at", UtcDateTime(), nullable=False),
        )
        return cls(
            events=events,
            idempotency=idempotency,
            idempotency_officers=idempotency_officers,
            follower_positions=follower_positions,
            chain=chain,
            consultations=consultations,
            audit_cases=audit_cases,
            audit_decisions=audit_decisions,
            officer_keys=officer_keys,
            snapshots=snapshots,
        )


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant on every backend: SQLite keeps no zone, so it is
    normalised on the way in and restored on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: The types of the two arrays ``records_at`` joins: records' ids and versions.
RECORD_IDS = ARRAY(PG_UUID(as_uuid=True))
VERSIONS = ARRAY(BigInteger)


def records_at(ids: ColumnElement[Any], versions: ColumnElement[Any]) -> TableValuedAlias:
    """Records and versions sent as two arrays (``RECORD_IDS``, ``VERSIONS``: literals or
    bound parameters), as rows ``(record_id, record_version)`` to join to a log on
    PostgreSQL. One statement whatever their number, so it is prepared once, where a list of
    pairs makes a new statement each time (the auditor's acts, a decision's records)."""
    return func.unnest(ids, versions).table_valued("record_id", "record_version").render_derived()
