"""L1 2.3: 'compliance by those specified persons to whom it applies is mandatory': each
power under the protocol is exercised by the people it names."""

from __future__ import annotations

from shared.rules.base import Rule


class ActsOnlyInARoleGivenThePower(Rule):
    """Each power under the protocol is exercised by the people it names (L1 2.3; DOMAIN.md
    'Who acts'): a role the operation does not admit is refused before anything is read."""

    clause = "L1 2.3"
