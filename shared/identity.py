"""Identity from ``Authorization: Bearer`` JWTs: signature, issuer, audience and expiry are
checked, with the algorithm fixed by configuration so a token cannot choose its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from shared.roles import Role
from shared.settings import ServiceSettings


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or not for us."""


@dataclass(frozen=True)
class Principal:
    """The caller: who, in which role; officers carry their officer id, divisional roles
    their division."""

    subject: str
    role: Role
    officer_id: str | None = None
    division: str | None = None

    def is_officer(self, officer_id: str) -> bool:
        return self.role is Role.OFFICER and self.officer_id == officer_id


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self._algorithm = settings.jwt_algorithm
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._secret = settings.jwt_secret.get_secret_value()
        self._jwks = (
            jwt.PyJWKClient(settings.jwks_url, cache_keys=True)
            if settings.jwt_algorithm == "RS256" and settings.jwks_url
            else None
        )

    def _key(self, token: str) -> Any:
        if self._jwks is None:
            return self._secret
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientError as exc:
            raise InvalidToken(f"no signing key for this token: {exc}") from exc

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key(token),
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud", "sub", "role"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidToken("token is not for this audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidToken("token is from an unknown issuer") from exc
        except jwt.InvalidSignatureError as exc:
            raise InvalidToken("token signature is invalid") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token is invalid: {exc}") from exc
        try:
            role = Role(claims["role"])
        except ValueError as exc:
            raise InvalidToken(f"unknown role {claims['role']!r}") from exc
        officer_id = claims.get("officer_id")
        if role is Role.OFFICER and not officer_id:
            raise InvalidToken("an officer's token must carry officer_id")
        return Principal(
            subject=str(claims["sub"]),
            role=role,
            officer_id=str(officer_id) if officer_id else None,
            division=claims.get("division"),
        )


def mint_token(
    settings: ServiceSettings,
    *,
    subject: str,
    role: Role,
    officer_id: str | None = None,
    division: str | None = None,
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    """A token signed with the HS256 development secret. Production tokens come from the
    force's identity provider (RS256), so minting refuses there."""
    if settings.jwt_algorithm != "HS256":
        raise ValueError("tokens can only be minted with the HS256 development secret")
    issued = now or datetime.now(tz=UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "role": role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    if officer_id:
        claims["officer_id"] = officer_id
    if division:
        claims["division"] = division
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
