"""Larger-scale migration: a batch of compulsory postings under one common rationale, with
a result per officer (L1800 3.1.3)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.postings.api.access import DELEGATE_ROLES
from services.postings.api.deps import App
from services.postings.application import PostingsApplication
from shared.api.commands import CommandHeaders, command_endpoint
from shared.api.schemas import Code, Rationale, Text
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import Role

router = APIRouter(prefix="/postings/batches", tags=["postings"])


class ProposedPosting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    officer_id: Code
    to_location: Code
    likely_posting_date: date
    preferences: list[Code] | None = None
    preferences_not_sought_because: str | None = Field(default=None, max_length=20_000)
    travel_justification: str | None = Field(default=None, max_length=20_000)
    welfare_consideration: str | None = Field(default=None, max_length=20_000)


class BatchIn(BaseModel):
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


def batch_view(app: PostingsApplication, batch_id: UUID) -> BatchOut:
    batch = app.batch(batch_id)
    return BatchOut(
        id=str(batch.id),
        rationale=batch.rationale,
        decided_by=batch.decided_by,
        results=[BatchResult.model_validate(r) for r in batch.results],
    )


@router.get(
    "/{batch_id}",
    response_model=BatchOut,
    **guarded(*DELEGATE_ROLES, Role.AUDITOR, errors=(404,)),
)
def get_batch(batch_id: UUID, runtime: RuntimeDep, app: App) -> BatchOut:
    """A batch and each officer's result (HR and auditors: the results concern many
    officers, welfare reasons among them)."""
    with runtime.db.unit_of_work(write=False):
        return batch_view(app, batch_id)


@router.post(
    "", status_code=201, response_model=BatchOut, **guarded(*DELEGATE_ROLES, errors=(403, 422, 503))
)
def decide_batch(
    body: BatchIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Decide a batch of compulsory postings (desktop selection) under one rationale. Each
    is checked and recorded on its own; the answer gives each officer's result."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_batch(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            rationale=body.rationale,
            reasoning_for_officer=body.reasoning_for_officer,
            delegation_id=body.delegation_id,
            postings=[p.model_dump() for p in body.postings],
        ),
        lambda _, saved: batch_view(app, saved.id),
        status_code=201,
        location=lambda saved: f"/postings/batches/{saved.id}",
    )
