"""Running a state-changing request: one unit of work, honouring ``Idempotency-Key`` (a repeat
returns the first response and writes nothing, across restarts and concurrent repeats) and
``If-Match`` (the expected version; the response carries the new ``ETag``).

A command that loses a race on an aggregate's version is run again from the start on the
record as it now is (see shared.handling): the aggregate's version is what guards each "only
one" rule, and the second attempt answers with that rule rather than a bare conflict."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from shared import lengths
from shared.api.problems import ApiProblem
from shared.db import met_another_transaction
from shared.errors import ConcurrentChange
from shared.handling import MAX_ATTEMPTS, Actor, Command, Saved, pause_before_running_again
from shared.identity import Principal

if TYPE_CHECKING:
    from shared.runtime import Runtime

MAX_KEY_LENGTH = lengths.IDEMPOTENCY_KEY


@dataclass(frozen=True)
class CommandContext:
    """What a command handler gets besides its input."""

    session: Session
    principal: Principal
    correlation_id: str
    expected_version: int | None
    #: What the command's handler gathered before the transaction opened.
    prepared: Any = None


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: dict[str, Any]
    version: int | None = None
    location: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        headers = dict(self.extra_headers)
        if self.version is not None:
            headers["ETag"] = etag(self.version)
        if self.location:
            headers["Location"] = self.location
        return headers


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    raw = value.strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    raw = raw.strip('"')
    if not raw.isdigit():
        raise ApiProblem(
            422,
            "invalid-request",
            'If-Match must be an ETag given by this API, e.g. "3"',
            errors=[{"field": "header.If-Match", "message": "not a version", "type": "value"}],
        )
    return int(raw)


def _correlation_id(request: Request) -> str:
    given = request.headers.get("X-Request-ID", "").strip()
    return given[: lengths.CORRELATION_ID] if given else str(uuid.uuid4())


class CommandRequest:
    """The headers a command reads, gathered as one dependency."""

    def __init__(
        self,
        request: Request,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                description="Repeat-safe key: a repeat returns the first response",
                max_length=MAX_KEY_LENGTH,
            ),
        ] = None,
        if_match: Annotated[
            str | None,
            Header(alias="If-Match", description="Expected version (ETag) of the record"),
        ] = None,
    ) -> None:
        self.request = request
        self.idempotency_key = idempotency_key
        self.expected_version = parse_if_match(if_match)
        self.correlation_id = _correlation_id(request)


CommandHeaders = Annotated[CommandRequest, Depends(CommandRequest)]


class _Replay(Exception):
    """The key was used already (or is being used right now by a concurrent repeat)."""


def run_command(
    runtime: Runtime,
    principal: Principal,
    headers: CommandRequest,
    payload: Any,
    handler: Callable[[CommandContext], Outcome],
    *,
    prepare: Callable[[], Any] | None = None,
) -> JSONResponse:
    """Run ``handler`` in one unit of work and answer with its outcome; ``prepare`` runs
    before the transaction opens (calls to other services), again on every attempt."""
    key = headers.idempotency_key
    request = headers.request
    fingerprint = _fingerprint(request.method, request.url.path, payload)
    if key is not None and _already_used(runtime, principal, key):
        # Answer a plain repeat without asking other services anything.
        return _replay(runtime, principal, key, fingerprint)
    attempt = 0
    while True:
        attempt += 1
        prepared = prepare() if prepare is not None else None
        try:
            outcome = _attempt(runtime, principal, headers, key, fingerprint, handler, prepared)
        except _Replay:
            assert key is not None
            return _replay(runtime, principal, key, fingerprint)
        except (StoreIntegrityError, IntegrityError, ConcurrentChange, OperationalError) as exc:
            if isinstance(exc, OperationalError) and not met_another_transaction(exc):
                raise  # the database is unavailable: a 503, not a race
            if attempt < MAX_ATTEMPTS:
                pause_before_running_again(attempt)
                continue
            raise ConcurrentChange(
                "the record kept changing while this was decided; reload and retry"
            ) from exc
        return JSONResponse(
            outcome.body, status_code=outcome.status_code, headers=outcome.headers()
        )


def _attempt(
    runtime: Runtime,
    principal: Principal,
    headers: CommandRequest,
    key: str | None,
    fingerprint: str,
    handler: Callable[[CommandContext], Outcome],
    prepared: Any,
) -> Outcome:
    table = runtime.tables.idempotency
    with runtime.db.unit_of_work(write=True) as session:
        if key is not None:
            stored = session.execute(
                select(table.c.fingerprint).where(
                    table.c.principal == principal.subject, table.c.key == key
                )
            ).first()
            if stored is not None:
                raise _Replay
            try:
                # A concurrent repeat blocks here until the first commits, then fails on
                # the primary key and replays the stored response.
                session.execute(
                    insert(table).values(
                        principal=principal.subject,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=0,
                        body="",
                        headers="{}",
                        created_at=runtime.clock.now(),
                    )
                )
            except IntegrityError:
                raise _Replay from None
        context = CommandContext(
            session=session,
            principal=principal,
            correlation_id=headers.correlation_id,
            expected_version=headers.expected_version,
            prepared=prepared,
        )
        outcome = handler(context)
        if key is not None:
            session.execute(
                update(table)
                .where(table.c.principal == principal.subject, table.c.key == key)
                .values(
                    status_code=outcome.status_code,
                    body=json.dumps(outcome.body),
                    headers=json.dumps(outcome.headers()),
                )
            )
    return outcome


def _already_used(runtime: Runtime, principal: Principal, key: str) -> bool:
    table = runtime.tables.idempotency
    with runtime.db.unit_of_work(write=False) as session:
        return (
            session.execute(
                select(table.c.status_code).where(
                    table.c.principal == principal.subject,
                    table.c.key == key,
                    table.c.status_code != 0,
                )
            ).first()
            is not None
        )


def _replay(runtime: Runtime, principal: Principal, key: str, fingerprint: str) -> JSONResponse:
    table = runtime.tables.idempotency
    with runtime.db.unit_of_work(write=False) as session:
        row = session.execute(
            select(table).where(table.c.principal == principal.subject, table.c.key == key)
        ).first()
    if row is None or row.status_code == 0:
        # The first request is still running elsewhere (its row is not committed yet).
        raise ApiProblem(
            409,
            "idempotency-key-in-use",
            "a request with this Idempotency-Key is still being processed; retry shortly",
            headers={"Retry-After": "1"},
        )
    if row.fingerprint != fingerprint:
        raise ApiProblem(
            422,
            "idempotency-key-reused",
            "this Idempotency-Key was used for a different request",
            errors=[{"field": "header.Idempotency-Key", "message": "reused", "type": "reused"}],
        )
    headers = json.loads(row.headers)
    headers["Idempotent-Replayed"] = "true"
    return JSONResponse(json.loads(row.body), status_code=row.status_code, headers=headers)


def _fingerprint(method: str, path: str, payload: Any) -> str:
    if hasattr(payload, "model_dump"):
        payload = payload.model_dump(mode="json")
    material = json.dumps([method, path, payload], sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


class SavedRecord(Protocol):
    @property
    def id(self) -> Any: ...

    @property
    def version(self) -> int: ...


def command_endpoint(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    payload: Any,
    command: Callable[[CommandContext], SavedRecord],
    read_back: Callable[[Session, SavedRecord], BaseModel],
    *,
    status_code: int = 200,
    location: Callable[[SavedRecord], str] | None = None,
) -> JSONResponse:
    """Run ``command`` and answer with the read model it produced, in the same transaction
    (so the answer is what was stored), with the record's new ETag."""

    def handle(ctx: CommandContext) -> Outcome:
        saved = command(ctx)
        out = read_back(ctx.session, saved)
        return Outcome(
            status_code,
            out.model_dump(mode="json"),
            version=saved.version,
            location=location(saved) if location else None,
        )

    return run_command(runtime, caller, headers, payload, handle)


def dispatch(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    payload: Any,
    command: Command,
    answer: Callable[[Session, Saved], BaseModel],
    *,
    status_code: int = 200,
    location: Callable[[Saved], str] | None = None,
) -> JSONResponse:
    """Send ``command`` to its handler and answer with the read model it produced, in the
    same transaction (so the answer is what was stored), with the record's new ETag."""
    handler = runtime.handlers[type(command)]
    actor = Actor(caller, headers.correlation_id, headers.expected_version)

    def handle(ctx: CommandContext) -> Outcome:
        saved = handler.handle(command, actor, ctx.prepared)
        out = answer(ctx.session, saved)
        return Outcome(
            status_code,
            out.model_dump(mode="json"),
            version=saved.version,
            location=location(saved) if location else None,
        )

    return run_command(
        runtime, caller, headers, payload, handle, prepare=lambda: handler.prepare(command, actor)
    )
