"""What the console holds of the browser: a session cookie (HttpOnly, SameSite=Lax, Secure
over TLS) naming a server-side session, and the CSRF token every form carries back."""

from __future__ import annotations

import hmac
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from services.console.sessions import Person, Session, SessionStore
from shared.forms import SUBJECT
from shared.roles import Role

COOKIE = "console_session"
CSRF_FIELD = "csrf_token"
#: Each rendering of a form carries a key of its own: sending that rendering twice (a
#: double click, a reload that sends it again) is one command; sending the same words from
#: another rendering, later, is another command (services.console.commands).
FORM_KEY_FIELD = "form_key"
FORM_KEY: ContextVar[str | None] = ContextVar("form_key", default=None)
_FORM_KEY = re.compile(r"[0-9a-f]{32}")


class SignInNeeded(Exception):
    """The page needs someone signed in: they are sent to sign in."""


class FormNotTrusted(Exception):
    """A POST without this session's CSRF token: refused, nothing sent on."""


def store(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def current_session(request: Request) -> Session | None:
    return store(request).find(request.cookies.get(COOKIE))


def session_for_form(request: Request) -> Session:
    """The session a form page is rendered in, started if there is none: the sign-in form
    needs a CSRF token before anyone is signed in."""
    session = current_session(request)
    if session is None:
        session = store(request).start()
        keep_session(request, session)
    return session


def keep_session(request: Request, session: Session) -> None:
    """The response sets this session's cookie (see main.py's middleware)."""
    request.state.set_session = session.id


def forget_session(request: Request) -> None:
    request.state.clear_session = True


@dataclass(frozen=True)
class SignedIn:
    """A signed-in person's session: who they are and the token the pages act with."""

    session: Session
    person: Person
    token: str


#: What a page's address may name: an officer id, a code, a UUID, a service. Pages put
#: these into the services' paths, where '?', '#', '/' or a control character would
#: change which resource is meant.
_PATH_PART = re.compile(SUBJECT)


def names_an_id(value: str) -> bool:
    """Whether a value may be put into a service's path as one id (``_PATH_PART``)."""
    return len(value) <= 200 and _PATH_PART.fullmatch(value) is not None


def signed_in(request: Request) -> SignedIn:
    session = current_session(request)
    if session is None or session.person is None or session.token is None:
        raise SignInNeeded
    for value in request.path_params.values():
        if not isinstance(value, str) or not names_an_id(value):
            raise HTTPException(404)
    return SignedIn(session=session, person=session.person, token=session.token)


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


class NotForYou(Exception):
    """A form for a role other than the signed-in person's: refused before it is shown,
    so nobody fills in a form the service would refuse them."""


def only_for(signed: SignedIn, *roles: Role, own: str | None = None) -> None:
    """Let through the people in ``roles``; an officer only to their own record (``own``,
    the officer id the page is about). The services check again on every request."""
    person = signed.person
    if person.role not in roles:
        raise NotForYou
    if (
        person.role is Role.OFFICER
        and own is not None
        and not (person.officer_id is not None and person.officer_id == own)
    ):
        raise NotForYou


async def check_csrf(request: Request) -> None:
    """Every POST carries its session's CSRF token; a form from elsewhere has none."""
    if request.method != "POST":
        return
    session = current_session(request)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if (
        session is None
        or not isinstance(sent, str)
        or not hmac.compare_digest(sent.encode(), session.csrf_token.encode())
    ):
        raise FormNotTrusted
    key = form.get(FORM_KEY_FIELD)
    FORM_KEY.set(key if isinstance(key, str) and _FORM_KEY.fullmatch(key) else None)
