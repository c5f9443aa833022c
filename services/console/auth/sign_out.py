"""Signing out ends the session here, and clears the cookie that named it; a person who
signed in with the identity provider is then sent there to end its session too."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.auth.oidc import end_session_at_the_provider
from services.console.browser import check_csrf, current_session, forget_session, store
from services.console.rendering import render

router = APIRouter(dependencies=[Depends(check_csrf)])


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    session = current_session(request)
    if session is not None:
        store(request).end(session.id)
    forget_session(request)
    if session is not None and session.id_token:
        at_provider = await end_session_at_the_provider(request, session.id_token)
        if at_provider is not None:
            return RedirectResponse(at_provider, status_code=303)
    return RedirectResponse("/signed-out", status_code=303)


@router.get("/signed-out", name="signed_out", response_class=HTMLResponse)
async def signed_out(request: Request) -> Response:
    return render(request, "auth/signed_out.html")
