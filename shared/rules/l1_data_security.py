"""L1, Data Security: data is held in accordance with the Information Management Policy;
access is by role and need, and officers see their own records (DOMAIN.md)."""

from __future__ import annotations

from shared.rules.base import Rule


class OfficersActOnTheirOwnRecordsOnly(Rule):
    """Access is by role and need, and officers see their own records (L1 Data Security;
    DOMAIN.md interpretation): an officer naming another officer is refused."""

    clause = "L1 Data Security"


class DivisionalRolesActInTheirOwnDivision(Rule):
    """Access is by role and need (L1 Data Security; DOMAIN.md interpretation): a senior
    leadership team, divisional commander or head of department acts on the officers of
    their own division only, as they read them."""

    clause = "L1 Data Security"
