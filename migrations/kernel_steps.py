"""Schema steps for the kernel tables every service keeps, shared by the three services'
revisions that take them. Each function is one revision's step as it was released: never
change one afterwards; a later change is a new function for a new revision."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlalchemy_utils
from alembic import op


def create_audit_index() -> None:
    """Cases and decisions as an auditor searches them, and officers' keys (issue 6;
    revision 0006 of appeals and roi, 0007 of postings)."""
    op.create_table(
        "audit_cases",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_type", sa.String(length=80), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_audit_cases_officer_id", "audit_cases", ["officer_id"])
    op.create_table(
        "audit_decisions",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_type", sa.String(length=80), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("clause", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("delegation_id", sa.String(length=36), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    for column in ("case_id", "officer_id", "kind", "clause", "actor_id", "occurred_at"):
        op.create_index(f"ix_audit_decisions_{column}", "audit_decisions", [column])

    # Officers' keys for their personal data in events (not a read model: never rebuilt).
    op.create_table(
        "officer_keys",
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("officer_id"),
    )


def drop_audit_index() -> None:
    op.drop_table("officer_keys")
    op.drop_table("audit_decisions")
    op.drop_table("audit_cases")


#: The kernel's columns that hold an officer's id, and whether each may be null.
_KERNEL_OFFICER_IDS = (
    ("consultations", False),
    ("audit_cases", True),
    ("audit_decisions", True),
    ("officer_keys", False),
)


def alter_lengths(columns: Sequence[tuple[str, str, bool]], old: int, new: int) -> None:
    """Each (table, column, nullable) from VARCHAR(old) to VARCHAR(new); on SQLite the
    table is copied (batch mode), on PostgreSQL the column is altered in place."""
    for table, column, nullable in columns:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.String(length=old),
                type_=sa.String(length=new),
                existing_nullable=nullable,
            )


def widen_officer_ids() -> None:
    """The kernel's officer ids from 40 to 100 characters, as long as SuccessFactors'
    userId (revision 0009 of postings, 0008 of appeals, 0007 of roi)."""
    alter_lengths([(t, "officer_id", n) for t, n in _KERNEL_OFFICER_IDS], 40, 100)


def narrow_officer_ids() -> None:
    alter_lengths([(t, "officer_id", n) for t, n in _KERNEL_OFFICER_IDS], 100, 40)


def create_idempotency_officers() -> None:
    """Whose personal data each stored command answer may hold, so that a disposal forgets
    every answer that could replay it (revision 0010 of postings, 0009 of appeals, 0008 of
    roi)."""
    op.create_table(
        "idempotency_officers",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("officer_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", "officer_id"),
    )
    op.create_index("ix_idempotency_officers_officer_id", "idempotency_officers", ["officer_id"])


def drop_idempotency_officers() -> None:
    op.drop_table("idempotency_officers")


def index_every_act() -> None:
    """The audit index holds every act a person took, not only decisions: its outcome
    (decided, recorded, refused), and no clause for an act that decides nothing (revision
    0012 of postings, 0010 of appeals, 0009 of roi; the index is rebuilt after it)."""
    with op.batch_alter_table("audit_decisions") as batch:
        batch.add_column(
            sa.Column("outcome", sa.String(length=20), nullable=False, server_default="decided")
        )
        batch.alter_column("clause", existing_type=sa.String(length=40), nullable=True)
    with op.batch_alter_table("audit_decisions") as batch:
        batch.alter_column("outcome", server_default=None, existing_type=sa.String(length=20))
    op.create_index("ix_audit_decisions_outcome", "audit_decisions", ["outcome"])


def index_decisions_only() -> None:
    op.drop_index("ix_audit_decisions_outcome", table_name="audit_decisions")
    op.execute("DELETE FROM audit_decisions WHERE clause IS NULL")
    with op.batch_alter_table("audit_decisions") as batch:
        batch.drop_column("outcome")
        batch.alter_column("clause", existing_type=sa.String(length=40), nullable=False)


def _audit_acts_table(*key: sa.Column) -> None:
    op.create_table(
        "audit_decisions",
        *key,
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("case_type", sa.String(length=80), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("officer_id", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("clause", sa.String(length=40), nullable=True),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("delegation_id", sa.String(length=36), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(*(column.name for column in key)),
    )
    for column in ("case_id", "officer_id", "kind", "clause", "actor_id", "occurred_at"):
        op.create_index(f"ix_audit_decisions_{column}", "audit_decisions", [column])
    op.create_index("ix_audit_decisions_outcome", "audit_decisions", ["outcome"])


def index_acts_by_record() -> None:
    """The audit index names each act by its stored event's record and version, known
    before the log numbers the event, so that it is written outside the log's ordering
    (ADR 0020; revision 0014 of postings, 0011 of appeals, 0010 of roi). A read model: the
    table is made anew and rebuilt from the log after the revision."""
    op.drop_table("audit_decisions")
    _audit_acts_table(
        sa.Column("record_id", sqlalchemy_utils.types.uuid.UUIDType(), nullable=False),
        sa.Column("record_version", sa.BigInteger().with_variant(sa.Integer(), "sqlite")),
    )
    with op.batch_alter_table("audit_decisions") as batch:
        batch.add_column(
            sa.Column(
                "recorded_seq",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=False,
            )
        )
    op.create_index("ix_audit_decisions_recorded_seq", "audit_decisions", ["recorded_seq"])


def index_acts_by_position() -> None:
    op.drop_table("audit_decisions")
    _audit_acts_table(sa.Column("position", sa.BigInteger(), autoincrement=False))


def arrival_by_position(columns: Sequence[tuple[str, str]]) -> None:
    """Rows listed in order of arrival take their event's position in the log
    (shared.arrival), as wide as the log's ids. A read model: the numbers are drawn again
    by the rebuild that follows the revision (revision 0015 of postings, 0012 of appeals,
    0011 of roi)."""
    for table, column in columns:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.Integer(),
                type_=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                existing_nullable=False,
            )


def arrival_by_count(columns: Sequence[tuple[str, str]]) -> None:
    for table, column in columns:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                type_=sa.Integer(),
                existing_nullable=False,
            )


def create_record_snapshots() -> None:
    """The last snapshot of each record of a kind that keeps them (shared.snapshots;
    revision 0016 of postings, 0013 of appeals, 0012 of roi). Not a read model: a rebuild
    leaves it, and a snapshot is checked against the log before it is used."""
    op.create_table(
        "record_snapshots",
        sa.Column("record_id", sqlalchemy_utils.types.uuid.UUIDType(), nullable=False),
        sa.Column(
            "record_version",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("officer_id", sa.String(length=100), nullable=False),
        sa.Column("shape", sa.String(length=64), nullable=False),
        sa.Column("last_digest", sa.String(length=64), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index("ix_record_snapshots_officer_id", "record_snapshots", ["officer_id"])


def drop_record_snapshots() -> None:
    op.drop_table("record_snapshots")
