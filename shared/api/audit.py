"""The log's integrity, for auditors: verify it now, and sign a checkpoint on demand."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from shared import lengths
from shared.api.commands import CommandContext, CommandHeaders, Outcome, run_command
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import Operating, OperationRoute, QueryRoute, Reading, build_router
from shared.checkpoints import CheckpointStore
from shared.roles import Role
from shared.runtime import Runtime
from shared.verify import verify_log, write_checkpoint


def checkpoint_store(runtime: Runtime) -> CheckpointStore:
    return CheckpointStore(Path(runtime.settings.effective_audit_dir))


def verify(ctx: Operating) -> dict[str, Any]:
    runtime = ctx.runtime
    report = verify_log(
        runtime.db.engine,
        runtime.tables,
        checkpoint_store(runtime),
        service=runtime.settings.service_name,
    )
    return report.as_dict()


def checkpoint(ctx: Operating, headers: CommandHeaders) -> JSONResponse:
    runtime = ctx.runtime

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

    return run_command(runtime, ctx.caller, headers, None, sign)


class Consultation(BaseModel):
    at: datetime
    actor_id: str
    actor_role: str
    officer_id: str
    what: str
    endpoint: str


def consultations(
    ctx: Reading,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=lengths.OFFICER_ID)] = None,
    actor_id: Annotated[str | None, Query(max_length=lengths.SUBJECT)] = None,
) -> Page[Consultation]:
    table = ctx.runtime.tables.consultations
    query = select(table)
    if officer_id:
        query = query.where(table.c.officer_id == officer_id)
    if actor_id:
        query = query.where(table.c.actor_id == actor_id)
    return fetch_page(
        ctx.session,
        query,
        order_by=[table.c.id],
        paging=paging,
        convert=Consultation.model_validate,
    )


router = build_router(
    prefix="/audit",
    tags=["audit"],
    routes=[
        OperationRoute(
            "GET",
            "/verify",
            doc="""Re-hash this service's whole log against its chain and signed checkpoints;
            the first point of divergence, if any.""",
            roles=(Role.AUDITOR,),
            run=verify,
            expensive=True,
        ),
        OperationRoute(
            "POST",
            "/checkpoints",
            doc="""Sign a checkpoint of the log as it stands (size and head hash), kept
            outside the database; 200 when the log is empty and there is nothing to sign. A
            repeat with the same Idempotency-Key returns the first checkpoint.""",
            roles=(Role.AUDITOR,),
            run=checkpoint,
            status_code=201,
            errors=(422,),
            also_answers={200: "The log is empty: nothing to sign"},
        ),
        QueryRoute(
            "/consultations",
            doc="""Who read an officer's personal data through this service, when and where
            (the data itself is not kept here).""",
            roles=(Role.AUDITOR,),
            read=consultations,
            response_model=Page[Consultation],
            errors=(422,),
        ),
    ],
)
