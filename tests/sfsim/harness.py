"""A simulated tenant for tests: the tenant, its authority (with an OAuth client whose
certificate's key is generated here), served over real HTTP, and the postings settings
that reach it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from services.postings.hr_system.auth import LearningCredentials, SamlBearerCredentials
from tests.sfsim.app import create_simulator
from tests.sfsim.oauth import Authority, OAuthClient
from tests.sfsim.store import Tenant
from tests.support.live import LiveServer

COMPANY_ID = "KENTPOLICE"
API_KEY = "officer-postings"
API_USER = "sfapi"
LEARNING_CLIENT = ("KENTPOLICE", "learning-secret")
BASIC = ("sfapi@KENTPOLICE", "sim-password")


@functools.cache
def key_pair() -> tuple[str, bytes]:
    """(private key PEM, public key PEM) of the OAuth client's certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


class MovableClock:
    """The tenant's clock, which a test moves (token expiry)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(tz=UTC) + self.offset


@dataclass
class Simulated:
    tenant: Tenant
    authority: Authority
    server: LiveServer
    clock: MovableClock

    @property
    def url(self) -> str:
        return self.server.url

    def settings(self) -> dict[str, Any]:
        """Postings' settings for this tenant: SAML bearer and Learning's own token."""
        return {
            "hr_url": self.url,
            "hr_auth": "saml",
            "hr_company_id": COMPANY_ID,
            "hr_api_key": API_KEY,
            "hr_api_user": API_USER,
            "hr_saml_private_key": SecretStr(key_pair()[0]),
            "hr_learning_client_id": LEARNING_CLIENT[0],
            "hr_learning_client_secret": SecretStr(LEARNING_CLIENT[1]),
        }

    def saml(self, now: Callable[[], datetime] | None = None) -> SamlBearerCredentials:
        return SamlBearerCredentials(
            self.url,
            company_id=COMPANY_ID,
            api_key=API_KEY,
            user_id=API_USER,
            private_key_pem=key_pair()[0],
            now=now or (lambda: datetime.now(tz=UTC)),
        )

    def learning(self) -> LearningCredentials:
        return LearningCredentials(
            self.url,
            company_id=COMPANY_ID,
            client_id=LEARNING_CLIENT[0],
            client_secret=LEARNING_CLIENT[1],
            user_id=API_USER,
        )


@contextmanager
def simulated(
    today: date, *, page_size: int = 2, basic: bool = False, data_centre: str = "America/New_York"
) -> Iterator[Simulated]:
    clock = MovableClock()
    tenant = Tenant(today=today, data_centre=data_centre, clock=clock)
    tenant.load("kent")
    authority = Authority(
        company_id=COMPANY_ID,
        clock=clock,
        clients=[OAuthClient(API_KEY, key_pair()[1])],
        users=lambda: {u["userId"] for u in tenant.records["User"]} | {API_USER},
        basic=dict([BASIC]) if basic else {},
        learning_clients=dict([LEARNING_CLIENT]),
    )
    with LiveServer(create_simulator(tenant, authority, page_size=page_size)) as server:
        yield Simulated(tenant, authority, server, clock)
