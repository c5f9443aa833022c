"""Running a state-changing request: one unit of work, honouring ``Idempotency-Key`` (a repeat
returns the first response and writes nothing, across restarts and concurrent repeats) and
``If-Match`` (the expected version; the response carries the new ``ETag``).

A command that loses a race on an aggregate's version is run again from the start on the
record as it now is (see shared.handling): the aggregate's version is what guards each "only
one" rule, and the second attempt answers with that rule rather than a bare conflict."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from shared import key_claims, lengths
from shared.api.problems import ApiProblem
from shared.consultations import officer_ids_in
from shared.db import met_another_transaction
from shared.errors import ConcurrentChange, Conflict, DomainError
from shared.eventstore import loaded_version, officers_read
from shared.handling import (
    MAX_ATTEMPTS,
    Actor,
    Command,
    Handler,
    Saved,
    pause_before_running_again,
)
from shared.identity import Principal
from shared.kept_answers import keep_answer
from shared.key_claims import ClaimedAlready, claim_key
from shared.keyring import written_about
from shared.log_write import held
from shared.refusals import keep, reasons_of, status_of

if TYPE_CHECKING:
    from shared.runtime import Runtime

MAX_KEY_LENGTH = lengths.IDEMPOTENCY_KEY


@dataclass(frozen=True)
class CommandContext:
    """What a command handler gets besides its input."""

    session: Session
    principal: Principal
    correlation_id: str
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


#: The forms of If-Match this API understands: an ETag it gave (``"3"``, weakly ``W/"3"``),
#: the bare version, or ``*`` (any version: the record exists). Quotes come in pairs, and a
#: weak tag is quoted, as RFC 9110 8.8.3 spells one: ``W/3`` is no tag at all.
IF_MATCH_PATTERN = r'^\s*(\*|W/"[0-9]{1,18}"|"[0-9]{1,18}"|[0-9]{1,18})\s*$'


def parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    raw = value.strip()
    if not re.fullmatch(IF_MATCH_PATTERN, raw):
        raise ApiProblem(
            422,
            "invalid-request",
            'If-Match must be an ETag given by this API, e.g. "3"',
            errors=[{"field": "header.If-Match", "message": "not a version", "type": "value"}],
        )
    return int(raw.removeprefix("W/").strip('"'))


def _correlation_id(request: Request) -> str:
    given = request.headers.get("X-Request-ID", "").strip()
    return given[: lengths.CORRELATION_ID] if given else str(uuid.uuid4())


_IDEMPOTENCY_KEY = Header(
    alias="Idempotency-Key",
    description="Repeat-safe key: a repeat returns the first response",
    max_length=MAX_KEY_LENGTH,
    pattern=r"^[\x21-\x7e]+$",
)


_IF_MATCH = Header(
    alias="If-Match",
    description='The record\'s version as its ETag gave it, e.g. "3" (or *)',
    pattern=IF_MATCH_PATTERN,
    max_length=30,
)


class CommandRequest:
    """The headers of a command that creates a record, or acts on no single record: an
    If-Match sent to it is refused, since there is no version it could mean."""

    expected_version: int | None = None
    #: If-Match: * (any version of a record that exists).
    any_version: bool = False

    def __init__(self, request: Request, idempotency_key: str | None = None) -> None:
        self.request = request
        self.idempotency_key = idempotency_key
        self.correlation_id = _correlation_id(request)
        if request.headers.get("if-match") is not None:
            raise ApiProblem(
                422,
                "invalid-request",
                "If-Match applies to a command on an existing record; this one has none",
                errors=[{"field": "header.If-Match", "message": "not applicable", "type": "extra"}],
            )


class RecordCommandRequest(CommandRequest):
    """The headers of a command on one existing record: If-Match names the version the
    caller last saw (its ETag), and the command is refused with 409 if it moved on."""

    def __init__(
        self, request: Request, idempotency_key: str | None = None, if_match: str | None = None
    ) -> None:
        self.request = request
        self.idempotency_key = idempotency_key
        self.correlation_id = _correlation_id(request)
        self.expected_version = parse_if_match(if_match)
        self.any_version = if_match is not None and if_match.strip() == "*"


async def command_headers(
    request: Request,
    idempotency_key: Annotated[str | None, _IDEMPOTENCY_KEY] = None,
) -> CommandRequest:
    """A command's headers, read on the event loop: a class as the dependency would be
    made on a worker thread, a hop for what takes microseconds (ADR 0025)."""
    return CommandRequest(request, idempotency_key)


async def record_command_headers(
    request: Request,
    idempotency_key: Annotated[str | None, _IDEMPOTENCY_KEY] = None,
    if_match: Annotated[str | None, _IF_MATCH] = None,
) -> RecordCommandRequest:
    """A command's headers on an existing record, read on the event loop (ADR 0025)."""
    return RecordCommandRequest(request, idempotency_key, if_match)


