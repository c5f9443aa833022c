"""Disposal of an officer's personal data at the end of its retention period (L1,
Retention & Disposal of Records; DOMAIN.md interpretation): a recorded decision, then the
officer's key destroyed, so their personal data in this service's events reads as
"[disposed]" from then on, in answers, feeds, read models and exports alike. The decision
history (kind, clause, actor, dates, outcome) and the hash chain are untouched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from sqlalchemy import delete, exists, select, tuple_

from shared.clock import london_date
from shared.contracts import Contract, ContractMap, DecisionV1
from shared.errors import NotFound, refuse_if
from shared.eventstore import LedgerApplication
from shared.handling import Actor, Command, Handler, Saved
from shared.ledger import Decision, DecisionEvent, decided_by
from shared.roles import Role
from shared.rules.retention import PersonalDataIsDisposedOnce, RetentionPeriodMustHaveEnded


def disposal_id(officer_id: str) -> UUID:
    """One disposal per officer and service, found again from the officer id."""
    return uuid5(NAMESPACE_URL, f"officer-postings:disposal:{officer_id}")


class PersonalDataDisposal(Aggregate):
    class Decided(DecisionEvent, Aggregate.Created):
        officer_id: str
        retention_ended_on: date
        #: The decision must outlive the key it destroys: it is not sealed.
        seal_decision: ClassVar[bool] = False

    def __init__(self, *, officer_id: str, retention_ended_on: date, decision: Decision) -> None:
        self.officer_id = officer_id
        self.retention_ended_on = retention_ended_on
        self.decided_by = decision.actor_id

    @classmethod
    def decide(
        cls, *, officer_id: str, retention_ended_on: date, decision: Decision, at: datetime
    ) -> PersonalDataDisposal:
        return cls._create(
            cls.Decided,
            id=disposal_id(officer_id),
            timestamp=at,
            officer_id=officer_id,
            retention_ended_on=retention_ended_on,
            decision=decision,
        )


@dataclass(frozen=True)
class DisposeOfPersonalData(Command):
    officer_id: str
    retention_ended_on: date
    rationale: str


class DisposalHandler(Handler[DisposeOfPersonalData, None]):
    """Record the disposal decision and destroy the officer's key, in one transaction; also
    forget stored command answers that quote the officer (idempotency replays). Each
    service holds its own part: disposal is sent to postings, appeals and ROI alike."""

    command = DisposeOfPersonalData

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app

    def handle(self, command: DisposeOfPersonalData, actor: Actor, prepared: None) -> Saved:
        app, officer_id = self.app, command.officer_id
        refuse_if(
            RetentionPeriodMustHaveEnded.check(
                retention_ended_on=command.retention_ended_on, today=london_date(app.clock.now())
            )
        )
        keyring = app.keyring
        keyring.hold_for_disposal(officer_id)
        if keyring.for_reading(officer_id) is None:
            try:
                app.load(disposal_id(officer_id), PersonalDataDisposal, what="disposal")
            except NotFound:
                raise NotFound(f"no personal data of {officer_id} is held here") from None
            PersonalDataIsDisposedOnce.refuse(
                f"{officer_id}'s personal data was already disposed of"
            )
        disposal = PersonalDataDisposal.decide(
            officer_id=officer_id,
            retention_ended_on=command.retention_ended_on,
            decision=decided_by(
                actor.principal,
                clause=PersonalDataIsDisposedOnce.clause,
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                effective_date=command.retention_ended_on,
                facts={"retention_ended_on": command.retention_ended_on.isoformat()},
            ),
            at=app.clock.now(),
        )
        app.store(disposal)
        keyring.dispose(officer_id)
        # Their records' snapshots hold their personal data, sealed with the key just
        # destroyed: copies, so they go too.
        session = app.db.sessions()
        snapshots = type(app).kernel.snapshots
        session.execute(delete(snapshots).where(snapshots.c.officer_id == officer_id))
        # Stored command answers that could replay their data: those the command wrote
        # about them or named them in (and, from before that was kept, those quoting them).
        kernel = type(app).kernel
        idempotency, quoted = kernel.idempotency, kernel.idempotency_officers
        holding = select(quoted.c.principal, quoted.c.key).where(quoted.c.officer_id == officer_id)
        session.execute(
            delete(idempotency).where(
                tuple_(idempotency.c.principal, idempotency.c.key).in_(holding)
                | idempotency.c.body.contains(f'"{officer_id}"')
            )
        )
        # Every officer a forgotten answer named goes with it, not only this one: a key
        # whose answer is gone is free to be used again, and its new answer names its own
        # officers (found by the round's tester: the key's next command failed on the
        # rows left behind, as a race run again until it gave up). One statement whatever
        # the number of answers: a list of their keys failed PostgreSQL at about 10,000
        # (found by the second tester). A key claimed now by a command not yet committed
        # has no rows another transaction can see, so none of its rows go.
        session.execute(
            delete(quoted).where(
                ~exists().where(
                    idempotency.c.principal == quoted.c.principal,
                    idempotency.c.key == quoted.c.key,
                )
            )
        )
        return Saved(disposal.id, disposal.version)


class PersonalDataDisposedV1(Contract):
    """Published by every service: the officer's personal data held there is gone."""

    TYPE = "PersonalDataDisposal.Decided"
    officer_id: str
    retention_ended_on: date
    decision: DecisionV1


def publish_disposal(contracts: ContractMap) -> None:
    """Every service's feed publishes its disposals the same way."""

    @contracts.maps(PersonalDataDisposal.Decided, PersonalDataDisposedV1)
    def _disposed(event: PersonalDataDisposal.Decided, reader: Role) -> PersonalDataDisposedV1:
        return PersonalDataDisposedV1(
            officer_id=event.officer_id,
            retention_ended_on=event.retention_ended_on,
            decision=DecisionV1.of(event.decision),
        )
