"""Rebuilding a service's read models from its event log: after a schema change, or on
demand. The replay goes through the same projector that keeps them live."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import MetaData, bindparam, delete, func, select
from sqlalchemy.orm import Session

from shared import arrival, driver
from shared.collection import collector_paused
from shared.decoding import Decoder
from shared.eventstore import LedgerApplication, log_lock_key, rebuild_lock_key
from shared.held_writes import writing_behind
from shared.rebuilt_aside import set_aside, swap_in
from shared.tables import KernelTables

PAGE = 5000


def read_page(
    session: Session, kernel: KernelTables, after: int, limit: int = PAGE
) -> list[Notification]:
    """The next stored events in log order, read in the session's own transaction through
    the driver's cursor (``shared.driver.rows``): read through SQLAlchemy's rows, 300,000 events
    took 3.5 s, through the driver's 1.7 s. The aggregate id is the one column a driver
    may give as something else than its value (SQLite's 16 bytes; PostgreSQL's driver
    gives a UUID), so only such an id goes through its type's result processing."""
    connection = session.connection()
    dialect = connection.dialect
    e = kernel.events.c
    compiled = (
        select(e.id, e.originator_id, e.originator_version, e.topic, e.state)
        .where(e.id > bindparam("after"))
        .order_by(e.id)
        .limit(limit)
        .compile(dialect=dialect)
    )
    as_id = e.originator_id.type.dialect_impl(dialect).result_processor(dialect, None)

    def record_id(value: Any) -> UUID:
        return value if as_id is None or isinstance(value, UUID) else cast(UUID, as_id(value))

    return [
        Notification(
            id=position,
            originator_id=record_id(record),
            originator_version=version,
            topic=topic,
            state=bytes(state),
        )
        for position, record, version, topic, state in driver.rows(
            connection, compiled, {"after": after}
        )
    ]


def kept_tables(kernel: KernelTables) -> set[str]:
    """The kernel's tables that are not read models: the log and its chain, what no replay
    could write again (who read what, stored answers, positions, officers' keys), and the
    records' snapshots."""
    return {
        kernel.events.name,
        kernel.chain.name,
        kernel.consultations.name,
        kernel.idempotency.name,
        kernel.idempotency_officers.name,
        kernel.follower_positions.name,
        kernel.officer_keys.name,
        # Checked against the log before each use; rebuilding them is not replaying.
        kernel.snapshots.name,
    }


def rebuild_read_models(
    application: LedgerApplication,
    metadata: MetaData,
    kernel: KernelTables,
    *,
    progress: Callable[[int], None] | None = None,
    decode_apart: bool | None = None,
) -> int:
    """Empty every read-model table and replay every event; one transaction, so readers see
    the old read models or the new ones, never half. Returns how many events were replayed.
    ``decode_apart``: decode on a second process (by default, for a large log on
    PostgreSQL)."""
    keep = kept_tables(kernel)
    # Tables marked ``info={"rebuild": "keep"}`` are not derived from this log alone (fed by
    # another service's feed, or an outbox of what was already sent): replaying it cannot
    # refill them, so they are kept.
    read_models = [
        t
        for t in reversed(metadata.sorted_tables)
        if t.name not in keep and t.info.get("rebuild") != "keep"
    ]
    replayed = 0
    with application.db.unit_of_work(write=True) as session, ExitStack() as stack:
        if decode_apart is None:
            # Counted before the log is held: it only decides where decoding runs.
            decode_apart = not application.db.is_sqlite and _log_size(session, kernel) >= APART_FROM
        decoder = (
            stack.enter_context(Decoder(type(application), _url(application), page_size=PAGE))
            if decode_apart
            else None
        )
        if not application.db.is_sqlite:
            # No writer commits while the read models are rebuilt: one that did would add
            # rows the replay adds again, or update rows the replay has not written yet.
            # Writers wait for the rebuild, as they wait for each other.
            # Writers project before they take the log's ordering, holding a share of the
            # rebuild lock (shared.eventstore), so the rebuild takes that lock alone first.
            for key in (rebuild_lock_key(kernel.events.name), log_lock_key(kernel.events.name)):
                session.execute(select(func.pg_advisory_xact_lock(key)))
            # The counts the database keeps by trigger wait for the end (``recount``): kept
            # row by row, the deletes and the replay would cost a trigger's work each.
            session.execute(select(func.set_config(REBUILDING, "on", True)))
        # The decoder reads from here on, while the old rows are deleted.
        pages = decoder.pages() if decoder else _decoded_here(session, application, kernel)
        # On PostgreSQL the audit index is rebuilt beside the old one and swapped in at the
        # end (shared.rebuilt_aside): nothing of it is deleted.
        aside = set() if application.db.is_sqlite else set_aside(session, read_models)
        for table in read_models:
            if table not in aside:
                session.execute(delete(table))
        # A large log on PostgreSQL (COPY): the database takes in a page's rows while the
        # next is projected.
        apart = decoder is not None and not application.db.is_sqlite
        behind = stack.enter_context(writing_behind(session)) if apart else None
        application.begin_batch(session)
        with collector_paused() as paused:
            for page in pages:
                for position, event in page:
                    arrival.replaying(session, position)
                    application.project(session, event)
                application.flush_batch(session)
                if behind is not None:
                    behind.page_done()
                paused.page_done()
                replayed += len(page)
                if progress:
                    progress(replayed)
        application.recount(session)
        swap_in(session)
        return replayed


#: Set for a rebuild's transaction on PostgreSQL: the triggers that keep counts (postings'
#: strength, migration 0017) leave them to the rebuild, which counts afresh at its end.
REBUILDING = "officer_postings.rebuilding"

#: From this many events, a rebuild on PostgreSQL decodes on a second process
#: (shared.decoding): below it, starting that process costs more than it saves.
APART_FROM = 50_000


def _log_size(session: Session, kernel: KernelTables) -> int:
    return int(session.execute(select(func.count()).select_from(kernel.events)).scalar() or 0)


def _url(application: LedgerApplication) -> str:
    return application.db.url.render_as_string(hide_password=False)


def _decoded_here(
    session: Session, application: LedgerApplication, kernel: KernelTables
) -> Iterator[list[tuple[int, Any]]]:
    after = 0
    while True:
        page = read_page(session, kernel, after)
        yield [(n.id, application.mapper.to_domain_event(n)) for n in page]
        if len(page) < PAGE:
            return
        after = page[-1].id