CommandHeaders = Annotated[CommandRequest, Depends(command_headers)]
RecordCommandHeaders = Annotated[RecordCommandRequest, Depends(record_command_headers)]


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
    claim_with_the_locks: bool = False,
) -> JSONResponse:
    """Run ``handler`` in one unit of work and answer with its outcome; ``prepare`` runs
    before the transaction opens (calls to other services), again on every attempt. With
    ``claim_with_the_locks``, for a handler that does nothing outside its unit of work, the
    key's claim may wait for the statement that takes its records' locks
    (shared.key_claims); else it is claimed before the handler runs."""
    key = headers.idempotency_key
    request = headers.request
    fingerprint = _fingerprint(request.method, request.url.path, payload)
    # A repeat is found by the key's claim in the unit of work (``_attempt``), so a first
    # sending, nearly every command, pays no read of the key beforehand. Only when the
    # other services cannot be asked (or refuse) is the key looked up first: a repeat of a
    # command already answered is answered again whoever else is down.
    attempt = 0
    while True:
        attempt += 1
        try:
            prepared = prepare() if prepare is not None else None
        except DomainError:
            if key is not None and _already_used(runtime, principal, key):
                return _replay(runtime, principal, key, fingerprint)
            raise
        try:
            outcome = _attempt(
                runtime,
                principal,
                headers,
                key,
                fingerprint,
                handler,
                prepared,
                claim_with_the_locks,
            )
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
    claim_with_the_locks: bool,
) -> Outcome:
    table = runtime.tables.idempotency
    try:
        with runtime.db.unit_of_work(write=True) as session:
            # One statement claims the key: a concurrent repeat waits there until the first
            # commits, then finds the key taken and replays the stored response. On
            # PostgreSQL it is the statement that takes the records' locks, else its own
            # (shared.key_claims).
            if key is not None:
                claim_key(
                    session,
                    table,
                    {
                        "principal": principal.scope,
                        "key": key,
                        "fingerprint": fingerprint,
                        "status_code": 0,
                        "body": "",
                        "headers": "{}",
                        "created_at": runtime.clock.now(),
                    },
                    key=["principal", "key"],
                )
                if not claim_with_the_locks:
                    # A handler with effects beyond its unit of work (a checkpoint signed to
                    # its file) must not run for a repeat at all.
                    key_claims.settle(session)
            context = CommandContext(
                session=session,
                principal=principal,
                correlation_id=headers.correlation_id,
                prepared=prepared,
            )
            try:
                outcome = handler(context)
            except ApiProblem:
                key_claims.settle(session)  # as a refusal, below
                raise
            except DomainError as refused:
                # A refusal given before the key was claimed is this command's only if the
                # key is its own: a repeat of one answered already is answered again.
                key_claims.settle(session)
                # Whom the refused command concerned, as the records it read say: the refusal
                # is recorded after this unit of work is gone (shared.refusals).
                refused.officers_read = list(officers_read(session))  # type: ignore[attr-defined]
                raise
            if key is not None:
                key_claims.settle(session)
                # Whose personal data the stored answer may hold, for a disposal to forget it.
                keep_answer(
                    session,
                    table,
                    runtime.tables.idempotency_officers,
                    scope=principal.scope,
                    key=key,
                    officers=written_about(session) | officer_ids_in(outcome.body),
                    status_code=outcome.status_code,
                    body=outcome.body,
                    headers=outcome.headers(),
                )
    except ClaimedAlready:
        raise _Replay from None
    return outcome


