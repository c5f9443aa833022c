"""Strength by division and rank kept by the database (L1800 3.1.2): every posting decision
shows the strength at both ends of the move, which it counted from every officer of the
division and every planned posting, a cost that grew with the force. Triggers on
``officers`` and ``postings`` now keep ``strength_counts`` as those rows change, whoever
changes them (a decision, the HR sync, a disposal), and the decision reads the sums.

- A planned posting (awaiting its date, or its date confirmed) counts while its officer's
  row exists: leaving the officer's division, joining the posting's, at the officer's rank;
  the figures the count by join gave.
- On PostgreSQL each writing transaction adds to a slot of its own, taken by an advisory
  lock that it holds until it ends: concurrent decisions into one division never wait on
  each other's counts, nor deadlock on them. SQLite has one writer, and slot 0.
- A rebuild sets ``officer_postings.rebuilding`` for its transaction, and the triggers
  leave the counts to it: it counts afresh once the read models are replayed. This
  revision leaves the table empty for the rebuild that follows every move forward.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

# Every statement here is built from this module's constants: no input reaches it.
# ruff: noqa: S608

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: services.postings.projections.strength.PLANNED, as this revision found it.
PLANNED = "('awaiting_date', 'date_confirmed')"
#: shared.rebuild.REBUILDING.
REBUILDING = "officer_postings.rebuilding"
SLOT = "officer_postings.strength_slot"
#: The first key of the slots' advisory locks (the second is the slot): a constant of this
#: revision, apart from the log's locks, which take one 64-bit key.
SLOT_LOCKS = 180_031_800

TRIGGERS = (
    ("strength_officers_added", "officers"),
    ("strength_officers_changed", "officers"),
    ("strength_postings_added", "postings"),
    ("strength_postings_changed", "postings"),
)


def _add(slot: str, rows: str) -> str:
    """Adds ``rows`` (division, rank, now, leaving, joining) to the slot's counts; one row
    per division and rank, as one upsert may change a row only once."""
    return f"""
        INSERT INTO strength_counts (division, rank, slot, now, leaving, joining)
        SELECT division, rank, {slot}, sum(now), sum(leaving), sum(joining)
        FROM ({rows}) AS contributions
        WHERE division IS NOT NULL AND rank IS NOT NULL
        GROUP BY division, rank
        ON CONFLICT (division, rank, slot) DO UPDATE SET
            now = strength_counts.now + excluded.now,
            leaving = strength_counts.leaving + excluded.leaving,
            joining = strength_counts.joining + excluded.joining"""


def _officer(row: str, sign: str, slot: str) -> str:
    """What an officer's row counts: themselves, and their planned postings."""
    planned = f"postings.officer_id = {row}.officer_id AND postings.state IN {PLANNED}"
    return _add(
        slot,
        f"""SELECT {row}.division AS division, {row}.rank AS rank, {sign} AS now,
                {sign} * (SELECT count(*) FROM postings WHERE {planned}) AS leaving,
                0 AS joining
            UNION ALL
            SELECT postings.division, {row}.rank, 0, 0, {sign} FROM postings WHERE {planned}""",
    )


def _posting(row: str, sign: str, slot: str, *, planned: bool = False) -> str:
    """What a planned posting counts, while its officer's row exists; ``planned``: only if
    the row's state is planned (where the trigger's condition does not say)."""
    officer = f"officers.officer_id = {row}.officer_id"
    if planned:
        officer += f" AND {row}.state IN {PLANNED}"
    return _add(
        slot,
        f"""SELECT officers.division AS division, officers.rank AS rank, 0 AS now,
                {sign} AS leaving, 0 AS joining FROM officers WHERE {officer}
            UNION ALL
            SELECT {row}.division, officers.rank, 0, 0, {sign} FROM officers WHERE {officer}""",
    )


#: Whether the triggers keep the counts: not in a rebuild's transaction.
KEEPING = f"current_setting('{REBUILDING}', true) IS DISTINCT FROM 'on'"
OFFICER_CHANGED = (
    "(OLD.division IS DISTINCT FROM NEW.division OR OLD.rank IS DISTINCT FROM NEW.rank"
    " OR OLD.officer_id IS DISTINCT FROM NEW.officer_id)"
)
# A posting counts the same while it stays planned at the same division and officer (its
# date confirmed, say): such a change fires nothing. Besides saving the work, the trigger
# then never reads an officer whose row a concurrent change (the HR sync) is moving: a
# confirmation does not queue on the officer as decisions, withdrawals and moves do, and
# reading the officer once for what the row was and again for what it is could count the
# posting at both divisions.
POSTING_CHANGED = (
    f"((OLD.state IN {PLANNED}) IS DISTINCT FROM (NEW.state IN {PLANNED})"
    f" OR (NEW.state IN {PLANNED} AND (OLD.division IS DISTINCT FROM NEW.division"
    " OR OLD.officer_id IS DISTINCT FROM NEW.officer_id)))"
)


