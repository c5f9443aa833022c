"""The log's integrity, for auditors: verify it now, and sign a checkpoint on demand."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shared.api.commands import CommandContext, CommandHeaders, Outcome, run_command
from shared.api.security import Caller, RuntimeDep, guarded
from shared.checkpoints import CheckpointStore
from shared.roles import Role
from shared.runtime import Runtime
from shared.verify import verify_log, write_checkpoint

router = APIRouter(prefix="/audit", tags=["audit"])


def checkpoint_store(runtime: Runtime) -> CheckpointStore:
    return CheckpointStore(Path(runtime.settings.effective_audit_dir))


@router.get("/verify", **guarded(Role.AUDITOR))
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


@router.post("/checkpoints", status_code=201, **guarded(Role.AUDITOR, errors=(422,)))
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
