"""Who may see which officer's records: officers their own, divisional roles their own
division, HR roles and auditors all (DOMAIN.md 'Who acts'; L1 data security)."""

from __future__ import annotations

from shared.errors import NotPermitted
from shared.identity import Principal
from shared.roles import DIVISIONAL_ROLES, HR_ROLES, Role

#: Roles that read any officer's postings records.
#: Professional Standards reads officers to keep their restrictions (L1800 3.2.2).
FORCE_WIDE_READERS = HR_ROLES | {Role.AUDITOR, Role.DEPLOYMENT_PANEL, Role.PSD}
#: Roles that read the records of officers in their own division only.
DIVISIONAL_READERS = DIVISIONAL_ROLES
OFFICER_RECORD_READERS = FORCE_WIDE_READERS | DIVISIONAL_READERS | {Role.OFFICER}
#: Who decides what the Director of HR decides (L1800 3.1.1, "or appropriate delegate"):
#: the Director in their own right, and HR people only naming a delegation that covers
#: the decision. The two are published apart (``x-roles``, ``x-roles-by-delegation``).
DIRECTOR = (Role.DIRECTOR_OF_HR,)
DELEGATES = tuple(sorted(HR_ROLES - {Role.DIRECTOR_OF_HR}, key=lambda r: r.value))


def ensure_may_see(
    principal: Principal,
    *,
    officer_id: str,
    division: str,
    decided_by: str | None = None,
    from_division: str | None = None,
) -> None:
    """Raise unless the caller may see this officer's record (or a decision they took).
    A posting concerns two divisions: the one the officer leaves and the one they join."""
    if principal.role in FORCE_WIDE_READERS:
        return
    if principal.is_staff(decided_by):
        return
    if principal.role in DIVISIONAL_READERS and principal.serves_in(division, from_division):
        return
    if principal.is_officer(officer_id):
        return
    raise NotPermitted("you may not see this officer's records")
