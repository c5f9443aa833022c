"""The consultation log at the edge: every successful read of JSON that names officers (in
the answer, or as the officer its address is about), by a person, is recorded
(shared.consultations) before the answer leaves.

A plain ASGI middleware. Starlette's ``BaseHTTPMiddleware`` ran every request, commands
and the feed included, through a task and a pair of memory streams to look at its answer;
here an answer that cannot be a consultation (another method, another status, not JSON)
passes straight through, and only a GET's 200 of JSON is held until it is recorded."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.consultations import NOT_PEOPLE, officer_ids_in_json, record_consultation
from shared.runtime import Runtime

#: The log of consultations names officers but holds none of their data.
NOT_A_CONSULTATION = frozenset({"/audit/consultations"})


class ConsultationLog:
    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] in NOT_A_CONSULTATION
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        held: list[bytes] = []

        async def holding(message: Message) -> None:
            nonlocal start
            if start is None and message["type"] == "http.response.start":
                if message["status"] != 200 or not _is_json(message):
                    start = {}  # not a consultation: everything passes from here on
                    await send(message)
                    return
                start = message
                return
            if not start or message["type"] != "http.response.body":
                await send(message)
                return
            held.append(message.get("body", b""))
            if not message.get("more_body", False):
                body = b"".join(held)
                await self._record(scope, body)
                await send(start)
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, holding)

    async def _record(self, scope: Scope, body: bytes) -> None:
        # Who asked is known once the edge has checked the caller (shared.api.edge).
        principal = scope.get("state", {}).get("principal")
        if principal is None or principal.role in NOT_PEOPLE:
            return
        officers = officer_ids_in_json(body)
        # An answer about one officer may name them only in its address (their
        # restrictions, personal file, notifications): the read is of their data all the
        # same (found by the outside tester).
        named = scope.get("path_params", {}).get("officer_id")
        if isinstance(named, str) and named:
            officers.add(named)
        if not officers:
            return
        route = scope.get("route")
        request = Request(scope)
        what = getattr(route, "path", request.url.path)
        await run_in_threadpool(
            record_consultation, self.runtime, request, principal, officers, what
        )


def _is_json(start: Message) -> bool:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return bytes(value).startswith(b"application/json")
    return False
