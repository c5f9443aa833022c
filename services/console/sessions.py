"""Server-side sessions. The browser holds only a random session id in a cookie; the
person's token, who they are and the session's CSRF token stay here, in this process's
memory (the console keeps no other state: a restart signs everyone out)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.roles import Role


@dataclass(frozen=True)
class Person:
    """Who is signed in, as their token names them, and the name they go by."""

    subject: str
    name: str
    role: Role
    officer_id: str | None = None
    division: str | None = None


@dataclass
class Session:
    id: str
    csrf_token: str
    expires_at: datetime
    #: Absent until someone signs in: the sign-in form itself needs a CSRF token.
    person: Person | None = None
    token: str | None = None
    token_expires_at: datetime | None = None
    #: The identity provider's ID token, named when signing out there (OpenID Connect
    #: RP-Initiated Logout 1.0, id_token_hint); absent with the development sign-in.
    id_token: str | None = None
    #: A sign-in under way at the identity provider: its state, nonce and PKCE verifier.
    oidc: dict[str, Any] = field(default_factory=dict)
    #: One message shown on the next page (a record saved, a sign-out).
    flash: str | None = None
    last_seen: datetime = field(default_factory=lambda: datetime.now(tz=UTC))


class SessionStore:
    def __init__(self, *, idle: timedelta) -> None:
        self._idle = idle
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self) -> Session:
        now = datetime.now(tz=UTC)
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now + self._idle,
            last_seen=now,
        )
        with self._lock:
            self._drop_expired(now)
            self._sessions[session.id] = session
        return session

    def find(self, session_id: str | None) -> Session | None:
        """The live session with this id, its idle time restarted; None if none or ended."""
        if not session_id:
            return None
        now = datetime.now(tz=UTC)
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now >= session.expires_at or (
                session.token_expires_at is not None and now >= session.token_expires_at
            ):
                del self._sessions[session_id]
                return None
            session.last_seen = now
            session.expires_at = now + self._idle
            return session

    def sign_in(self, old: Session, person: Person, token: str, expires_at: datetime) -> Session:
        """A new session (new id and CSRF token) for the person: an id known before sign-in
        is never one that carries a token (session fixation)."""
        self.end(old.id)
        session = self.start()
        session.person = person
        session.token = token
        session.token_expires_at = expires_at
        return session

    def end(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def _drop_expired(self, now: datetime) -> None:
        for key in [k for k, s in self._sessions.items() if now >= s.expires_at]:
            del self._sessions[key]
