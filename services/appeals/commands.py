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
class CloseAppeal(Command):
    """Postings withdrew the decision appealed against, or set it aside on another appeal
    (learnt from its feed)."""

    appeal_id: UUID
    reason: Literal["posting_withdrawn", "posting_set_aside"]
    posting_event: int
