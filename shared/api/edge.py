"""What every endpoint checks before FastAPI reads its request, once for all endpoints and in
this order, so that no endpoint can forget one (OWASP API1-API4):

1. the body's size (``BodyLimit``, an ASGI middleware): 413, at once for a Content-Length
   past the limit, and for a chunked body as it is read past it (a refused caller's body
   is never read);
2. who calls: the bearer token and its claims (shared.identity), before anything of the
   request is read: 401;
3. whether their role may use the operation, and for an officer, that a record named in
   the path is their own: 403, before any rule runs or any fact is gathered;
4. text that no database can store (NUL, lone surrogates) in path and query parameters,
   and a header that names one thing (If-Match, Idempotency-Key) sent twice: 422 naming
   the parameter or header;
5. the body as JSON within limits (UTF-8, nesting depth, digits of a number, finite
   numbers): 400 saying what failed and where; then its text checked as in 4: 422 naming
   the field. An operation that takes no body refuses one with something in it (422), as
   it would otherwise be ignored.

Only then does FastAPI validate parameters and body against the operation's schemas."""

from __future__ import annotations

import email.message
import functools
import json
import math
import re
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import forms, lengths
from shared.api.paths import claimed_by_a_more_literal_path
from shared.api.problems import PROBLEM_JSON, ApiProblem, BodyTooLarge
from shared.errors import Violation
from shared.identity import InvalidToken, Principal
from shared.refusals import keep
from shared.roles import Role
from shared.rules.l1_2_3_compliance import ActsOnlyInARoleGivenThePower
from shared.rules.l1_data_security import OfficersActOnTheirOwnRecordsOnly

#: Deeper than any body this API takes (three or four levels), far below what the parser
#: could be made to recurse through.
MAX_DEPTH = 32
#: Digits in a JSON number: more than any count, version or coordinate needs, and far below
#: what Python's int() refuses to convert (4,300).
MAX_DIGITS = 30

#: What no column can hold: PostgreSQL refuses NUL in text, and a lone surrogate is not a
#: character of any encoding.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


