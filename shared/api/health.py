"""Liveness and readiness probes: open to all, they reveal nothing but up or down."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from shared.api.problems import error_responses
from shared.migrate import current_revision, head_revision

if TYPE_CHECKING:
    from shared.runtime import Runtime

router = APIRouter(tags=["health"])


# Async: it only reads the request, and runs on the event loop, where a synchronous
# dependency is a hop to a worker thread (ADR 0025).
async def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated["Runtime", Depends(_runtime)]


@router.get("/healthz")
def healthz(runtime: RuntimeDep) -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok", "service": runtime.settings.service_name}


@router.get("/readyz", responses=error_responses(503))
def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Ready when the database answers and its migrations are at head."""
    name = runtime.settings.service_name
    try:
        current = current_revision(runtime.db.engine)
    except Exception as exc:  # any driver error means: not ready
        return _not_ready(name, f"database unreachable: {type(exc).__name__}")
    head = head_revision(name)
    if current != head:
        return _not_ready(name, f"migrations at {current}, head is {head}")
    return JSONResponse({"status": "ready", "service": name, "revision": current})


def _not_ready(service: str, detail: str) -> JSONResponse:
    return JSONResponse(
        {
            "type": "/problems/not-ready",
            "title": "Service Unavailable",
            "status": 503,
            "detail": detail,
            "service": service,
        },
        status_code=503,
        media_type="application/problem+json",
    )
