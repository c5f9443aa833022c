"""A token verified a moment ago is trusted again without being verified in full, but only
the same token, only while it would still pass, and only for a bounded time (issue 18)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import jwt
import pytest

from shared.identity import InvalidToken, Principal, TokenVerifier
from shared.roles import Role
from shared.settings import DEV_JWT_SECRET, PostingsSettings
from shared.verified_tokens import VerifiedTokens
from tests.test_identity import claims

SETTINGS = PostingsSettings()
SOMEONE = Principal(subject="someone", role=Role.HR_RESOURCE_PLANNING)


def now() -> int:
    return int(datetime.now(tz=UTC).timestamp())


def test_a_verified_token_is_found_again_and_names_the_same_caller() -> None:
    verifier = TokenVerifier(SETTINGS)
    token = jwt.encode(claims(), DEV_JWT_SECRET, algorithm="HS256")

    first = verifier.verify(token)

    assert verifier._verified.find(token) == first
    assert verifier.verify(token) == first


def test_a_token_with_one_character_changed_is_verified_in_full_and_refused() -> None:
    verifier = TokenVerifier(SETTINGS)
    token = jwt.encode(claims(role="auditor"), DEV_JWT_SECRET, algorithm="HS256")
    verifier.verify(token)
    header, payload, signature = token.split(".")
    forged = ".".join((header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]))

    with pytest.raises(InvalidToken, match="signature"):
        verifier.verify(forged)
    assert verifier._verified.find(forged) is None


def test_a_refused_token_is_not_kept_and_is_refused_again() -> None:
    verifier = TokenVerifier(SETTINGS)
    token = jwt.encode(claims(), "x" * 40, algorithm="HS256")
    for _ in range(2):
        with pytest.raises(InvalidToken, match="signature"):
            verifier.verify(token)
    assert verifier._verified.find(token) is None


def test_a_kept_token_is_refused_once_it_expires() -> None:
    """Waits for the clock to pass the token's expiry, a second or two: the condition,
    not a fixed time."""
    verifier = TokenVerifier(SETTINGS)
    expires = now() + 1
    token = jwt.encode(claims(exp=expires), DEV_JWT_SECRET, algorithm="HS256")
    assert verifier.verify(token).subject == "someone"

    deadline = time.monotonic() + 30
    while time.time() < expires and time.monotonic() < deadline:
        time.sleep(0.05)

    assert verifier._verified.find(token) is None
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)


def test_a_token_not_yet_valid_is_not_found() -> None:
    kept = VerifiedTokens()
    kept.keep("early", SOMEONE, {"nbf": now() + 600, "exp": now() + 1200})
    kept.keep("issued-later", SOMEONE, {"iat": now() + 600, "exp": now() + 1200})
    assert kept.find("early") is None
    assert kept.find("issued-later") is None


def test_a_token_is_trusted_without_verification_only_for_a_bounded_time() -> None:
    kept = VerifiedTokens(fresh_for=0)
    kept.keep("token", SOMEONE, {"iat": now(), "exp": now() + 600})
    assert kept.find("token") is None


def test_the_oldest_token_is_forgotten_when_the_store_is_full() -> None:
    kept = VerifiedTokens(kept_max=2)
    for token in ("one", "two", "three"):
        kept.keep(token, SOMEONE, {"iat": now(), "exp": now() + 600})
    assert kept.find("one") is None
    assert kept.find("two") == SOMEONE
    assert kept.find("three") == SOMEONE


def test_a_very_long_token_is_never_kept() -> None:
    kept = VerifiedTokens()
    token = "t" * 5000
    kept.keep(token, SOMEONE, {"iat": now(), "exp": now() + 600})
    assert kept.find(token) is None


@pytest.mark.parametrize("times", [{"exp": 10**400}, {"iat": -(10**400)}])
def test_a_valid_token_with_a_time_past_a_float_is_verified_in_full_not_kept(
    times: dict[str, int],
) -> None:
    """PyJWT compares its times as integers of any size, so it accepts these; keeping them
    would turn them into floats, which cannot hold them (found by the outside tester: a 500)."""
    verifier = TokenVerifier(SETTINGS)
    token = jwt.encode(claims(**times), DEV_JWT_SECRET, algorithm="HS256")

    assert verifier.verify(token).subject == "someone"
    assert verifier._verified.find(token) is None
    assert verifier.verify(token).subject == "someone"
