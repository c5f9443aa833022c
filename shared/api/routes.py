"""The one route factory: each service's routers are tables of routes, and every endpoint is
built here the same way, so what an endpoint checks before it acts (the caller's role, the
headers of a command, the unit of work) is written once.

- A ``CommandRoute`` turns its input (body and path parameters) into a command, sends it to
  the command's handler (shared.api.commands.dispatch) and answers with the record as
  stored.
- A ``QueryRoute`` runs a read function in a read-only unit of work; a record that carries a
  version answers with its ``ETag``.

FastAPI learns each endpoint's parameters from its signature, so the factory builds that
signature from the route: path parameters, the body model, the read function's own query
parameters, then the request (from which the caller and the runtime are read) and the
command headers."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shared.api.commands import CommandHeaders, RecordCommandHeaders, dispatch, etag
from shared.api.edge import EdgeRoute, authenticate
from shared.api.pagination import Page
from shared.api.security import guarded
from shared.clock import london_date
from shared.handling import Command, Saved
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime


def build(command_type: type[Command], **fixed: Any) -> Callable[..., Command]:
    """A command made of the body's fields, the path parameters and ``fixed`` values, each
    by the name of the command's field."""

    def make(body: BaseModel | None, **path: Any) -> Command:
        values = dict(body) if body is not None else {}
        return command_type(**{**values, **path, **fixed})

    return make


@dataclass(frozen=True)
class Reading:
    """What a read function gets besides its own parameters."""

    session: Session
    caller: Principal
    runtime: Runtime

    @property
    def today(self) -> date:
        return london_date(self.runtime.clock.now())


#: Reads back what a command stored, as the caller may see it.
Answer = Callable[[Reading, Saved], BaseModel]


@dataclass(frozen=True)
class CommandRoute:
    """A state-changing endpoint."""

    method: str
    path: str
    #: The operation's name (its OpenAPI operation id) and description.
    name: str
    doc: str
    roles: Sequence[Role]
    #: Makes the command from the body (or None) and the path parameters.
    make: Callable[..., Command]
    answer: Answer
    response_model: type[Any]
    body: type[BaseModel] | None = None
    path_params: dict[str, Any] = field(default_factory=dict)
    #: The command creates a record: 201, with its ``location`` (given what was saved and
    #: the command) if it can be read there.
    created: bool = False
    location: Callable[[Saved, Any], str] | None = None
    errors: tuple[int, ...] = (404, 409, 422)
    #: Run after the command committed, e.g. a rebuild the change calls for.
    after: Callable[[Runtime], None] | None = None
    #: Roles that act only under a delegation from the Director of HR (L1800 3.1.1,
    #: "or appropriate delegate"), which the command names; ``roles`` act in their own
    #: right.
    delegated: Sequence[Role] = ()
    #: The one existing record the command changes, found from the command: it takes
    #: If-Match, and the answer's ETag is its version. None for a command that creates its
    #: record or acts on none in particular (If-Match is then refused).
    record: Callable[[Any], UUID] | None = None


@dataclass(frozen=True)
class QueryRoute:
    """A read-only endpoint. ``read`` takes a ``Reading`` first, then its own parameters
    (path and query), annotated as FastAPI reads them."""

    path: str
    doc: str
    roles: Sequence[Role]
    read: Callable[..., Any]
    response_model: type[Any] | None
    errors: tuple[int, ...] = ()
    #: Capped per caller per minute (429 beyond).
    expensive: bool = False
    #: Answer with the record's version as ETag (the record has a ``version``).
    tagged: bool = False
    #: The operation's name when it is not the read function's.
    name: str | None = None
    #: Media types of the answer besides JSON (a read function may return a Response).
    media_types: tuple[str, ...] = ()
    #: Read on the event loop, not on a worker thread (ADR 0037): only for a read of a
    #: few rows by an index, asked on every decision, whose hop to a thread and back cost
    #: more than the read. While it runs, the process answers nothing else.
    inline: bool = False


