"""Signing out ends the session here; the cookie that named it is cleared."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.browser import check_csrf, current_session, forget_session, store
from services.console.rendering import render

router = APIRouter(dependencies=[Depends(check_csrf)])


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    session = current_session(request)
    if session is not None:
        store(request).end(session.id)
    forget_session(request)
    return RedirectResponse("/signed-out", status_code=303)


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request) -> Response:
    return render(request, "auth/signed_out.html")
