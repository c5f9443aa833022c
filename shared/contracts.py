"""What a service publishes on its feed: versioned pydantic models, one per kind of event,
mapped from the service's events explicitly (``ContractMap``). Another service relies on
these models alone, never on an event's attribute names, so an aggregate can change inside
its service without breaking the services that follow it.

Each published item names its contract ``type`` and ``schema_version``. A consumer parses
the items it knows (``parse_item``); a type it does not follow is skipped, but a known type
in a version it does not know stops the follower loudly rather than be misread.

Redaction happens inside each mapping, once: the mapper is given the reader's role and
leaves out what that role may not see (ADR 0008)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

from eventsourcing.utils import get_topic
from pydantic import BaseModel, ConfigDict

from shared.envelope import jsonable
from shared.moved_topics import old_topics_of
from shared.roles import Role

REDACTED = "[redacted]"
#: Auditors replay everything (DOMAIN.md, 'Who acts'); every other reader gets the
#: redacted view.
FULL_VIEW = frozenset({Role.AUDITOR})

E = TypeVar("E")


class Contract(BaseModel):
    """Base of every published model: frozen, and strict about unknown fields, so a change
    on either side is found by the contract tests rather than in production."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The published type, e.g. ``Posting.Decided``.
    TYPE: ClassVar[str]
    #: Raised when a field is added, renamed or changes meaning; consumers name the
    #: versions they understand.
    VERSION: ClassVar[int] = 1


class LegacyContract(Contract):
    """What a feed served before contracts were versioned: each event's own attributes
    (``vars(event)``), with no ``schema_version``. A consumer that must read a feed not yet
    upgraded names the fields it needs in a version 0 model; anything else is ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    VERSION = 0


class LegacyDecision(BaseModel):
    """The decision record as version 0 items held it (``Decision``'s own attributes)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    rationale: str = ""
    actor_id: str
    actor_role: str
    clause: str
    effective_date: date | None = None
    correlation_id: str = ""


class DecisionV1(BaseModel):
    """The decision record every decision event carries (shared.ledger.Decision)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rationale: str
    actor_id: str
    actor_role: str
    clause: str
    facts: dict[str, Any]
    delegation_id: str | None
    effective_date: date | None
    correlation_id: str
    supersedes: str | None

    @classmethod
    def of(cls, decision: Any, *, rationale: str | None = None) -> DecisionV1:
        """The published form of a ``Decision``; ``rationale`` replaces a confidential one."""
        return cls(
            rationale=decision.rationale if rationale is None else rationale,
            actor_id=decision.actor_id,
            actor_role=decision.actor_role.value,
            clause=decision.clause,
            facts=jsonable(decision.facts),
            delegation_id=str(decision.delegation_id) if decision.delegation_id else None,
            effective_date=decision.effective_date,
            correlation_id=decision.correlation_id,
            supersedes=str(decision.supersedes) if decision.supersedes else None,
        )


class FeedItem(BaseModel):
    """One item of ``GET /events``."""

    id: int
    type: str
    schema_version: int
    originator_id: str
    originator_version: int
    occurred_at: datetime
    data: dict[str, Any]


Mapper = Callable[[Any, Role], Contract]


class ContractMap:
    """Each event class of a service and how it is published: explicitly, one mapper per
    class (a test holds every event class to having one)."""

    def __init__(self) -> None:
        self._mappers: dict[type[Any], Mapper] = {}
        self._models: dict[type[Any], type[Contract]] = {}
        #: Each published type's stored topics, made at the first ``topics_of`` after the
        #: last registration.
        self._topics: dict[str, tuple[str, ...]] | None = None

    def maps(
        self, event_class: type[E], model: type[Contract]
    ) -> Callable[[Callable[[E, Role], Contract]], Callable[[E, Role], Contract]]:
        """Decorator: ``mapper(event, reader) -> model`` publishes ``event_class``."""

        def register(mapper: Callable[[E, Role], Contract]) -> Callable[[E, Role], Contract]:
            if event_class in self._mappers:
                raise ValueError(f"{event_class.__qualname__} is mapped twice")
            self._mappers[event_class] = mapper
            self._models[event_class] = model
            self._topics = None
            return mapper

        return register

    def event_classes(self) -> list[type[Any]]:
        return list(self._mappers)

    def model_of(self, event_class: type[Any]) -> type[Contract]:
        return self._models[event_class]

    def topics_of(self, types: Iterable[str]) -> list[str]:
        """The stored topics of the events published as these ``types``, for a feed read
        filtered to them, those of classes since moved included; a type this service does
        not publish has none."""
        if self._topics is None:
            topics: dict[str, list[str]] = {}
            for event_class, model in self._models.items():
                known = topics.setdefault(model.TYPE, [])
                known += [get_topic(event_class), *old_topics_of(event_class)]
            self._topics = {name: tuple(found) for name, found in topics.items()}
        return sorted({topic for name in types for topic in self._topics.get(name, ())})

    def publish(self, position: int, event: Any, reader: Role) -> FeedItem:
        try:
            mapper = self._mappers[type(event)]
        except KeyError:
            raise LookupError(f"{type(event).__qualname__} has no published contract") from None
        contract = mapper(event, reader)
        expected = self._models[type(event)]
        if type(contract) is not expected:
            raise TypeError(f"{type(event).__qualname__} must publish {expected.__name__}")
        return FeedItem(
            id=position,
            type=contract.TYPE,
            schema_version=contract.VERSION,
            originator_id=str(event.originator_id),
            originator_version=event.originator_version,
            occurred_at=event.timestamp,
            data=contract.model_dump(mode="json"),
        )


class UnknownContractVersion(Exception):
    """A feed item of a type this consumer follows, in a version it does not know."""


def types_of(models: Iterable[type[Contract]]) -> list[str]:
    """The published types of these models, as a follower asks its feed for them."""
    return sorted({model.TYPE for model in models})


def parse_item(item: dict[str, Any], models: Iterable[type[Contract]]) -> Contract | None:
    """The contract model of a feed item, or None when the consumer does not follow its
    type."""
    known = [m for m in models if item["type"] == m.TYPE]
    if not known:
        return None
    # Items without a version were served before contracts were versioned (version 0).
    version = int(item.get("schema_version", 0))
    for model in known:
        if version == model.VERSION:
            return model.model_validate(item["data"])
    raise UnknownContractVersion(
        f"{item['type']} version {version} is not one of "
        f"{sorted(m.VERSION for m in known)} that this service reads"
    )
