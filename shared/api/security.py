"""Authentication and role checks as FastAPI dependencies. Every endpoint but the health
probes declares the roles it admits; the set is published in OpenAPI as ``x-roles``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.api.limits import limit_expensive
from shared.api.problems import ApiProblem, error_responses
from shared.identity import InvalidToken, Principal
from shared.roles import Role

if TYPE_CHECKING:
    from shared.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="JWT issued for officer-postings")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated["Runtime", Depends(get_runtime)]


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken("a bearer token is required")
    runtime = get_runtime(request)
    principal = runtime.verifier.verify(credentials.credentials)
    # Kept on the request so the consultation log knows who read what.
    request.state.principal = principal
    return principal


Caller = Annotated[Principal, Depends(authenticate)]


def guarded(*roles: Role, errors: tuple[int, ...] = (), expensive: bool = False) -> dict[str, Any]:
    """Route options admitting only ``roles``: the check, and its OpenAPI documentation.
    ``expensive`` routes are also capped per caller per minute (429 beyond)."""
    allowed = frozenset(roles)

    def _check(caller: Caller) -> None:
        if caller.role not in allowed:
            raise ApiProblem(
                403,
                "forbidden",
                f"role {caller.role.value!r} may not do this",
                allowed_roles=sorted(r.value for r in allowed),
            )

    dependencies = [Depends(_check)]
    if expensive:
        dependencies.append(Depends(limit_expensive))
        errors = (*errors, 429)
    return {
        "dependencies": dependencies,
        "openapi_extra": {"x-roles": sorted(r.value for r in allowed)},
        "responses": error_responses(401, 403, *errors),
    }
