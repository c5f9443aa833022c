"""A decision's reads planned once, not once each: between a unit of work's first locks
and the log's ordering, the statements psycopg has prepared run on their generic plan
(ADR 0035).

PostgreSQL plans a prepared statement afresh for its parameters five times, and then keeps
doing so wherever the generic plan is estimated dearer than the fresh ones had been. The
records read ahead for a decision (``LedgerApplication.read_ahead``: a join of the log to
the records asked for, beside their snapshots) is such a statement: measured, 0.17 ms of
planning at every decision for 0.03 ms of execution, the dearest planning of any statement a
decision sends. On its generic plan the same read took 0.04 ms to bind, and its plan is the
same index scans. So is every read of that window: a record, an officer's key, the
strength at both ends, each by key. The read-model writes sent in the window (a row
inserted, a row moved on by key) run on their generic plans too, which is the plan a
one-row write by key has anyway.

The setting is the transaction's own (``set_config(..., true)``, as ``SET LOCAL``), taken in
the statement that takes the records' locks, and given back as it was in the statement that
takes the log's ordering, so that the log's writes after it, whose statements join arrays
of any length to the read models, are planned as before (the events' insert, in that
statement itself, joins none and takes the generic plan); a transaction that ends before the
ordering gives it back by ending. Nothing is sent for it: both ride on statements a
decision sends anyway.

What the setting was is kept beside it, in a setting of the project's own, marked with the
transaction's start (``now()``, the same throughout a transaction): kept once per
transaction, so that a second set of locks in the same unit of work does not keep the
generic plan as what to give back; and given back only when this transaction kept it, so
that a value of that name set by anything else (a database's or a role's defaults) is never
taken for one (found by the outside tester: set to a value that is no plan cache mode, it
failed every write)."""

from __future__ import annotations

#: The value kept, when this transaction kept it: ``<transaction start>|<mode>``.
_KEPT = "current_setting('officer_postings.plan_cache_mode', true)"
_KEPT_NOW = f"split_part({_KEPT}, '|', 1) = now()::text"

#: Select-list items for the statement that takes a unit of work's records' locks, in this
#: order (PostgreSQL evaluates a select list in order): what the setting is, kept, then the
#: generic plan set.
GENERIC_FROM_HERE = (
    "set_config('officer_postings.plan_cache_mode', "
    f"CASE WHEN {_KEPT_NOW} THEN {_KEPT} "
    "ELSE now()::text || '|' || current_setting('plan_cache_mode') END, true)",
    "set_config('plan_cache_mode', 'force_generic_plan', true)",
)

#: The select-list item for the statement that takes the log's ordering: the setting as it
#: was before the locks (unchanged where this transaction took none).
AS_BEFORE_FROM_HERE = (
    "set_config('plan_cache_mode', "
    f"CASE WHEN {_KEPT_NOW} THEN split_part({_KEPT}, '|', 2) "
    "ELSE current_setting('plan_cache_mode') END, true)"
)
