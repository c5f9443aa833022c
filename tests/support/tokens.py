"""Bearer headers for tests, signed with the development secret every service trusts."""

from __future__ import annotations

from shared.identity import mint_token
from shared.roles import Role
from shared.settings import PostingsSettings

_SETTINGS = PostingsSettings()


def bearer(
    role: Role,
    *,
    subject: str | None = None,
    officer_id: str | None = None,
    division: str | None = None,
) -> dict[str, str]:
    token = mint_token(
        _SETTINGS,
        subject=subject or f"test:{role.value}",
        role=role,
        officer_id=officer_id,
        division=division,
    )
    return {"Authorization": f"Bearer {token}"}
