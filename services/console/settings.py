"""The console's settings, from the environment with the prefix ``CONSOLE_``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import DEV_JWT_SECRET


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = 8000
    #: The force whose staff use this console: its name heads every page.
    force_name: Literal["Kent Police", "Essex Police"] = "Kent Police"

    #: Where the three services' public APIs answer.
    postings_url: str = "http://127.0.0.1:8001"
    appeals_url: str = "http://127.0.0.1:8002"
    roi_url: str = "http://127.0.0.1:8003"
    api_timeout_seconds: float = Field(default=10.0, gt=0)

    #: The tokens the services trust. The development sign-in mints tokens with this secret,
    #: and is offered only while it is the development secret (HS256).
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_issuer: str = "officer-postings"
    jwt_audience: str = "officer-postings"

    #: The force's identity provider (OpenID Connect): its issuer URL, where
    #: /.well-known/openid-configuration is found; empty: no such sign-in.
    oidc_issuer: str = ""
    oidc_client_id: str = "officer-postings-console"
    #: Empty for a public client, which PKCE alone protects.
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scope: str = "openid profile"
    #: Which of the provider's tokens the services verify: its access token when that is a
    #: JWT for the services' audience, else the ID token (whose audience is this client).
    oidc_api_token: Literal["access_token", "id_token"] = "access_token"

    #: A session ends after this long without a request, and never outlives its token.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)

    @property
    def development_sign_in(self) -> bool:
        return (
            self.jwt_algorithm == "HS256" and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
