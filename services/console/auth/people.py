"""What every sign-in does once it holds a token: check that the services accept it, and
start the person's session with it."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from services.console.browser import keep_session, session_for_form, store
from services.console.clients.api import Refused
from services.console.sessions import Person


async def services_accept(request: Request, token: str) -> bool:
    """Every person may read the policy settings: a 401 says the services do not trust
    this token's signer, whatever the console was told."""
    try:
        await request.app.state.services.postings.get("/policy", token)
    except Refused as refused:
        if refused.status != 401:
            raise
        return False
    return True


def start_session(
    request: Request,
    person: Person,
    token: str,
    expires_at: datetime,
    id_token: str | None = None,
) -> None:
    session = store(request).sign_in(session_for_form(request), person, token, expires_at)
    session.id_token = id_token
    keep_session(request, session)
