"""What a command returns: the id of the record it changed and its new version."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Saved:
    id: UUID
    version: int
