"""The log's integrity, for auditors: verify it now, and sign a checkpoint on demand."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from shared.api.commands import CommandContext, CommandHeaders, Outcome, run_command
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.checkpoints import CheckpointStore
from shared.roles import Role
from shared.runtime import Runtime
from shared.verify import verify_log, write_checkpoint

router = APIRouter(prefix="/audit", tags=["audit"])


def checkpoint_store(runtime: Runtime) -> CheckpointStore:
    return CheckpointStore(Path(runtime.settings.effective_audit_dir))


@router.get("/verify", **guarded(Role.AUDITOR, expensive=True))
def verify(runtime: RuntimeDep) -> dict[str, Any]:
    """Re-hash this service's whole log against its chain and signed checkpoints; the first
    point of divergence, if any."""
    report = verify_log(
        runtime.db.engine,
        runtime.tables,
        checkpoint_store(runtime),
        service=runtime.settings.service_name,
    )
    return report.as_dict()


_CHECKPOINT = guarded(Role.AUDITOR, errors=(422,))
_CHECKPOINT["responses"][200] = {"description": "The log is empty: nothing to sign"}


@router.post("/checkpoints", status_code=201, **_CHECKPOINT)
def checkpoint(runtime: RuntimeDep, caller: Caller, headers: CommandHeaders) -> JSONResponse:
    """Sign a checkpoint of the log as it stands (size and head hash), kept outside the
    database. A repeat with the same Idempotency-Key returns the first checkpoint."""

    def sign(_: CommandContext) -> Outcome:
        signed = write_checkpoint(
            runtime.db.engine,
            runtime.tables,
            checkpoint_store(runtime),
            service=runtime.settings.service_name,
            at=runtime.clock.now(),
        )
        if signed is None:
            return Outcome(200, {"detail": "the log is empty; nothing to sign"})
        return Outcome(201, asdict(signed))

    return run_command(runtime, caller, headers, None, sign)


class Consultation(BaseModel):
    at: datetime
    actor_id: str
    actor_role: str
    officer_id: str
    what: str
    endpoint: str


@router.get(
    "/consultations", response_model=Page[Consultation], **guarded(Role.AUDITOR, errors=(422,))
)
def consultations(
    runtime: RuntimeDep,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=80)] = None,
    actor_id: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[Consultation]:
    """Who read an officer's personal data through this service, when and where (the data
    itself is not kept here)."""
    table = runtime.tables.consultations
    query = select(table)
    if officer_id:
        query = query.where(table.c.officer_id == officer_id)
    if actor_id:
        query = query.where(table.c.actor_id == actor_id)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[table.c.id],
            paging=paging,
            convert=Consultation.model_validate,
        )