def _postgresql() -> None:
    # The transaction's slot: the one it took, or the first free one. No more transactions
    # run at once than connections, so one of max_connections + 1 slots is always free.
    op.execute(f"""
        CREATE FUNCTION strength_slot() RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE
            held text := current_setting('{SLOT}', true);
            slots integer := current_setting('max_connections')::integer;
        BEGIN
            IF held IS NOT NULL AND held <> '' THEN
                RETURN held::integer;
            END IF;
            FOR n IN 0..slots LOOP
                IF pg_try_advisory_xact_lock({SLOT_LOCKS}, n) THEN
                    PERFORM set_config('{SLOT}', n::text, true);
                    RETURN n;
                END IF;
            END LOOP;
            RAISE EXCEPTION 'no strength slot is free';
        END $$""")
    # What the row was is taken away, what it is added, in the transaction's slot.
    for function, was, now in (
        (
            "strength_of_officers",
            _officer("OLD", "-1", "taken"),
            _officer("NEW", "1", "taken"),
        ),
        (
            "strength_of_postings",
            _posting("OLD", "-1", "taken", planned=True),
            _posting("NEW", "1", "taken", planned=True),
        ),
    ):
        op.execute(f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                taken integer := strength_slot();
            BEGIN
                IF TG_OP <> 'INSERT' THEN {was}; END IF;
                IF TG_OP <> 'DELETE' THEN {now}; END IF;
                RETURN NULL;
            END $$""")
    for name, table, when, function in (
        ("strength_officers_added", "INSERT OR DELETE ON officers", KEEPING, "officers"),
        (
            "strength_officers_changed",
            "UPDATE OF division, rank, officer_id ON officers",
            f"{KEEPING} AND {OFFICER_CHANGED}",
            "officers",
        ),
        ("strength_postings_added", "INSERT OR DELETE ON postings", KEEPING, "postings"),
        (
            "strength_postings_changed",
            "UPDATE OF state, division, officer_id ON postings",
            f"{KEEPING} AND {POSTING_CHANGED}",
            "postings",
        ),
    ):
        op.execute(
            f"CREATE TRIGGER {name} AFTER {table} FOR EACH ROW WHEN ({when})"
            f" EXECUTE FUNCTION strength_of_{function}()"
        )


def _sqlite() -> None:
    # One writer at a time: slot 0. A rebuild's own count replaces what these kept.
    for name, event, when, body in (
        ("strength_officers_added", "INSERT ON officers", "1", [_officer("NEW", "1", "0")]),
        ("strength_officers_gone", "DELETE ON officers", "1", [_officer("OLD", "-1", "0")]),
        (
            "strength_officers_changed",
            "UPDATE OF division, rank, officer_id ON officers",
            OFFICER_CHANGED,
            [_officer("OLD", "-1", "0"), _officer("NEW", "1", "0")],
        ),
        (
            "strength_postings_added",
            "INSERT ON postings",
            f"NEW.state IN {PLANNED}",
            [_posting("NEW", "1", "0")],
        ),
        (
            "strength_postings_gone",
            "DELETE ON postings",
            f"OLD.state IN {PLANNED}",
            [_posting("OLD", "-1", "0")],
        ),
        (
            "strength_postings_changed",
            "UPDATE OF state, division, officer_id ON postings",
            POSTING_CHANGED,
            [
                _posting("OLD", "-1", "0", planned=True),
                _posting("NEW", "1", "0", planned=True),
            ],
        ),
    ):
        statements = "".join(f"{statement};\n" for statement in body)
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} FOR EACH ROW WHEN {when}\nBEGIN\n{statements}END"
        )


def upgrade() -> None:
    op.create_table(
        "strength_counts",
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("rank", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("now", sa.Integer(), nullable=False),
        sa.Column("leaving", sa.Integer(), nullable=False),
        sa.Column("joining", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("division", "rank", "slot"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()
    # Empty until counted: a database that moves forward has its read models rebuilt from
    # the log (shared.cli), and the rebuild counts the strength afresh at its end.


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    names = [name for name, _ in TRIGGERS]
    if not postgresql:
        names += ["strength_officers_gone", "strength_postings_gone"]
    for name in names:
        table = "officers" if "officers" in name else "postings"
        op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in ("strength_of_officers", "strength_of_postings", "strength_slot"):
            op.execute(f"DROP FUNCTION {function}()")
    op.drop_table("strength_counts")
