"""The development sign-in: choose who you are. It mints a token with the development
secret, so it is offered only while the console holds that secret, and a sign-in is
refused if the services do not accept the token it made (they use another secret)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.auth.people import services_accept, start_session
from services.console.browser import check_csrf, session_for_form
from services.console.refusals import ErrorSummary, FormField
from services.console.rendering import ROLE_NAMES, render
from services.console.sessions import Person
from shared.identity import InvalidToken, mint_token
from shared.roles import Role
from shared.settings import PostingsSettings

router = APIRouter(dependencies=[Depends(check_csrf)])

#: People sign in; the HR-system integration and the services themselves never do.
PERSON_ROLES = [role for role in Role if role.value in ROLE_NAMES]
TOKEN_LIFETIME = timedelta(hours=8)
FIELDS = {
    "name": FormField("name", "your name"),
    "role": FormField("role", "a role"),
    "division": FormField("division", "your division"),
    "officer_id": FormField("officer_id", "your officer ID"),
}
#: What a claim's refusal names, to point at the field that gave it.
_CLAIM_FIELDS = {"officer_id": "officer_id", "division": "division", "role": "role"}


class DevelopmentSignInClosed(Exception):
    """The console does not hold the development secret: no one may choose who they are."""


def _open(request: Request) -> None:
    if not request.app.state.settings.development_sign_in:
        raise DevelopmentSignInClosed


def _subject(name: str, officer_id: str) -> str:
    """The token's subject: the officer id for an officer, else the name as an identifier."""
    if officer_id:
        return officer_id
    return "dev:" + (re.sub(r"[^A-Za-z0-9_.@+-]+", "-", name).strip("-").lower() or "person")


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> Response:
    """The ways to sign in this console offers: the identity provider, development sign-in,
    or both; with neither, none."""
    settings = request.app.state.settings
    if not settings.development_sign_in and not settings.oidc_issuer:
        raise DevelopmentSignInClosed
    session = session_for_form(request)
    return render(request, "auth/sign_in.html", _form_context(request, {}), session=session)


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[Depends(_open)])
async def sign_in(
    request: Request,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    division: Annotated[str, Form()] = "",
    officer_id: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "name": name.strip(),
        "role": role,
        "division": division.strip(),
        "officer_id": officer_id.strip(),
    }
    errors = ErrorSummary()
    if not values["name"]:
        errors.add("Enter your name", FIELDS["name"])
    if values["role"] not in {r.value for r in PERSON_ROLES}:
        errors.add("Select a role", FIELDS["role"])
    token = ""
    if not errors:
        settings = request.app.state.settings
        try:
            token = mint_token(
                PostingsSettings(
                    jwt_algorithm="HS256",
                    jwt_secret=settings.jwt_secret,
                    jwt_issuer=settings.jwt_issuer,
                    jwt_audience=settings.jwt_audience,
                ),
                subject=_subject(values["name"], values["officer_id"]),
                role=Role(values["role"]),
                officer_id=values["officer_id"] or None,
                division=values["division"] or None,
                ttl=TOKEN_LIFETIME,
            )
        except InvalidToken as exc:
            message = str(exc)
            named = next((f for claim, f in _CLAIM_FIELDS.items() if claim in message), None)
            errors.add(message[:1].upper() + message[1:], FIELDS[named] if named else None)
    if not errors and not await services_accept(request, token):
        errors.add("The services do not accept development sign-in: they use another secret", None)
    if errors:
        return render(
            request,
            "auth/sign_in.html",
            _form_context(request, values, errors),
            status_code=422,
            session=session_for_form(request),
        )
    person = Person(
        subject=_subject(values["name"], values["officer_id"]),
        name=values["name"],
        role=Role(values["role"]),
        officer_id=values["officer_id"] or None,
        division=values["division"] or None,
    )
    # The session ends a little before the token, never after it.
    ends = datetime.now(tz=UTC) + TOKEN_LIFETIME - timedelta(minutes=1)
    start_session(request, person, token, ends)
    return RedirectResponse("/", status_code=303)


def _form_context(
    request: Request, values: dict[str, str], errors: ErrorSummary | None = None
) -> dict[str, object]:
    settings = request.app.state.settings
    return {
        "development": settings.development_sign_in,
        "oidc": bool(settings.oidc_issuer),
        "values": values,
        "errors": errors,
        "roles": [("", "Choose a role")] + [(r.value, ROLE_NAMES[r.value]) for r in PERSON_ROLES],
    }
