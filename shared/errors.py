"""Errors the domain and application layers raise. They know nothing of HTTP; the API layer
maps each to a problem response (see shared.api.problems)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Violation:
    """One reason a command was refused: the rule (or field) at fault and its clause."""

    rule: str
    message: str
    clause: str | None = None
    field: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: The rule is about the record's current state (409), not the request's content (422).
    conflict: bool = dataclasses.field(default=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "message": self.message}
        if self.clause:
            out["clause"] = self.clause
        if self.field:
            out["field"] = self.field
        if self.details:
            out["details"] = self.details
        return out


class DomainError(Exception):
    """Base class: a command that cannot be carried out, with nothing stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RulesBroken(DomainError):
    """One or more rules refuse the command. Every reason is reported at once."""

    def __init__(self, violations: list[Violation]) -> None:
        if not violations:
            raise ValueError("RulesBroken needs at least one violation")
        self.violations = violations
        super().__init__("; ".join(v.message for v in violations))


class NotFound(DomainError):
    """The thing named does not exist (or the caller may not know it exists)."""


class NotPermitted(DomainError):
    """The caller's role, ownership or delegated authority does not allow this."""

    def __init__(self, message: str, *, violations: list[Violation] | None = None) -> None:
        super().__init__(message)
        self.violations = violations or []


class Conflict(DomainError):
    """The command collides with the current state: a stale version, or a rule about the
    record's state (already decided, already moved), which it then names."""

    def __init__(
        self,
        message: str,
        *,
        current_version: int | None = None,
        violations: list[Violation] | None = None,
    ) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.violations = violations or []


class ConcurrentChange(Conflict):
    """Someone else changed the record between our read and our write: the command may be
    run again on the record as it is now (see shared.api.commands)."""


class NotYetKnown(DomainError):
    """Something this service learns from another's feed has not arrived yet: retry."""


class Unavailable(DomainError):
    """Another service whose answer a decision needs could not answer: fail closed."""

    def __init__(self, message: str, *, service: str) -> None:
        super().__init__(message)
        self.service = service


class PeerRefused(DomainError):
    """Another service refused the input our caller gave us to pass on: our caller's
    fault, answered with the peer's status and its problem (shared.peers)."""

    def __init__(self, message: str, *, service: str, status: int, problem: dict[str, Any]) -> None:
        super().__init__(message)
        self.service = service
        self.status = status
        self.problem = problem


def refuse_if(violations: list[Violation]) -> None:
    """Refuse with every reason at once when any rule failed; a no-op otherwise. Only rules
    about the record's state (a 409) when every one of them is; otherwise a 422."""
    if not violations:
        return
    if all(v.conflict for v in violations):
        raise Conflict("; ".join(v.message for v in violations), violations=violations)
    raise RulesBroken(violations)