class BodyLimit:
    """Refuses a body larger than the limit as it arrives: at once when Content-Length says
    so, and otherwise as soon as the bytes read pass it (a chunked body has no length)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _send_problem(
                scope, send, 413, "body-too-large", str(BodyTooLarge(self.max_bytes))
            )
            return
        received = 0
        # Shared by every copy of the scope made further in, where the edge reads it.
        passed: dict[str, int] = {}
        scope[_TOO_LARGE] = passed

        async def counted() -> Message:
            nonlocal received
            if passed:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Read no further: to whoever reads, the body ends here; the edge then
                    # answers 413 (raising here would cross the middlewares in between).
                    passed["limit"] = self.max_bytes
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)


#: Set in the request's scope when its body passed the limit as it was read.
_TOO_LARGE = "officer_postings.body_too_large"


async def _send_problem(scope: Scope, send: Send, status: int, slug: str, detail: str) -> None:
    from http import HTTPStatus

    body = json.dumps(
        {
            "type": f"/problems/{slug}",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is not read: the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- the body, parsed within limits ------------------------------------------------------


class _Number:
    """A number the parser met but did not convert: too many digits, or not finite."""

    def __init__(self, text: str, why: str) -> None:
        self.text = text
        self.why = why


def _int(text: str) -> int | _Number:
    if len(text.lstrip("-")) > MAX_DIGITS:
        return _Number(text, f"a number of more than {MAX_DIGITS} digits")
    return int(text)


def _float(text: str) -> float | _Number:
    if len(text) > MAX_DIGITS + 10:
        return _Number(text, f"a number of more than {MAX_DIGITS} digits")
    value = float(text)
    if not math.isfinite(value):
        return _Number(text, "a number too large to hold")
    return value


def _constant(text: str) -> _Number:
    # JSON has no NaN or Infinity; Python's parser accepts them unless told otherwise.
    return _Number(text, f"{text} is not a JSON number")


def _unparseable(detail: str, *, field: str, kind: str, message: str) -> ApiProblem:
    return ApiProblem(
        400,
        "unparseable-body",
        detail,
        errors=[{"field": field, "message": message, "type": kind}],
    )


def parse_body(raw: bytes) -> Any:
    """The body as JSON, or a 400 problem naming what failed (and where, when it is in a
    field), or a 422 naming a field whose text cannot be stored."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _unparseable(
            "the body is not UTF-8",
            field="body",
            kind="not_utf8",
            message=f"byte {exc.start} is not UTF-8",
        ) from None
    try:
        value = json.loads(
            text,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_once_each,
        )
    except json.JSONDecodeError as exc:
        raise _unparseable(
            f"the body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            field="body",
            kind="json_invalid",
            message=f"{exc.msg} (line {exc.lineno}, column {exc.colno})",
        ) from None
    except RecursionError:
        raise _too_deep("body") from None
    _check_tree(value)
    return value


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object names each field once: with two, which one a reader keeps is a guess
    (RFC 8259 4), so the body is refused rather than read as one of them."""
    value = dict(pairs)
    if len(value) != len(pairs):
        names = [name for name, _ in pairs]
        twice = next(name for n, name in enumerate(names) if name in names[:n])
        raise _unparseable(
            f"the body names {twice!r} twice in one object",
            field="body",
            kind="duplicate_key",
            message=f"{twice!r} is named twice",
        )
    return value


def _too_deep(field: str) -> ApiProblem:
    return _unparseable(
        f"the body is nested more than {MAX_DEPTH} deep",
        field=field,
        kind="too_deep",
        message=f"nested more than {MAX_DEPTH} deep",
    )


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, Any, int]]:
    """Every node of a parsed body with its path (``body.postings.0.officer_id``)."""
    stack = [(path, value, depth)]
    while stack:
        path, node, depth = stack.pop()
        yield path, node, depth
        if isinstance(node, dict):
            stack.extend((f"{path}.{key}", item, depth + 1) for key, item in node.items())
        elif isinstance(node, list):
            stack.extend((f"{path}.{i}", item, depth + 1) for i, item in enumerate(node))


def _field_holding(path: str) -> str:
    """The field a path runs down from: ``body.name.a`` for ``body.name.a.0.0.0``."""
    parts = path.split(".")
    while len(parts) > 1 and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts)


def _check_tree(value: Any) -> None:
    unstored = []
    for path, node, depth in _walk(value, "body", 0):
        if depth > MAX_DEPTH:
            raise _too_deep(_field_holding(path))
        if isinstance(node, _Number):
            raise _unparseable(
                f"{path} holds {node.why}",
                field=path,
                kind="number_out_of_range",
                message=node.why,
            )
        if isinstance(node, dict):
            unstored += [f"{path}.{key!r}" for key in node if unstorable(key)]
        if isinstance(node, str) and unstorable(node):
            unstored.append(path)
    if unstored:
        raise unstorable_problem(sorted(unstored))


def unstorable_problem(fields: list[str]) -> ApiProblem:
    message = "contains a NUL character or a lone surrogate, which cannot be stored"
    return ApiProblem(
        422,
        "invalid-request",
        f"the request is not valid: {', '.join(fields)}",
        errors=[{"field": f, "message": message, "type": "unstorable_text"} for f in fields],
    )


def _is_json(request: Request) -> bool:
    content_type = request.headers.get("content-type")
    if not content_type:
        return False
    return _names_json(content_type)


@functools.lru_cache(maxsize=64)
def _names_json(content_type: str) -> bool:
    # Parsed once per header value: a client sends the same one with every request.
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    # JSON is UTF-8 (RFC 8259 8.1): a body said to be in another charset is not read as one.
    charset = message.get_param("charset")
    if isinstance(charset, str) and charset.strip().lower() not in ("utf-8", "utf8"):
        return False
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


async def _whole_body(request: Request) -> bytes:
    """The body as sent, or the problem that stopped it: 413 when ``BodyLimit`` cut it off
    past the limit, 400 when the caller went away before sending it all."""
    try:
        return await request.body()
    except ClientDisconnect:
        passed = request.scope.get(_TOO_LARGE) or {}
        if "limit" in passed:
            raise BodyTooLarge(passed["limit"]) from None
        # The caller went away mid-body: no one is left to answer.
        raise ApiProblem(400, "client-disconnected", "the body was not sent in full") from None


#: What JSON counts as whitespace (RFC 8259 2), and nothing else Python would strip.
_JSON_WHITESPACE = b" \t\r\n"


async def _carries_something(request: Request) -> bool:
    """A body sent to an operation that takes none, other than an empty one (``{}`` or
    ``null`` however spaced, which some clients send with every POST and which say nothing).
    It is read whole first, so that one past the limit is a 413 and nothing runs."""
    if "content-length" not in request.headers and "transfer-encoding" not in request.headers:
        return False  # a request without either has no body (RFC 9112 6.3)
    raw = await _whole_body(request)
    if not raw.strip(_JSON_WHITESPACE):
        return False
    try:
        # Only whether it says nothing: a body that is not JSON at all says something.
        # As parse_body reads it: UTF-8, no byte-order mark (RFC 8259 8.1).
        return json.loads(raw.decode("utf-8")) not in ({}, None)
    except (ValueError, RecursionError):
        return True


# -- the route every endpoint is built on ------------------------------------------------


def authenticate(request: Request) -> Principal:
    """The caller, from their bearer token: verified once per request, before anything else
    of the request is read, and kept on it (the consultation log knows who read what)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None:
        return principal
    given = request.headers.getlist("authorization")
    if len(given) > 1:
        # Which one would be meant? Neither is taken (RFC 9110 5.3: not a list header).
        raise InvalidToken("send one Authorization header")
    scheme, _, token = (given[0] if given else "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("a bearer token is required")
    principal = request.app.state.runtime.verifier.verify(token.strip())
    request.state.principal = principal
    return principal


class EdgeRoute(APIRoute):
    """An endpoint that admits the roles its OpenAPI description lists (``x-roles``) and
    checks, in the order of this module's docstring, before FastAPI reads the request. An
    endpoint without roles is refused when the app is built: nothing is open by
    omission."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        #: What every path of this route starts with: its template up to a parameter.
        self.literal_start = self.path_format.partition("{")[0]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # A request is tried against each route in turn; most are told apart by how their
        # path starts, without the pattern and FastAPI's work around it (issue 18). The
        # path is the one the pattern is matched against: without the root path.
        path = get_route_path(scope)
        if not path.startswith(self.literal_start):
            return Match.NONE, {}
        match, child = super().matches(scope)
        if (
            match is not Match.NONE
            and self.param_convertors
            and claimed_by_a_more_literal_path(scope["app"], path, self.path_format)
        ):
            # The path is another resource's: let the router find it (and answer 405 there).
            return Match.NONE, {}
        return match, child

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        documented = self.openapi_extra or {}
        roles = frozenset(
            Role(r)
            for r in (*documented.get("x-roles", ()), *documented.get("x-roles-by-delegation", ()))
        )
        if not roles:
            raise RuntimeError(f"{self.path} admits no role: every endpoint names its roles")
        handler = super().get_route_handler()
        takes_body = self.body_field is not None

        async def checked(request: Request) -> Response:
            principal = authenticate(request)
            refused: Violation | None = None
            if principal.role not in roles:
                refused = ActsOnlyInARoleGivenThePower.violation(
                    f"role {principal.role.value!r} may not do this",
                    details={"allowed_roles": sorted(r.value for r in roles)},
                )
            elif not _may_act_on_path(principal, request.path_params):
                refused = OfficersActOnTheirOwnRecordsOnly.violation(
                    "an officer acts on their own records only", field="officer_id"
                )
            if refused is not None:
                if request.method not in ("GET", "HEAD"):
                    # A refused caller's body is never read, whatever its size: the role
                    # comes before anything else, and nothing of the body is kept.
                    # A refused exercise of authority by a signed-in person is on the record.
                    await run_in_threadpool(_keep_refusal, request, principal, refused)
                raise ApiProblem(
                    403,
                    "forbidden",
                    refused.message,
                    rule=refused.rule,
                    clause=refused.clause,
                    violations=[refused.as_dict()],
                    allowed_roles=refused.details.get("allowed_roles"),
                )
            _check_parameters(request)
            _check_sent_once(request)
            if takes_body:
                # Read whatever the type, so the limit holds for any body (FastAPI reads
                # this copy); only JSON is parsed here.
                raw = await _whole_body(request)
                if raw and len(request.headers.getlist("content-type")) > 1:
                    # Which one would be meant? Neither is taken.
                    raise ApiProblem(
                        415,
                        "unsupported-media-type",
                        "send one Content-Type header: application/json",
                        headers={"Accept": "application/json"},
                    )
                if raw and not _is_json(request):
                    raise ApiProblem(
                        415,
                        "unsupported-media-type",
                        "send the body as JSON (Content-Type: application/json)",
                        headers={"Accept": "application/json"},
                    )
                codings = [
                    c.strip().lower()
                    for header in request.headers.getlist("content-encoding")
                    for c in header.split(",")
                ]
                if raw and any(c != "identity" for c in codings):
                    # A coded body is not decoded here: read as it stands it would be
                    # refused as not UTF-8, or, worse, taken as written (RFC 9110 8.4).
                    raise ApiProblem(
                        415,
                        "unsupported-media-type",
                        "send the body without a content coding (Content-Encoding: identity)",
                        headers={"Accept-Encoding": "identity"},
                    )
                if raw:
                    # FastAPI reads the body through request.json(), which keeps this.
                    request._json = parse_body(raw)
            elif await _carries_something(request):
                # What was sent would be ignored, and the caller would believe it was used.
                raise ApiProblem(
                    422,
                    "invalid-request",
                    "this operation takes no body",
                    errors=[{"field": "body", "message": "not taken here", "type": "extra"}],
                )
            return await handler(request)

        return checked


def _keep_refusal(request: Request, principal: Principal, refused: Violation) -> None:
    named = request.path_params.get("officer_id")
    if not (
        isinstance(named, str)
        and len(named) <= lengths.OFFICER_ID
        and re.fullmatch(forms.IDENTIFIER, named)
    ):
        named = None  # as sent, not an officer id: nothing of it is kept
    given = request.headers.get("x-request-id", "").strip()[: lengths.CORRELATION_ID]
    route = request.scope.get("route")
    keep(
        request.app.state.runtime.application,
        asked=f"{request.method} {getattr(route, 'path', request.url.path)}",
        status=403,
        reasons=[refused],
        message=refused.message,
        officer_id=named,
        case_id=None,
        principal=principal,
        correlation_id=given or str(uuid.uuid4()),
    )


def _may_act_on_path(principal: Principal, path: dict[str, Any]) -> bool:
    """An officer names only themself in a path; an absent officer id matches nothing."""
    named = path.get("officer_id")
    if principal.role is not Role.OFFICER or named is None:
        return True
    return principal.officer_id is not None and named == principal.officer_id


#: Request headers that name one thing (RFC 9110 5.3: not lists): sent twice, which was
#: meant is a guess, so neither is taken.
_SENT_ONCE = ("If-Match", "Idempotency-Key")


def _check_sent_once(request: Request) -> None:
    """Headers that name one thing, and query parameters (no endpoint takes a list in its
    query), each sent at most once: taking the last, as the framework would, could answer a
    question the caller did not ask (an auditor filtering by two officers would see one)."""
    twice = [f"header.{name}" for name in _SENT_ONCE if len(request.headers.getlist(name)) > 1]
    sent = Counter(name for name, _ in request.query_params.multi_items())
    twice += sorted(f"query.{name}" for name, times in sent.items() if times > 1)
    if twice:
        where, _, name = twice[0].partition(".")
        raise ApiProblem(
            422,
            "invalid-request",
            f"send one {name} header" if where == "header" else f"send {name} once",
            errors=[{"field": field, "message": "sent twice", "type": "value"} for field in twice],
        )


def _check_parameters(request: Request) -> None:
    fields = [
        f"path.{k}" for k, v in request.path_params.items() if isinstance(v, str) and unstorable(v)
    ]
    fields += [
        f"query.{k}"
        for k, v in request.query_params.multi_items()
        if unstorable(k) or unstorable(v)
    ]
    if fields:
        raise unstorable_problem(sorted(set(fields)))
