"""Larger-scale migration: a batch of compulsory postings under one common rationale, with
a result per officer (L1800 3.1.3)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.postings.api.access import DELEGATES, DIRECTOR
from services.postings.commands import DecideBatch
from services.postings.commands import ProposedPosting as Proposed
from services.postings.domain.batch import Batch
from shared import lengths
from shared.api.inputs import RequestBody
from shared.api.routes import CommandRoute, QueryRoute, Reading, build_router
from shared.api.schemas import Code, OfficerId, Rationale, Text
from shared.envelope import jsonable
from shared.handling import Command
from shared.roles import Role


class ProposedPosting(RequestBody):
    model_config = ConfigDict(extra="forbid")
    officer_id: OfficerId
    to_location: Code
    likely_posting_date: date
    preferences: list[Code] | None = None
    preferences_not_sought_because: str | None = Field(default=None, max_length=lengths.TEXT)
    travel_justification: str | None = Field(default=None, max_length=lengths.TEXT)
    welfare_consideration: str | None = Field(default=None, max_length=lengths.TEXT)


class BatchIn(RequestBody):
    model_config = ConfigDict(extra="forbid")
    rationale: Rationale
    reasoning_for_officer: Text
    delegation_id: UUID | None = None
    postings: list[ProposedPosting] = Field(min_length=1, max_length=500)


class BatchResult(BaseModel):
    officer_id: str
    posting_id: str | None = None
    refused: list[dict[str, Any]] | None = None


class BatchOut(BaseModel):
    id: str
    rationale: str
    decided_by: str
    results: list[BatchResult]


def batch_view(ctx: Reading, batch_id: UUID) -> BatchOut:
    batch = ctx.runtime.application.load(batch_id, Batch, what="batch")
    return BatchOut(
        id=str(batch.id),
        rationale=batch.rationale,
        decided_by=batch.decided_by,
        results=[BatchResult.model_validate(jsonable(r)) for r in batch.results],
    )


def get_batch(ctx: Reading, batch_id: UUID) -> BatchOut:
    return batch_view(ctx, batch_id)


def _decide(body: BatchIn) -> Command:
    return DecideBatch(
        rationale=body.rationale,
        reasoning_for_officer=body.reasoning_for_officer,
        delegation_id=body.delegation_id,
        postings=[Proposed(**dict(p)) for p in body.postings],
    )


router = build_router(
    prefix="/postings/batches",
    tags=["postings"],
    routes=[
        QueryRoute(
            "/{batch_id}",
            doc="""A batch and each officer's result (HR and auditors: the results concern
            many officers, welfare reasons among them).""",
            roles=(*DIRECTOR, *DELEGATES, Role.AUDITOR),
            read=get_batch,
            response_model=BatchOut,
            errors=(404,),
        ),
        CommandRoute(
            "POST",
            "",
            name="decide_batch",
            doc="""Decide a batch of compulsory postings (desktop selection) under one
            rationale. Each is checked and recorded on its own; the answer gives each
            officer's result.""",
            roles=DIRECTOR,
            delegated=DELEGATES,
            body=BatchIn,
            make=_decide,
            answer=lambda ctx, saved: batch_view(ctx, saved.id),
            response_model=BatchOut,
            created=True,
            location=lambda saved, _: f"/postings/batches/{saved.id}",
            errors=(403, 409, 422, 503),
        ),
    ],
)
