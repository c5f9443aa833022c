"""RFC 9457 problem details for every error, naming the field or rule at fault. A broken
rule or bad input is never a 500."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.api.paths import allowed_methods
from shared.errors import (
    ConcurrentChange,
    Conflict,
    DomainError,
    NotFound,
    NotPermitted,
    NotYetKnown,
    PeerRefused,
    RulesBroken,
    Unavailable,
)
from shared.identity import InvalidToken

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class ApiProblem(Exception):
    """A problem raised by the HTTP layer itself (bad header, missing token...)."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class BodyTooLarge(Exception):
    """The body passed the size limit as it was read (shared.api.edge.BodyLimit)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


def problem_response(
    request: Request,
    status: int,
    slug: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        # Relative URI reference (RFC 9457 3.1.1), resolved against the API's own base.
        "type": f"/problems/{slug}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        # A detail that names every field at fault is cut short; errors lists them.
        "detail": detail if len(detail) <= MAX_DETAIL else detail[: MAX_DETAIL - 1] + "…",
        "instance": request.url.path,
    }
    body.update({k: v for k, v in extensions.items() if v is not None})
    errors = body.get("errors")
    if isinstance(errors, list) and len(errors) > MAX_LISTED_ERRORS:
        # A refusal stays small whatever was sent: the first are named, the rest counted.
        body["errors"] = errors[:MAX_LISTED_ERRORS]
        body["errors_not_listed"] = len(errors) - MAX_LISTED_ERRORS
    return JSONResponse(
        _storable(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


#: How many of a refusal's errors are named; the rest are counted.
MAX_LISTED_ERRORS = 50
MAX_DETAIL = 1000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """A problem echoes what was sent (its path, a field's name): what cannot be stored or
    sent as UTF-8 (NUL, a lone surrogate) is shown as U+FFFD, as the document promises, and
    no text in it is longer than a detail, however long what was sent (a field named with
    a million characters, a path as long as the server reads)."""
    if isinstance(value, str):
        if len(value) > MAX_DETAIL:
            value = value[: MAX_DETAIL - 1] + "…"
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(e.get("loc", ())), "message": e.get("msg", ""), "type": e["type"]}
            for e in exc.errors()
        ]
        fields = ", ".join(e["field"] for e in errors)
        return problem_response(
            request, 422, "invalid-request", f"the request is not valid: {fields}", errors=errors
        )

    @app.exception_handler(RulesBroken)
    async def _rules_broken(request: Request, exc: RulesBroken) -> JSONResponse:
        violations = [v.as_dict() for v in exc.violations]
        return problem_response(
            request,
            422,
            "rule-broken",
            exc.message,
            rule=exc.violations[0].rule,
            clause=exc.violations[0].clause,
            violations=violations,
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, NotFound):
            return problem_response(request, 404, "not-found", exc.message)
        if isinstance(exc, NotPermitted):
            first = exc.violations[0] if exc.violations else None
            return problem_response(
                request,
                403,
                "forbidden",
                exc.message,
                rule=first.rule if first else None,
                clause=first.clause if first else None,
                violations=[v.as_dict() for v in exc.violations] or None,
            )
        if isinstance(exc, Conflict):
            first = exc.violations[0] if exc.violations else None
            return problem_response(
                request,
                409,
                "conflict",
                exc.message,
                # A record that kept changing may be tried again; a rule's refusal stands.
                headers={"Retry-After": "1"} if isinstance(exc, ConcurrentChange) else None,
                current_version=exc.current_version,
                rule=first.rule if first else None,
                clause=first.clause if first else None,
                violations=[v.as_dict() for v in exc.violations] or None,
            )
        if isinstance(exc, NotYetKnown):
            return problem_response(
                request, 409, "not-yet-known", exc.message, headers={"Retry-After": "2"}
            )
        if isinstance(exc, PeerRefused):
            return problem_response(
                request,
                exc.status,
                "refused-by-peer",
                exc.message,
                service=exc.service,
                peer_problem=exc.problem,
            )
        if isinstance(exc, Unavailable):
            return problem_response(
                request,
                503,
                "dependency-unavailable",
                exc.message,
                headers={"Retry-After": "5"},
                service=exc.service,
            )
        return problem_response(request, 422, "refused", exc.message)

    @app.exception_handler(InvalidToken)
    async def _invalid_token(request: Request, exc: InvalidToken) -> JSONResponse:
        return problem_response(
            request,
            401,
            "unauthenticated",
            str(exc),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.slug, exc.detail, headers=exc.headers, **exc.extensions
        )

    @app.exception_handler(BodyTooLarge)
    async def _body_too_large(request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem_response(
            request, 413, "body-too-large", str(exc), headers={"Connection": "close"}
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # The app's paths are without the root path it may be served under.
            headers["Allow"] = allowed_methods(request.app, get_route_path(request.scope))
        return problem_response(
            request,
            exc.status_code,
            HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-"),
            str(exc.detail),
            headers=headers or None,
        )

    @app.exception_handler(SQLAlchemyOperationalError)
    @app.exception_handler(StoreOperationalError)
    @app.exception_handler(StoreInterfaceError)
    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        if _cancelled(exc):
            # Reached, but the statement was stopped before it finished: a time limit the
            # operator set (statement_timeout, lock_timeout), or an operator's cancel.
            log.warning("database cancelled %s %s: %s", request.method, request.url.path, exc)
            return problem_response(
                request,
                503,
                "database-timeout",
                "the database stopped the request's statement before it finished (a time "
                "limit, or an operator); nothing was stored, retry shortly",
                headers={"Retry-After": "2"},
            )
        # The database went away mid-request: nothing was committed, the caller may retry.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem_response(
            request,
            503,
            "database-unavailable",
            "the database cannot be reached; nothing was stored, retry shortly",
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug, not a user's error: log it in full, tell the caller nothing internal.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # The error goes on to the server after this answer (Starlette raises it again), and
        # uvicorn then closes the connection: said here, so that a client sends its next
        # request on a new one rather than lose it on this one (found by the outside tester).
        return problem_response(
            request,
            500,
            "internal-error",
            "an unexpected error occurred",
            headers={"Connection": "close"},
        )


#: PostgreSQL's codes for a statement stopped before it finished: query_canceled (a
#: statement_timeout, or a cancel) and lock_not_available (a lock_timeout).
_CANCELLED = frozenset({"57014", "55P03"})


def _cancelled(exc: BaseException) -> bool:
    """Whether the driver's error under ``exc`` (SQLAlchemy's ``orig``, or the cause the
    event store raised from) says the statement was stopped, not the database lost."""
    found: BaseException | None = exc
    for _ in range(3):  # the error itself, what it wraps, and what that was raised from
        if found is None:
            return False
        if getattr(found, "sqlstate", None) in _CANCELLED:
            return True
        found = getattr(found, "orig", None) or found.__cause__
    return False


def problem_schema() -> dict[str, Any]:
    return {
        "content": {
            PROBLEM_JSON: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "rule": {"type": "string"},
                        "clause": {"type": "string"},
                        "violations": {"type": "array", "items": {"type": "object"}},
                        "errors": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["type", "title", "status", "detail"],
                }
            }
        }
    }


ERROR_DESCRIPTIONS = {
    400: "The body cannot be parsed: not UTF-8 JSON, nested too deep, a number too long, or a"
    " field named twice in one object",
    401: "Missing, invalid or expired bearer token",
    403: "The caller's role (or ownership) does not allow this",
    404: "Not found",
    409: "Stale If-Match version or a concurrent change",
    413: "Request body too large",
    415: "The body is not JSON (send Content-Type: application/json)",
    422: "Invalid input, or refused by a rule (the rule and clause are named)",
    412: "If-Match names a version of a record that is not there",
    428: "A precondition header is required",
    429: "Too many expensive queries from this caller this minute; see Retry-After",
    503: "A service or database this needs cannot answer now; retry later",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"description": ERROR_DESCRIPTIONS[status], **problem_schema()}
        for status in statuses
    }
