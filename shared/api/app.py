"""Builds a service's FastAPI app around its runtime: problems, CORS, probes, feed, and the
roles of every endpoint written into its OpenAPI description."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import _DefaultLifespan

from shared.api import audit, audit_export, audit_trail, feed, health, retention
from shared.api.consulting import ConsultationLog
from shared.api.edge import MAX_DIGITS, BodyLimit
from shared.api.limits import ExpensiveQueries
from shared.api.problems import error_responses, install_problem_handlers, problem_schema
from shared.api.schemas import without_null
from shared.api.security import document_bearer
from shared.runtime import Runtime


def build_api(
    runtime: Runtime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    start_followers: bool = True,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_followers:
            runtime.start()
        try:
            yield
        finally:
            runtime.stop()

    # No redirect from a path with a trailing slash to one without: a client is told the
    # path is not there (404) rather than sent an undocumented 307.
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        redirect_slashes=False,
        # The services export no traces, metrics or logs through OpenTelemetry; FastAPI's
        # own telemetry asked OpenTelemetry's global providers (and the environment) on
        # every request whether any had been set up: 6% of the event loop's time on ROI's
        # answer to the question before every decision (py-spy, in process).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.runtime = runtime
    app.dependency_overrides = NoDependencyOverrides()
    app.state.expensive_queries = ExpensiveQueries(runtime.settings.expensive_queries_per_minute)
    install_problem_handlers(app)

    # Innermost of the middlewares: it sees the answer the route gave.
    app.add_middleware(ConsultationLog, runtime=runtime)
    # Outermost: a body too large is refused before anything else reads it.
    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_body_bytes)
    if runtime.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=runtime.settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
            expose_headers=["ETag", "Location"],
        )

    for router in (
        health.router,
        feed.router,
        audit.router,
        audit_export.router,
        audit_trail.router,
        retention.router,
        *routers,
    ):
        _serve(app, router)
    _document_operations(app, page_size_max=runtime.settings.page_size_max)
    return app


def _serve(app: FastAPI, router: APIRouter) -> None:
    """The router's routes in the app's own list. ``include_router`` keeps a router whole,
    and FastAPI then matches a request against its routes through a wrapper that keeps
    bookkeeping in the scope for every route it tries, twice over: 60 to 100 µs for a route
    near the end of postings' 87 (issue 18). Our routers give each route its prefix, tags,
    answers and dependencies when it is made, and have no handlers of their own to run at
    startup, so nothing ``include_router`` would add is lost. What it would add and this
    does not: the app's dependency overrides (refused, ``NoDependencyOverrides``), and a
    route added to the router after the app is built (none is)."""
    if (
        router.on_startup
        or router.on_shutdown
        or not isinstance(router.lifespan_context, _DefaultLifespan)
    ):
        raise RuntimeError("a router with startup, shutdown or lifespan handlers is included")
    app.router.routes.extend(router.routes)


class NoDependencyOverrides(dict[Any, Any]):
    """``app.dependency_overrides``, refusing any: the routes are the routers' own
    (``_serve``), made without the app, so an override would be ignored without a word.
    An app is built from settings instead (tests included)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(_NOT_SERVED)

    def update(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(_NOT_SERVED)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        raise TypeError(_NOT_SERVED)


_NOT_SERVED = "dependency overrides are not served: build the app from settings"


def _errors_are_problems(operation: dict[str, Any]) -> None:
    """Every error answer is an RFC 9457 problem (see problems.py), including the 422 that
    FastAPI documents on its own as a plain JSON list of validation errors; and the edge's
    own answers (shared.api.edge) are documented on every operation they can come from."""
    responses = operation.setdefault("responses", {})
    # Any request may carry a query the edge refuses (422) or declare a body over the
    # limit (413), whether or not the operation reads one.
    edge = [413, 422]
    if "requestBody" in operation:
        edge += [400, 415]
    if any(p.get("name") == "If-Match" for p in operation.get("parameters", [])):
        edge.append(412)
    for status, documented in error_responses(*edge).items():
        responses.setdefault(str(status), documented)
    for status, response in responses.items():
        if str(status)[0] in "45":
            response["content"] = problem_schema()["content"]


#: Text the edge refuses (shared.api.edge): NUL cannot be stored. Documented on every string
#: that has no pattern of its own (those that have one admit no NUL already).
NO_NUL = r"^[^\x00]*$"
MAX_INTEGER = 10**MAX_DIGITS - 1


def _never_null_on_the_wire(parameter: dict[str, Any]) -> None:
    """A header, query or path parameter is sent or not; it is never null. FastAPI documents
    an optional one as "string or null", which tells a client that ``null`` is a value."""
    without_null(parameter.get("schema", {}))


def _storable_text(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(node):
            node["pattern"] = NO_NUL
        if node.get("type") == "integer":
            # The edge reads no number of more than 30 digits (shared.api.edge).
            node.setdefault("maximum", MAX_INTEGER)
            node.setdefault("minimum", -MAX_INTEGER)
        if node.get("type") == "object" and node.get("additionalProperties", True) is not False:
            # An object's own names are text too: a key with NUL is refused like a value.
            node.setdefault("propertyNames", {"pattern": NO_NUL})
        for value in node.values():
            _storable_text(value)
    elif isinstance(node, list):
        for value in node:
            _storable_text(value)


def _document_operations(app: FastAPI, *, page_size_max: int) -> None:
    """Write each operation's roles (``x-roles``) into its description, its error answers
    as problems, and the page-size cap of every list, when the OpenAPI document is first
    generated; routers are shared between apps, so routes stay untouched."""
    generate = app.openapi

    def openapi_with_roles() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict):
                    continue
                roles = operation.get("x-roles")
                if roles:
                    text = operation.get("description", "")
                    text = f"{text}\n\n**Roles:** {', '.join(roles)}".strip()
                    delegated = operation.get("x-roles-by-delegation")
                    if delegated:
                        text += (
                            "\n\n**Only under a delegation from the Director of HR** (naming"
                            f" it in `delegation_id`): {', '.join(delegated)}"
                        )
                    operation["description"] = text
                _errors_are_problems(operation)
                for parameter in operation.get("parameters", []):
                    _never_null_on_the_wire(parameter)
                    if parameter.get("in") == "query" and parameter.get("name") == "limit":
                        # A list's page size capped by the settings; a feed's has its own.
                        parameter["schema"].setdefault("maximum", page_size_max)
        document_bearer(schema)
        _storable_text(schema)
        return schema

    app.openapi = openapi_with_roles  # type: ignore[method-assign]
