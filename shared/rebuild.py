"""Rebuilding a service's read models from its event log: after a schema change, or on
demand. The replay goes through the same projector that keeps them live."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import MetaData, delete

from shared.eventstore import LedgerApplication
from shared.tables import KernelTables

PAGE = 1000


def rebuild_read_models(
    application: LedgerApplication,
    metadata: MetaData,
    kernel: KernelTables,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Empty every read-model table and replay every event; one transaction, so readers see
    the old read models or the new ones, never half. Returns how many events were replayed."""
    keep = {
        kernel.events.name,
        kernel.chain.name,
        kernel.consultations.name,
        kernel.idempotency.name,
        kernel.follower_positions.name,
        kernel.officer_keys.name,
    }
    # Tables marked ``info={"rebuild": "keep"}`` are not derived from this log alone (fed by
    # another service's feed, or an outbox of what was already sent): replaying it cannot
    # refill them, so they are kept.
    read_models = [
        t
        for t in reversed(metadata.sorted_tables)
        if t.name not in keep and t.info.get("rebuild") != "keep"
    ]
    replayed = 0
    with application.db.unit_of_work(write=True) as session:
        for table in read_models:
            session.execute(delete(table))
        application.begin_batch(session)
        start = 1
        while True:
            page = application.recorder.select_notifications(start=start, limit=PAGE)
            for notification in page:
                event = application.mapper.to_domain_event(notification)
                application.project(session, event, notification.id)
            application.flush_batch(session)
            replayed += len(page)
            if progress:
                progress(replayed)
            if len(page) < PAGE:
                return replayed
            start = page[-1].id + 1
