"""Authentication and role checks as FastAPI dependencies. Every endpoint but the health
probes declares the roles it admits; the set is published in OpenAPI as ``x-roles``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.api.edge import authenticate
from shared.api.limits import limit_expensive
from shared.api.problems import error_responses
from shared.identity import Principal
from shared.roles import Role

if TYPE_CHECKING:
    from shared.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="JWT issued for officer-postings")


# The dependencies here only read the request: async, they run on the event loop, where a
# synchronous one is a hop to a worker thread each (ADR 0025).
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated["Runtime", Depends(get_runtime)]


async def _caller(
    request: Request,
    # Documents the bearer scheme in OpenAPI; the edge has verified the token already.
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return authenticate(request)


Caller = Annotated[Principal, Depends(_caller)]


def guarded(
    *roles: Role,
    delegated: Sequence[Role] = (),
    errors: tuple[int, ...] = (),
    expensive: bool = False,
) -> dict[str, Any]:
    """Route options admitting only ``roles`` in their own right (published as
    ``x-roles``) and ``delegated`` roles only under a delegation from the Director of HR
    (``x-roles-by-delegation``); the edge (shared.api.edge.EdgeRoute) admits both before
    anything else, and the handler asks for the delegation. ``expensive`` routes are also
    capped per caller per minute (429 beyond)."""
    dependencies = []
    if expensive:
        dependencies.append(Depends(limit_expensive))
        errors = (*errors, 429)
    extra: dict[str, Any] = {"x-roles": sorted({r.value for r in roles})}
    by_delegation = sorted({r.value for r in delegated if r not in roles})
    if by_delegation:
        extra["x-roles-by-delegation"] = by_delegation
    return {
        "dependencies": dependencies,
        "openapi_extra": extra,
        "responses": error_responses(401, 403, *errors),
    }
