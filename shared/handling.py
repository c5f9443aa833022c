"""Commands and the handlers that carry them out (ARCHITECTURE.md: router -> command ->
handler -> aggregate -> event store).

A command is a small typed object named imperatively (``LodgeAppeal``). Its handler works in
two steps, so that no transaction is ever held open across a call to another service:

- ``prepare`` runs before any transaction: it asks other services what the decision needs
  (postings asks ROI), and may read this service's records to know what to ask;
- ``handle`` runs inside the unit of work: it loads the aggregates, asks the rules, tells
  the aggregates what was decided and saves them, all in one transaction with the
  read-model rows and the idempotency record.

When ``handle`` loses a race on an aggregate's version (someone else saved it between our
read and our write) the runner starts again from ``prepare`` on the record as it now is, so
an invariant owned by the aggregate answers with its own rule, not a bare conflict."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

from shared.identity import Principal

#: How often a command (or a follower's effect) that lost a race on a version is run again
#: before giving up: the API then answers 409 with Retry-After. Each loss means another
#: command on the same record committed, so a burst of N commands on one record settles
#: within about N attempts; the bound is for a record that never stops being written.
MAX_ATTEMPTS = 100
#: The longest pause before running again.
MAX_BACKOFF_SECONDS = 0.05


def pause_before_running_again(attempt: int) -> None:
    """A little random wait, growing with each loss, so that commands that lost together do
    not meet again at once."""
    time.sleep(random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.002 * attempt)))  # noqa: S311


@dataclass(frozen=True)
class Command:
    """Base of every command."""

    @classmethod
    def keyed_id(cls) -> str | None:
        """The field holding an id the command makes for the record it creates, where its
        handler's preparation tells another service of that id before the key is claimed
        (an exceptional designation's reliance on a delegation). Sent with an
        Idempotency-Key, the id is made from the caller, the path and the key instead
        (``shared.api.commands.keyed_id``): a repeat tells the other service what the
        first did, which it answers as a repeat, and nothing new is recorded there. A
        method, not an attribute: commands' fields are read as their dataclass fields."""
        return None


@dataclass(frozen=True)
class Actor:
    """Who sends a command, and from which request."""

    principal: Principal
    correlation_id: str


@dataclass(frozen=True)
class Saved:
    """What a command returns: the id of the record it changed and its new version."""

    id: UUID
    version: int


C = TypeVar("C", bound=Command)
P = TypeVar("P")


class Handler(Generic[C, P]):
    """Carries out one kind of command. Subclasses name it in ``command`` and define
    ``handle``; those that need another service's answer define ``prepare`` too."""

    command: type[C]

    def authorise(self, command: C, actor: Actor) -> None:
        """Before anything else: may this caller act on the records the command names?
        Raise NotPermitted (a 403) if not, before any fact is gathered or rule asked, so a
        refusal never carries what the caller could not read. It runs first in the
        transaction, and also before ``prepare`` when there is one (nothing is asked of
        another service for a caller who may not act). The edge has checked the role
        already; a handler whose records limit who acts on them says how here."""

    def prepare(self, command: C, actor: Actor) -> P:
        """Outside any transaction: gather what other services must say. Nothing here may
        change anything. A handler that asks no one prepares nothing."""
        return cast(P, None)

    def handle(self, command: C, actor: Actor, prepared: P) -> Saved:
        raise NotImplementedError


class Handlers:
    """The table from each command type to its one handler, built by the composition root."""

    def __init__(self, handlers: Iterable[Handler[Any, Any]] = ()) -> None:
        self._by_command: dict[type[Command], Handler[Any, Any]] = {}
        for handler in handlers:
            if handler.command in self._by_command:
                raise ValueError(f"{handler.command.__name__} has two handlers")
            self._by_command[handler.command] = handler

    def __getitem__(self, command_type: type[Command]) -> Handler[Any, Any]:
        try:
            return self._by_command[command_type]
        except KeyError:
            raise LookupError(f"no handler for {command_type.__name__}") from None

    def __contains__(self, command_type: object) -> bool:
        return command_type in self._by_command

    def commands(self) -> list[type[Command]]:
        return list(self._by_command)
