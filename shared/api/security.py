"""The roles a route admits, and how the bearer token is documented. Every endpoint but the
health probes declares the roles it admits; the set is published in OpenAPI as ``x-roles``,
and the edge (``shared.api.edge``) checks the token and the role before anything else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Depends

from shared.api.limits import limit_expensive
from shared.api.problems import error_responses
from shared.roles import Role

#: The bearer scheme as OpenAPI documents it (every operation but the health probes).
BEARER = "HTTPBearer"
_BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "JWT issued for officer-postings",
}


def document_bearer(schema: dict[str, Any]) -> None:
    """The bearer scheme in an OpenAPI document, and on each operation that admits roles,
    in their own right or by delegation (all but the health probes): the edge asks every
    such request for a bearer token
    (``shared.api.edge.authenticate``) before anything else."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER] = dict(_BEARER_SCHEME)
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and (
                operation.get("x-roles") or operation.get("x-roles-by-delegation")
            ):
                operation["security"] = [{BEARER: []}]


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