@dataclass(frozen=True)
class Operating:
    """What an operation gets besides its own parameters: no unit of work is opened for it,
    since it runs its own (a sync run, a read that asks other services first)."""

    caller: Principal
    runtime: Runtime
    request: Request


@dataclass(frozen=True)
class OperationRoute:
    """An endpoint that runs a process rather than a command on one record: a sync with the
    HR system, a timeline gathered from the other services. ``run`` takes an
    ``Operating`` first, then its own parameters."""

    method: str
    path: str
    doc: str
    roles: Sequence[Role]
    run: Callable[..., Any]
    response_model: type[Any] | None = None
    status_code: int = 200
    errors: tuple[int, ...] = ()
    expensive: bool = False
    #: Other successful answers it may give, by status, with what each means.
    also_answers: dict[int, str] = field(default_factory=dict)
    #: The answer's class when it is not JSON (a stream of JSON Lines, say): the document
    #: gives its media type as the answer's.
    response_class: type[Response] | None = None


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> Any:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


#: What every endpoint takes besides its own parameters: the request, from which the caller
#: and the service's runtime are read (``_context``). Not as FastAPI dependencies: the edge
#: has verified the caller before FastAPI reads the request, and each dependency cost more
#: of FastAPI's own work per request (its cache key, scopes and call checks, a
#: sub-dependency for the bearer scheme) than reading the two values does. The bearer scheme
#: is still documented on every operation (``shared.api.security.document_bearer``).
_CONTEXT = [_parameter("request", Request)]


def _context(kwargs: dict[str, Any]) -> tuple[Principal, Runtime, Request]:
    """The caller (verified at the edge, before anything else of the request was read, and
    kept on it), the service's runtime and the request, taken out of ``kwargs``."""
    request: Request = kwargs.pop("request")
    runtime: Runtime = request.app.state.runtime
    return authenticate(request), runtime, request


def answered(result: Any, model: type[Any] | None, status_code: int = 200) -> Any:
    """An answer that is exactly the route's response model goes out as that model's JSON
    at once, in the endpoint's own thread. FastAPI would validate it against the same model
    and dump it, after a hop into a thread of its pool for a synchronous endpoint: for the
    timeline's peers answering an empty page, that hop was most of a tenth of their CPU
    (py-spy). Anything else (a subclass, a dict) still goes through FastAPI, which keeps to
    the documented fields."""
    exact = _exactly(result, model)
    if exact is not None:
        return Response(
            exact.model_dump_json(by_alias=True),
            status_code=status_code,
            media_type="application/json",
        )
    return result


def _exactly(result: Any, model: type[Any] | None) -> BaseModel | None:
    """``result`` as an instance of exactly ``model``, taken as it is: an instance of the
    model itself, or a page (``fetch_page`` makes a plain ``Page``) of exactly the items a
    ``Page[Item]`` model lists, as that model. None for anything else."""
    if model is None or not isinstance(result, BaseModel):
        return None
    if type(result) is model:
        return result
    generic = getattr(model, "__pydantic_generic_metadata__", None)
    if type(result) is not Page or not generic or generic["origin"] is not Page:
        return None
    (item,) = generic["args"]
    if not isinstance(item, type) or any(type(one) is not item for one in result.items):
        return None
    made: BaseModel = model.model_construct(
        **{name: getattr(result, name) for name in Page.model_fields}
    )
    return made


def _command_endpoint(route: CommandRoute) -> Callable[..., JSONResponse]:
    def endpoint(**kwargs: Any) -> JSONResponse:
        caller, runtime, _ = _context(kwargs)
        headers = kwargs.pop("headers")
        body = kwargs.pop("body", None)
        command = route.make(body, **kwargs)
        where = route.location
        response = dispatch(
            runtime,
            caller,
            headers,
            body,
            command,
            lambda session, saved: route.answer(Reading(session, caller, runtime), saved),
            record=route.record(command) if route.record else None,
            status_code=201 if route.created else 200,
            location=(lambda saved: where(saved, command)) if where else None,
        )
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        if route.after is not None and response.status_code < 300 and not replayed:
            route.after(runtime)
        return response

    parameters = [_parameter(name, kind) for name, kind in route.path_params.items()]
    if route.body is not None:
        parameters.append(_parameter("body", route.body))
    headers = RecordCommandHeaders if route.record else CommandHeaders
    parameters += [*_CONTEXT, _parameter("headers", headers)]
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = route.name
    endpoint.__doc__ = inspect.cleandoc(route.doc)
    return endpoint


