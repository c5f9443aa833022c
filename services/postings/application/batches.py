"""Larger-scale migration (L1800 3.1.3): a batch of compulsory postings under one common
rationale. Each posting is checked and recorded on its own; a refused one stores nothing
and is reported with every reason, and the rest stand."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.postings.application.postings import PostingCommands
from services.postings.application.saved import Saved
from services.postings.domain.batch import Batch
from services.postings.domain.kinds import Power
from shared.errors import NotFound, RulesBroken
from shared.identity import Principal
from shared.ledger import decided_by


class BatchCommands(PostingCommands):
    def decide_batch(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        rationale: str,
        reasoning_for_officer: str,
        postings: list[dict[str, Any]],
        delegation_id: UUID | None = None,
    ) -> Saved:
        # The delegation relied on, if any: the Director of HR relies on none.
        delegation = self.authorise(principal, Power.COMPULSORY_POSTING, delegation_id)
        results: list[dict[str, Any]] = []
        for proposed in postings:
            result: dict[str, Any] = {"officer_id": proposed["officer_id"]}
            try:
                saved = self.decide_compulsory(
                    principal=principal,
                    correlation_id=correlation_id,
                    rationale=rationale,
                    reasoning_for_officer=reasoning_for_officer,
                    delegation_id=delegation_id,
                    **proposed,
                )
                result["posting_id"] = str(saved.id)
            except RulesBroken as refused:
                result["refused"] = [v.as_dict() for v in refused.violations]
            except NotFound as missing:
                result["refused"] = [{"rule": "MustExist", "message": missing.message}]
            results.append(result)
        batch = Batch.decide(
            decision=decided_by(
                principal,
                clause="L1800 3.1.3",
                rationale=rationale,
                correlation_id=correlation_id,
                delegation_id=delegation,
                facts={
                    "proposed": len(postings),
                    "decided": sum("posting_id" in r for r in results),
                },
            ),
            results=results,
            at=self.clock.now(),
        )
        return self._saved(batch)

    def batch(self, batch_id: UUID) -> Batch:
        return self.load(batch_id, Batch, what="batch")
