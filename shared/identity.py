"""Identity from ``Authorization: Bearer`` JWTs: signature, issuer, audience and expiry are
checked, with the algorithm fixed by configuration so a token cannot choose its own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from shared import forms, lengths
from shared.roles import DIVISIONAL_ROLES, Role
from shared.settings import ServiceSettings
from shared.verified_tokens import VerifiedTokens


class InvalidToken(Exception):
    """The token is missing, malformed, badly signed, expired or not for us."""


#: The longest subject a token may carry: it is stored as who decided (``decided_by``),
#: who appealed and who holds an Idempotency-Key, in columns of this width.
MAX_SUBJECT = lengths.SUBJECT
#: Claims in the forms the API takes them (shared.forms), at most as long as their columns.
_SUBJECT = re.compile(forms.SUBJECT)
_IDENTIFIERS = {"officer_id": lengths.OFFICER_ID, "division": lengths.CODE}
_IDENTIFIER = re.compile(forms.IDENTIFIER)
#: Claims that are times, in seconds since the epoch (RFC 7519 4.1.4-4.1.6): numbers.
_TIMES = ("exp", "nbf", "iat")


@dataclass(frozen=True)
class Principal:
    """The caller: who, in which role; officers carry their officer id, divisional roles
    their division. One that lacks what its role needs cannot be made, so no check can
    ever compare a missing division or officer id with another missing one."""

    subject: str
    role: Role
    officer_id: str | None = None
    division: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.OFFICER and not self.officer_id:
            raise InvalidToken("an officer's token must carry officer_id")
        if self.role in DIVISIONAL_ROLES and not self.division:
            raise InvalidToken(f"a token for role {self.role.value!r} must carry a division")

    def is_officer(self, officer_id: str | None) -> bool:
        return (
            self.role is Role.OFFICER and officer_id is not None and self.officer_id == officer_id
        )

    @property
    def person_id(self) -> str:
        """How records name this person: an officer by their officer id (the force's own
        number for them; a token's subject need not be it, and two officers' tokens may
        share one), anyone else by the token's subject."""
        if self.role is Role.OFFICER:
            assert self.officer_id is not None  # required of an officer, above
            return self.officer_id
        return self.subject

    @property
    def scope(self) -> str:
        """Whose idempotency keys and request budget these are: one per person. An officer
        is '#' and their officer id, which no subject can spell ('#' is not allowed in
        one); anyone else is their subject. Two officers sharing a subject are two
        scopes, and no member of staff shares an officer's."""
        if self.role is Role.OFFICER:
            return f"#{self.person_id}"
        return self.subject

    def is_person(self, person_id: str | None, role: Role | str | None) -> bool:
        """This caller is the person a record names with that id, recorded in that role.
        Officer ids and staff subjects are two namespaces: a member of staff whose subject
        happens to be an officer's id is not that officer, nor is an officer the member of
        staff whose subject is their id; an id without its kind matches no one."""
        if person_id is None or role is None:
            return False
        recorded_as_officer = Role(role) is Role.OFFICER
        return (self.role is Role.OFFICER) == recorded_as_officer and self.person_id == person_id

    def is_staff(self, subject: str | None) -> bool:
        """This caller is the member of staff a record names by subject (a hearer, a
        decider): never an officer, whose records name them by officer id."""
        return self.role is not Role.OFFICER and subject is not None and self.subject == subject

    def serves_in(self, *divisions: str | None) -> bool:
        """The caller's division is one of these; a missing division matches none."""
        return self.division is not None and self.division in divisions


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """The caller a verified token names, refused unless every claim has its type and the
    role's required claims are present (fail closed: nothing is assumed of a claim)."""
    for name in _TIMES:
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InvalidToken(f"claim {name!r} must be a number of seconds")
    subject = claims.get("sub")
    if (
        not isinstance(subject, str)
        or not _SUBJECT.fullmatch(subject)
        or len(subject) > MAX_SUBJECT
    ):
        raise InvalidToken(
            f"claim 'sub' must be a name of at most {MAX_SUBJECT} characters: letters,"
            " digits and _ . : @ + -"
        )
    raw_role = claims.get("role")
    if not isinstance(raw_role, str):
        raise InvalidToken("claim 'role' must be text")
    try:
        role = Role(raw_role)
    except ValueError as exc:
        raise InvalidToken(f"unknown role {raw_role!r}") from exc
    identifiers = {}
    for name, longest in _IDENTIFIERS.items():
        value = claims.get(name)
        if value is not None and (
            not isinstance(value, str) or not _IDENTIFIER.fullmatch(value) or len(value) > longest
        ):
            raise InvalidToken(f"claim {name!r} must be an identifier of at most {longest}")
        identifiers[name] = value
    return Principal(subject=subject, role=role, **identifiers)


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
        self._verified = VerifiedTokens()

    def _key(self, token: str) -> Any:
        if self._jwks is None:
            return self._secret
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid is not None:
                return self._jwks.get_signing_key(kid).key
            # A key id is optional (RFC 7515 4.1.4): a token that names none is verified
            # with the provider's one signing key, never with a choice among several.
            keys = self._jwks.get_signing_keys()
        except (jwt.PyJWKClientError, jwt.DecodeError) as exc:
            raise InvalidToken(f"no signing key for this token: {exc}") from exc
        if len(keys) != 1:
            raise InvalidToken("the token names no signing key and the key set holds several")
        return keys[0].key

    def verify(self, token: str) -> Principal:
        known = self._verified.find(token)
        if known is not None:
            return known
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
        principal = principal_from_claims(claims)
        self._verified.keep(token, principal, claims)
        return principal


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
    # Nothing is minted that the services would refuse.
    principal_from_claims(claims)
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