def _query_endpoint(route: QueryRoute) -> Callable[..., Any]:
    hints = typing.get_type_hints(route.read, include_extras=True)
    own = list(inspect.signature(route.read).parameters.values())[1:]

    def read(**kwargs: Any) -> Any:
        caller, runtime, _ = _context(kwargs)
        with runtime.db.unit_of_work(write=False) as session:
            result = route.read(Reading(session, caller, runtime), **kwargs)
        if isinstance(result, Response):
            return result
        if route.tagged:
            return JSONResponse(
                result.model_dump(mode="json"), headers={"ETag": etag(result.version)}
            )
        return answered(result, route.response_model)

    # FastAPI runs a coroutine function's endpoint on the event loop, and any other on a
    # worker thread of its pool.
    async def on_the_loop(**kwargs: Any) -> Any:
        return read(**kwargs)

    endpoint: Callable[..., Any] = on_the_loop if route.inline else read
    parameters = [
        _parameter(p.name, hints.get(p.name, p.annotation), p.default) for p in own
    ] + _CONTEXT
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = route.name or route.read.__name__
    endpoint.__doc__ = inspect.cleandoc(route.doc)
    return endpoint


def _operation_endpoint(route: OperationRoute) -> Callable[..., Any]:
    hints = typing.get_type_hints(route.run, include_extras=True)
    own = list(inspect.signature(route.run).parameters.values())[1:]

    def endpoint(**kwargs: Any) -> Any:
        context = Operating(*_context(kwargs))
        return answered(route.run(context, **kwargs), route.response_model, route.status_code)

    parameters = [
        _parameter(p.name, hints.get(p.name, p.annotation), p.default) for p in own
    ] + _CONTEXT
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = route.run.__name__
    endpoint.__doc__ = inspect.cleandoc(route.doc)
    return endpoint


def build_router(
    *,
    prefix: str = "",
    tags: list[str],
    routes: Sequence[CommandRoute | QueryRoute | OperationRoute],
) -> APIRouter:
    """The router for a table of routes, in the table's order (FastAPI matches in order, so
    a fixed path such as ``/monitoring`` comes before ``/{appeal_id}``)."""
    router = APIRouter(prefix=prefix, tags=list(tags), route_class=EdgeRoute)
    for route in routes:
        if isinstance(route, CommandRoute):
            router.add_api_route(
                route.path,
                _command_endpoint(route),
                methods=[route.method],
                status_code=201 if route.created else 200,
                response_model=route.response_model,
                **guarded(*route.roles, delegated=route.delegated, errors=route.errors),
            )
        elif isinstance(route, OperationRoute):
            options = guarded(*route.roles, errors=route.errors, expensive=route.expensive)
            for status, meaning in route.also_answers.items():
                options["responses"][status] = {"description": meaning}
            if route.response_class is not None:
                options["response_class"] = route.response_class
            router.add_api_route(
                route.path,
                _operation_endpoint(route),
                methods=[route.method],
                status_code=route.status_code,
                response_model=route.response_model,
                **options,
            )
        else:
            options = guarded(*route.roles, errors=route.errors, expensive=route.expensive)
            if route.media_types:
                options["responses"][200] = {
                    "description": "The answer as JSON, or as " + ", ".join(route.media_types),
                    "content": {"application/json": {}, **{m: {} for m in route.media_types}},
                }
            router.add_api_route(
                route.path,
                _query_endpoint(route),
                methods=["GET"],
                response_model=route.response_model,
                **options,
            )
    return router