def _already_used(runtime: Runtime, principal: Principal, key: str) -> bool:
    table = runtime.tables.idempotency
    with runtime.db.unit_of_work(write=False) as session:
        return (
            session.execute(
                select(table.c.status_code).where(
                    table.c.principal == principal.scope,
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
            select(table).where(table.c.principal == principal.scope, table.c.key == key)
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


#: The namespace of the ids made from a caller's Idempotency-Key (``keyed_id``).
_KEYED_IDS = UUID("5a9f52a8-06dd-4365-84e5-08627a55ba08")


def keyed_id(principal: Principal, path: str, key: str) -> UUID:
    """The id a command sent to ``path`` under ``key`` by ``principal`` makes for what it
    creates (``Command.keyed_id``): the same for every repeat, and apart for each caller,
    path and key (RFC 9562 5.5, a name-based UUID)."""
    return uuid.uuid5(_KEYED_IDS, "\n".join((principal.scope, path, key)))


def dispatch(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    payload: Any,
    command: Command,
    answer: Callable[[Session, Saved], BaseModel],
    *,
    record: UUID | None = None,
    status_code: int = 200,
    location: Callable[[Saved], str] | None = None,
) -> JSONResponse:
    """Send ``command`` to its handler and answer with the read model it produced, in the
    same transaction (so the answer is what was stored).

    Before anything else the handler says whether the caller may act on the records the
    command names (``authorise``: a 403 before any fact is gathered or rule asked), and
    a command on one existing ``record`` sent with If-Match is refused (409, with the
    current version) unless the record is at that version. The answer's ETag is the
    version of ``record`` if the command names one, else of the record it created."""
    handler = runtime.handlers[type(command)]
    made = command.keyed_id()
    if made is not None and headers.idempotency_key is not None:
        path, key = headers.request.url.path, headers.idempotency_key
        command = dataclasses.replace(command, **{made: keyed_id(caller, path, key)})
    actor = Actor(caller, headers.correlation_id)
    asks_others = type(handler).prepare is not Handler.prepare

    def prepare() -> Any:
        if asks_others:
            # Nothing is asked of another service for a caller who may not act here.
            with runtime.db.unit_of_work(write=False):
                handler.authorise(command, actor)
        return handler.prepare(command, actor)

    def handle(ctx: CommandContext) -> Outcome:
        handler.authorise(command, actor)
        expected = headers.expected_version if record is not None else None
        if record is not None and expected is not None:
            # Early: a stale version is a 409 before any rule is asked.
            _expect_version(runtime, record, expected)
        elif record is not None and headers.any_version and _version_of(runtime, record) is None:
            raise no_record_to_match()
        saved = handler.handle(command, actor, ctx.prepared)
        if record is not None and expected is not None:
            # And on what the decision rested on: the record as the handler loaded it,
            # which its save is guarded by. A change committed between the early check and
            # that load would otherwise pass both.
            decided_on = loaded_version(ctx.session, record)
            if decided_on is not None and decided_on != expected:
                raise Conflict(
                    f"expected version {expected} but it is at {decided_on}",
                    current_version=decided_on,
                )
        out = answer(ctx.session, saved)
        version = saved.version if record is None else _version_of(runtime, record)
        return Outcome(
            status_code,
            out.model_dump(mode="json"),
            version=version,
            location=location(saved) if location else None,
        )

    try:
        # A domain command's handler writes nothing beyond its unit of work: its key's
        # claim may wait for the statement that takes its records' locks. One whose id is
        # made from the key claims it first: a repeat would otherwise meet the first's
        # record under that id as a lost race, before its claim said it was a repeat.
        return run_command(
            runtime,
            caller,
            headers,
            payload,
            handle,
            prepare=prepare,
            claim_with_the_locks=made is None,
        )
    except DomainError as refused:
        status = status_of(refused)
        if status is not None:
            keep(
                runtime.application,
                asked=type(command).__name__,
                status=status,
                reasons=reasons_of(refused),
                message=refused.message,
                officer_id=_concerning(command, refused),
                case_id=record,
                principal=caller,
                correlation_id=headers.correlation_id,
            )
        raise


def _concerning(command: Command, refused: DomainError) -> str | None:
    """The officer a refused command was about: named in it, or whose record it read."""
    for holder in (command, getattr(command, "placement", None)):
        named = getattr(holder, "officer_id", None)
        if isinstance(named, str):
            return named
    read: list[str] = getattr(refused, "officers_read", [])
    return read[0] if read else None


def _version_of(runtime: Runtime, record: UUID) -> int | None:
    """The record's version as its log says, in this unit of work (None: no such record)."""
    events = runtime.tables.events
    session = runtime.db.sessions()
    version: int | None = session.execute(
        select(func.max(events.c.originator_version)).where(events.c.originator_id == record)
    ).scalar()
    # And what this unit of work saved, which the log is given as it commits.
    for waiting in held(session, events.name, record):
        version = max(version or 0, waiting.originator_version)
    return version


def no_record_to_match() -> ApiProblem:
    """If-Match names a version (or, with "*", any version) of a record that is not there:
    the precondition is false (RFC 9110 13.1.1), and nothing is done."""
    return ApiProblem(
        412,
        "precondition-failed",
        "If-Match names a version of a record that is not there",
        errors=[{"field": "header.If-Match", "message": "no such record", "type": "precondition"}],
    )


def _expect_version(runtime: Runtime, record: UUID, expected: int) -> None:
    """Optimistic concurrency (If-Match): the record is where the caller saw it. A command
    that meets another at the record's version after this check is run again, and then
    meets this check."""
    current = _version_of(runtime, record)
    if current is None:
        raise no_record_to_match()
    if current != expected:
        raise Conflict(
            f"expected version {expected} but it is at {current}", current_version=current
        )
