"""Refusals on the record (DOMAIN.md, 'Refusals'; ADR 0007): a command refused by a protocol
rule, or a refused exercise of authority by a signed-in person, changes no case and leaves
its Idempotency-Key free, but is kept, in the service's own chained and checkpointed log,
as a record of its own: the rule and clause, the facts that were checked (each reason's
details), who tried, in which role, when, and the request it came from. Malformed input is
not recorded: it never reached a rule."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from shared.contracts import FULL_VIEW, REDACTED, Contract, ContractMap
from shared.errors import Conflict, DomainError, NotPermitted, RulesBroken, Violation
from shared.identity import Principal
from shared.roles import Role

if TYPE_CHECKING:
    from shared.eventstore import LedgerApplication

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefusedBecause:
    """One reason a command was refused, as the caller was told it, with the facts checked."""

    message: str
    rule: str | None = None
    clause: str | None = None
    field: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, violation: Violation) -> RefusedBecause:
        return cls(
            message=violation.message,
            rule=violation.rule,
            clause=violation.clause,
            field=violation.field,
            details=dict(violation.details),
        )


class Refusal(Aggregate):
    """One refused command: never part of a case, so no case's version moves."""

    class Recorded(Aggregate.Created):
        #: What was asked: the command (``DecideCompulsory``) or the operation refused at
        #: the edge (``POST /postings/compulsory``).
        asked: str
        #: The answer's status: 403 (authority), 409 (the record's state), 422 (a rule).
        status: int
        rule: str | None
        clause: str | None
        message: str
        reasons: list[RefusedBecause]
        #: Whom it concerns, and the record it was asked of, where known.
        officer_id: str | None
        case_id: UUID | None
        actor_id: str
        actor_role: Role
        correlation_id: str

        #: What was refused may speak of the officer: sealed with their key.
        personal_fields: ClassVar[frozenset[str]] = frozenset({"message", "reasons"})

    def __init__(
        self,
        *,
        asked: str,
        status: int,
        rule: str | None,
        clause: str | None,
        message: str,
        reasons: list[RefusedBecause],
        officer_id: str | None,
        case_id: UUID | None,
        actor_id: str,
        actor_role: Role,
        correlation_id: str,
    ) -> None:
        self.asked = asked
        self.status = status
        self.rule = rule
        self.clause = clause
        self.officer_id = officer_id
        self.case_id = case_id
        self.actor_id = actor_id

    @classmethod
    def record(
        cls,
        *,
        asked: str,
        status: int,
        reasons: list[Violation],
        message: str,
        officer_id: str | None,
        case_id: UUID | None,
        principal: Principal,
        correlation_id: str,
        at: datetime,
    ) -> Refusal:
        first = reasons[0] if reasons else None
        return cls._create(
            cls.Recorded,
            timestamp=at,
            asked=asked,
            status=status,
            rule=first.rule if first else None,
            clause=first.clause if first else None,
            message=message,
            reasons=[RefusedBecause.of(v) for v in reasons],
            officer_id=officer_id,
            case_id=case_id,
            actor_id=principal.person_id,
            actor_role=principal.role,
            correlation_id=correlation_id,
        )


def status_of(refusal: DomainError) -> int | None:
    """The status a refusal is answered with, if it is one to keep: a rule's (422, or 409
    when it names one), or authority's (403). Anything else (not found, a stale version, a
    service away) is not a refusal by the protocol."""
    if isinstance(refusal, RulesBroken):
        return 422
    if isinstance(refusal, NotPermitted):
        return 403
    if isinstance(refusal, Conflict) and refusal.violations:
        return 409
    return None


def reasons_of(refusal: DomainError) -> list[Violation]:
    return list(getattr(refusal, "violations", []) or [])


def keep(
    app: LedgerApplication,
    *,
    asked: str,
    status: int,
    reasons: list[Violation],
    message: str,
    officer_id: str | None,
    case_id: UUID | None,
    principal: Principal,
    correlation_id: str,
) -> None:
    """Record a refusal in its own unit of work, after the refused one rolled back. It must
    never stand in the way of the answer: a refusal that cannot be recorded (nothing more
    is recorded about a disposed-of officer; the database went away) is logged and the
    caller still gets the refusal."""
    try:
        with app.db.unit_of_work(write=True):
            refusal = Refusal.record(
                asked=asked,
                status=status,
                reasons=reasons,
                message=message,
                officer_id=officer_id,
                case_id=case_id,
                principal=principal,
                correlation_id=correlation_id,
                at=app.clock.now(),
            )
            app.store(refusal)
    except Exception:  # the refusal itself is answered whatever becomes of its record
        log.warning("refusal of %s by %s not recorded", asked, principal.subject, exc_info=True)


class RefusalRecordedV1(Contract):
    """Published by every service: a command refused, and why. What it was refused for may
    speak of the officer, so the reasons and their facts are for auditors only."""

    TYPE = "Refusal.Recorded"
    asked: str
    status: int
    rule: str | None
    clause: str | None
    message: str
    reasons: list[dict[str, Any]] | str
    officer_id: str | None
    case_id: str | None
    actor_id: str
    actor_role: str
    correlation_id: str


def publish_refusals(contracts: ContractMap) -> None:
    """Every service's feed publishes its refusals the same way."""

    @contracts.maps(Refusal.Recorded, RefusalRecordedV1)
    def _refused(event: Refusal.Recorded, reader: Role) -> RefusalRecordedV1:
        full = reader in FULL_VIEW
        return RefusalRecordedV1(
            asked=event.asked,
            status=event.status,
            rule=event.rule,
            clause=event.clause,
            message=event.message if full else REDACTED,
            reasons=(
                [
                    {
                        "message": r.message,
                        "rule": r.rule,
                        "clause": r.clause,
                        "field": r.field,
                        "details": r.details,
                    }
                    for r in event.reasons
                ]
                if full
                else REDACTED
            ),
            officer_id=event.officer_id,
            case_id=str(event.case_id) if event.case_id else None,
            actor_id=event.actor_id,
            actor_role=event.actor_role.value,
            correlation_id=event.correlation_id,
        )
