"""Larger-scale migration (L1800 3.1.3): a batch of compulsory postings under one common
rationale. Each posting is checked and recorded on its own; a refused one stores nothing
and is reported with every reason, and the rest stand."""

from __future__ import annotations

from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiQuestion
from services.postings.commands import CompulsoryTerms, DecideBatch, Placement
from services.postings.domain.batch import Batch, BatchOutcome, Refusal
from services.postings.domain.kinds import PostingKind, Power
from services.postings.domain.officer import officer_aggregate_id
from services.postings.domain.rules.s3_1_general import PostingNamesRegisteredOfficerAndPlace
from services.postings.handlers.authority import delegation_relied_on
from services.postings.handlers.base import PostingsHandler
from services.postings.handlers.decision_path import (
    PostingTerms,
    RoiAsked,
    ask_roi,
    decide_posting,
)
from services.postings.handlers.decisions import compulsory_terms
from shared.clock import london_date
from shared.errors import NotFound, RulesBroken, Violation
from shared.handling import Actor, Saved
from shared.ledger import decided_by


class DecideBatchHandler(PostingsHandler[DecideBatch]):
    command = DecideBatch

    def __init__(self, app: PostingsApplication, roi: RoiQuestion) -> None:
        super().__init__(app)
        self.roi = roi

    def prepare(self, command: DecideBatch, actor: Actor) -> list[RoiAsked]:
        """ROI is asked about every officer of the batch before the transaction opens."""
        return [
            ask_roi(
                self.roi,
                officer_id=p.officer_id,
                on=p.likely_posting_date,
                to_location=p.to_location,
            )
            for p in command.postings
        ]

    def authorise(self, command: DecideBatch, actor: Actor) -> None:
        """The Director of HR, or a delegate naming a delegation that covers compulsory
        postings (3.7.1), before ROI is asked about anyone."""
        delegation_relied_on(
            self.app,
            actor.principal,
            Power.COMPULSORY_POSTING,
            command.delegation_id,
            on=london_date(self.app.clock.now()),
        )

    def handle(self, command: DecideBatch, actor: Actor, prepared: list[RoiAsked]) -> Saved:
        now = self.app.clock.now()
        today = london_date(now)
        # The delegation relied on, if any: the Director of HR relies on none. The batch
        # records its one use; each posting names it.
        delegation = delegation_relied_on(
            self.app, actor.principal, Power.COMPULSORY_POSTING, command.delegation_id, on=today
        )
        # Every record the batch will change, queued for at once and in one order.
        self.app.serialise_on(
            *[officer_aggregate_id(p.officer_id) for p in command.postings],
            *([delegation.id] if delegation else []),
        )
        notice_days = self.app.policy().notice_days
        results: list[BatchOutcome] = []
        for proposed, roi in zip(command.postings, prepared, strict=True):
            violations, details, facts = compulsory_terms(
                CompulsoryTerms(
                    reasoning_for_officer=command.reasoning_for_officer,
                    preferences=proposed.preferences,
                    preferences_not_sought_because=proposed.preferences_not_sought_because,
                ),
                likely_posting_date=proposed.likely_posting_date,
                today=today,
                notice_days=notice_days,
            )
            placement = Placement(
                officer_id=proposed.officer_id,
                to_location=proposed.to_location,
                likely_posting_date=proposed.likely_posting_date,
                rationale=command.rationale,
                travel_justification=proposed.travel_justification,
                welfare_consideration=proposed.welfare_consideration,
            )
            terms = PostingTerms(
                kind=PostingKind.COMPULSORY,
                details=details,
                violations=violations,
                facts=facts,
                considers_preferences=True,
                delegation=delegation,
                power=Power.COMPULSORY_POSTING,
                exercise=False,
            )
            try:
                saved = decide_posting(self.app, actor, placement, terms, roi)
                results.append(BatchOutcome(proposed.officer_id, posting_id=str(saved.id)))
            except RulesBroken as refused:
                results.append(
                    BatchOutcome(
                        proposed.officer_id, refused=[_refusal(v) for v in refused.violations]
                    )
                )
            except NotFound as missing:
                results.append(
                    BatchOutcome(
                        proposed.officer_id,
                        refused=[
                            _refusal(
                                PostingNamesRegisteredOfficerAndPlace.violation(missing.message)
                            )
                        ],
                    )
                )
        batch = Batch.decide(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.1.3",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                delegation_id=delegation.id if delegation else None,
                facts={
                    "proposed": len(command.postings),
                    "decided": sum(r.posting_id is not None for r in results),
                },
            ),
            results=results,
            at=now,
        )
        if delegation is None:
            return self.saved(batch)
        delegation.exercise(
            power=Power.COMPULSORY_POSTING,
            case_id=batch.id,
            decided_by=actor.principal.person_id,
            at=now,
        )
        return self.saved(batch, delegation)


def _refusal(violation: Violation) -> Refusal:
    return Refusal(
        rule=violation.rule,
        message=violation.message,
        clause=violation.clause,
        field=violation.field,
        details=dict(violation.details),
    )
