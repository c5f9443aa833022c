"""Appeals' commands (L1800 3.10.1, L1 2.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from shared.handling import Command


@dataclass(frozen=True)
class LodgeAppeal(Command):
    posting_id: UUID
    grounds: str


@dataclass(frozen=True)
class GrantLatePermission(Command):
    posting_id: UUID
    appellant_id: str
    rationale: str


@dataclass(frozen=True)
class AssignHearer(Command):
    appeal_id: UUID
    hearer_id: str
    level: str
    rationale: str


@dataclass(frozen=True)
class AddToAppeal(Command):
    appeal_id: UUID
    kind: Literal["evidence", "submission"]
    content: str


@dataclass(frozen=True)
class DecideAppeal(Command):
    appeal_id: UUID
    outcome: Literal["upheld", "dismissed"]
    rationale: str


@dataclass(frozen=True)
class WithdrawAppeal(Command):
    appeal_id: UUID


@dataclass(frozen=True)
class EndAppealableDecision(Command):
    """Postings withdrew the decision, or set it aside on an appeal (learnt from its feed):
    no appeal is lodged against it from now on, and those still open are closed."""

    posting_id: UUID
    status: Literal["withdrawn", "set_aside"]
    posting_event: int
