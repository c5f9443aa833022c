"""What every decision record must carry (DOMAIN.md, 'Every decision is an immutable,
reasoned event'): a rationale, who decided, the clause it rests on, and facts that can be
recorded as they were checked."""

from __future__ import annotations

import json
from typing import Any

from shared.errors import Violation
from shared.rules.base import CLAUSE, Rule


class RationaleMustBeDocumented(Rule):
    """A decision needs a rationale, never blank (L1800 3.7.1 'the rationale ... will be
    fully documented'; 3.7.3 'each case will be documented'; 3.5.3)."""

    clause = "L1800 3.7.1"

    @classmethod
    def check(cls, *, rationale: str) -> list[Violation]:
        if not rationale or not rationale.strip():
            return cls.broken(
                "a decision needs a rationale; a blank one is refused", field="rationale"
            )
        return []


class DeciderMustBeKnown(Rule):
    """A decision names who decided (L1800 3.1.1: the decision sits with a named person,
    the Director of HR or a delegate)."""

    clause = "L1800 3.1.1"

    @classmethod
    def check(cls, *, actor_id: str) -> list[Violation]:
        if not actor_id.strip():
            return cls.broken("a decision names who decided")
        return []


class DecisionMustCiteAClause(Rule):
    """A decision names the clause of L1800 or L1 it rests on, so an auditor can hold it to
    the text (L1800 3.7.1: the rationale fully documented)."""

    clause = "L1800 3.7.1"

    @classmethod
    def check(cls, *, clause: str) -> list[Violation]:
        if not CLAUSE.match(clause):
            return cls.broken(f"clause {clause!r} is not of the form 'L1800 3.7.1'", field="clause")
        return []


class FactsMustBeRecordable(Rule):
    """The facts a decision relied on are kept as plain JSON values, as they were checked
    at that moment, so they can be replayed years later (L1800 3.7.1)."""

    clause = "L1800 3.7.1"

    @classmethod
    def check(cls, *, facts: dict[str, Any]) -> list[Violation]:
        try:
            json.dumps(facts, allow_nan=False)
        except (TypeError, ValueError) as exc:
            return cls.broken(f"facts relied on must be plain JSON values: {exc}", field="facts")
        return []
