"""Reference records (the policy, places of duty, units, delegations) kept decoded between
units of work, and checked against the log before each use (issue 18, point 3).

Every decision reads the policy, the place the officer goes to and often a delegation.
Each is a record of many events (a delegation gains one with every use), decoded and
replayed from the first at every load. Here a service keeps each one as it was last read
from the log, with its version and the stored bytes of its last event. A load then asks the
log only for that last event and any after it, which the same round trip returns:

- the kept event is still there, unchanged: the newer events, if any, are replayed onto a
  copy of what was kept;
- it is not (a restored or replaced database): the record is read again from its first
  event, as if nothing were kept.

So what is kept never stands in for the log; it saves decoding what the log still says. It
is filled only from what the log holds (committed events), never from a unit of work's own
unsaved changes, and each load gets its own copy, so a command that changes its copy
changes nothing kept. The library's own aggregate cache is not used: it keeps aggregates as
they are saved, before their transaction commits (ADR 0021).

None of these records is sealed with an officer's key, so nothing kept outlives a disposal.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import TopicError, resolve_topic

from shared.kept import Kept

#: How many reference records a service keeps: more than a force has places, units and
#: delegations; the least recently used goes first.
KEPT_MAX = 4096


@dataclass(frozen=True)
class _Kept:
    version: int
    #: The last event's stored bytes, as the log held them when this was read.
    last_state: bytes
    #: Never handed out: each load gets its own copy.
    aggregate: Aggregate


class ReferenceRecords:
    """The reference records one application keeps (thread-safe)."""

    def __init__(self, maxsize: int = KEPT_MAX) -> None:
        self._kept: Kept[UUID, _Kept] = Kept(maxsize)

    def floor(self, record_id: UUID) -> int:
        """The version after which the log is asked for this record's events."""
        kept = self._kept.get(record_id)
        return kept.version - 1 if kept is not None else 0

    def load(
        self,
        record_id: UUID,
        kinds: tuple[type[Aggregate], ...],
        read_after: Callable[[int], list[StoredEvent]],
        decode: Callable[[StoredEvent], object],
    ) -> Aggregate | None:
        """The record as the log holds it now, if it is one of ``kinds`` (else None, as if
        the log held none): ``read_after(v)`` gives the stored events after version v,
        ``decode`` one domain event.

        The id comes from the caller (a delegation relied on, say), so it may name a record
        of any kind: an officer's, whose events carry sealed personal data. A record is
        known by its first event's topic before anything of it is decoded, and one of
        another kind is neither decoded nor kept."""
        kept = self._kept.get(record_id)
        stored = read_after(kept.version - 1 if kept is not None else 0)
        aggregate: Aggregate | None = None
        newer = stored
        if kept is not None:
            first = stored[0] if stored else None
            if (
                first is not None
                and first.originator_version == kept.version
                and first.state == kept.last_state
            ):
                aggregate, newer = copy.deepcopy(kept.aggregate), stored[1:]
            else:
                # The log does not hold what was kept: read the record from its start.
                self._kept.forget(record_id)
                stored = newer = read_after(0)
        if aggregate is None and stored and not first_event_of(stored[0].topic, kinds):
            return None
        for event in newer:
            aggregate = decode(event).mutate(aggregate)  # type: ignore[attr-defined]
        if aggregate is not None and newer:
            self._kept.put(
                record_id, _Kept(aggregate.version, stored[-1].state, copy.deepcopy(aggregate))
            )
        return aggregate


def first_event_of(topic: str, kinds: tuple[type[Aggregate], ...]) -> bool:
    """The event at this topic is one of these kinds' own: each declares its events inside
    itself. The topic is resolved as the library resolves it, so a class renamed and
    registered under its old topic is still known."""
    try:
        event_class = resolve_topic(topic)
    except TopicError:
        return False
    return any(
        getattr(event_class, "__module__", None) == kind.__module__
        and getattr(event_class, "__qualname__", "").startswith(f"{kind.__qualname__}.")
        for kind in kinds
    )
