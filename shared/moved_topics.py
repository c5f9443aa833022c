"""Classes moved or renamed after events were stored under their old topics. The library
resolves an old topic once it is registered (``register_topic``); a feed read filtered by
type must also find the events stored under it (``old_topics_of``), or a follower reading
for that type would pass over them for good (ADR 0005's addendum)."""

from __future__ import annotations

from eventsourcing.utils import register_topic

#: (old topic, class now) for every move, in the order registered.
_MOVED: list[tuple[str, type]] = []


def moved(old_topic: str, cls: type) -> None:
    """``cls`` was stored as ``old_topic``: its events (classes nested in it) were stored
    under topics that extend the old one."""
    register_topic(old_topic, cls)
    _MOVED.append((old_topic, cls))


def old_topics_of(event_class: type) -> list[str]:
    """The topics this class's events may have been stored under before a move: the old
    topic of the class itself, or of a class it is nested in, extended by the rest of its
    name."""
    found = []
    for old_topic, cls in _MOVED:
        if event_class is cls:
            found.append(old_topic)
        elif event_class.__module__ == cls.__module__ and event_class.__qualname__.startswith(
            f"{cls.__qualname__}."
        ):
            found.append(old_topic + event_class.__qualname__[len(cls.__qualname__) :])
    return found
