"""Bearer tokens: signature, issuer, audience and expiry checked; the algorithm fixed by
configuration; the caller's role checked on every endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jwt.algorithms import RSAAlgorithm

from shared.identity import InvalidToken, TokenVerifier, mint_token
from shared.roles import Role
from shared.settings import DEV_JWT_SECRET, PostingsSettings
from tests.support.live import LiveServer
from tests.support.tokens import bearer

SETTINGS = PostingsSettings()


def claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(tz=UTC)
    base: dict[str, Any] = {
        "sub": "someone",
        "role": "hr_resource_planning",
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    base.update(overrides)
    return base


def hs256(payload: dict[str, Any], secret: str = DEV_JWT_SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(payload, secret, algorithm='HS256')}"}


# The headers are made when the test runs, not when it is collected: tokens made at
# collection would expire (five minutes) before a long test run reaches them.
@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (lambda: {}, "a bearer token is required"),
        (lambda: {"Authorization": "Basic dXNlcjpwYXNz"}, "a bearer token is required"),
        (lambda: {"Authorization": "Bearer not-a-jwt"}, "token is invalid"),
        (lambda: hs256(claims(), secret="x" * 40), "signature is invalid"),
        (lambda: hs256(claims(aud="someone-else")), "not for this audience"),
        (lambda: hs256(claims(iss="elsewhere")), "unknown issuer"),
        (lambda: hs256(claims(exp=int(datetime.now(tz=UTC).timestamp()) - 60)), "expired"),
        (lambda: hs256(claims(role="chief_constable")), "unknown role"),
        (lambda: hs256(claims(role="officer")), "must carry officer_id"),
    ],
)
def test_bad_tokens_get_401_problems(
    postings_client: TestClient, headers: Callable[[], dict[str, str]], reason: str
) -> None:
    response = postings_client.get("/postings", headers=headers())

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reason in response.json()["detail"]


def test_a_token_for_the_wrong_role_gets_403(postings_client: TestClient) -> None:
    response = postings_client.post(
        "/delegations",
        json={
            "delegate_id": "d1",
            "powers": ["travel_limit"],
            "valid_from": "2027-01-01",
            "valid_to": "2027-06-30",
            "rationale": "Leave cover",
        },
        headers=bearer(Role.HR_RESOURCE_PLANNING),
    )

    assert response.status_code == 403
    problem = response.json()
    assert problem["allowed_roles"] == ["director_of_hr"]


def test_a_good_token_is_admitted(postings_client: TestClient) -> None:
    assert postings_client.get("/postings", headers=bearer(Role.AUDITOR)).status_code == 200


# -- RS256 with a JWKS, as in production ------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(rsa_key: rsa.RSAPrivateKey) -> Iterator[str]:
    jwk = json.loads(RSAAlgorithm.to_jwk(rsa_key.public_key()))
    jwk.update(kid="key-1", use="sig", alg="RS256")
    provider = FastAPI()

    @provider.get("/.well-known/jwks.json")
    def keys() -> dict[str, Any]:
        return {"keys": [jwk]}

    @provider.get("/healthz")
    def up() -> dict[str, str]:
        return {"status": "ok"}

    with LiveServer(provider) as server:
        yield f"{server.url}/.well-known/jwks.json"


def test_rs256_tokens_are_verified_against_the_jwks(
    rsa_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    settings = PostingsSettings(jwt_algorithm="RS256", jwks_url=jwks_url)
    verifier = TokenVerifier(settings)
    token = jwt.encode(claims(role="auditor"), rsa_key, algorithm="RS256", headers={"kid": "key-1"})

    principal = verifier.verify(token)

    assert principal.role is Role.AUDITOR
    assert principal.subject == "someone"


def test_an_rs256_token_naming_no_key_is_verified_with_the_one_key_of_the_set(
    rsa_key: rsa.RSAPrivateKey, jwks_url: str
) -> None:
    """A key id is optional (RFC 7515 4.1.4); some providers' ID tokens carry none."""
    verifier = TokenVerifier(PostingsSettings(jwt_algorithm="RS256", jwks_url=jwks_url))
    token = jwt.encode(claims(role="auditor"), rsa_key, algorithm="RS256")
    assert verifier.verify(token).role is Role.AUDITOR

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidToken, match="signature"):
        verifier.verify(jwt.encode(claims(role="auditor"), other, algorithm="RS256"))


def test_rs256_configuration_refuses_hs256_tokens(jwks_url: str) -> None:
    """The algorithm is the configuration's, never the token's (no algorithm confusion)."""
    settings = PostingsSettings(jwt_algorithm="RS256", jwks_url=jwks_url)
    forged = jwt.encode(claims(), DEV_JWT_SECRET, algorithm="HS256", headers={"kid": "key-1"})

    with pytest.raises(InvalidToken):
        TokenVerifier(settings).verify(forged)


def test_rs256_without_a_jwks_url_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="jwks_url"):
        PostingsSettings(jwt_algorithm="RS256")


def test_tokens_cannot_be_minted_for_rs256(jwks_url: str) -> None:
    settings = PostingsSettings(jwt_algorithm="RS256", jwks_url=jwks_url)
    with pytest.raises(ValueError, match="HS256"):
        mint_token(settings, subject="x", role=Role.AUDITOR)
