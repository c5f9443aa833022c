"""The force's identity provider, as far as a machine client sees it: an OAuth 2.0 token
endpoint for the client credentials grant (RFC 6749 4.4) and the JSON Web Key Set that the
services verify its tokens against (RFC 7517), both on loopback.

It stands in for the real provider, which cannot run here. Only what the RFCs require of a
provider is modelled: a confidential client authenticates with HTTP Basic (which a provider
must support, RFC 6749 2.3.1) or with its id and secret in the form body (which it may);
a wrong secret is a 401 ``invalid_client`` and another grant a 400
``unsupported_grant_type`` (RFC 6749 5.2); the token is a signed JWT whose claims are the
ones registered for that client (here, a role)."""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from jwt.algorithms import RSAAlgorithm

from shared.settings import PostingsSettings
from tests.support.live import LiveServer

KEY_ID = "force-idp-1"


@dataclass
class Client:
    secret: str
    claims: dict[str, Any]


@dataclass
class IdentityProvider:
    issuer: str = PostingsSettings().jwt_issuer
    audience: str = PostingsSettings().jwt_audience
    lifetime: int = 3600
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    clients: dict[str, Client] = field(default_factory=dict)
    #: Each token request as received: which client, and how it authenticated.
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def register(self, client_id: str, **claims: Any) -> str:
        secret = secrets.token_urlsafe(24)
        self.clients[client_id] = Client(secret, claims)
        return secret

    def mint(self, subject: str, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "exp": now + self.lifetime,
            **claims,
        }
        return jwt.encode(body, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def _client(self, request: Request, form: dict[str, str]) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                pair = base64.b64decode(header[6:], validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            client_id, _, secret = pair.partition(":")
            how = "basic"
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
            how = "post"
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return None
        self.token_requests.append({"client_id": client_id, "auth": how})
        return client_id

    def app(self) -> FastAPI:
        provider = FastAPI()
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=KEY_ID, use="sig", alg="RS256")

        @provider.get("/healthz")
        def up() -> dict[str, str]:
            return {"status": "ok"}

        @provider.get("/jwks")
        def keys() -> dict[str, Any]:
            return {"keys": [jwk]}

        @provider.post("/token")
        async def token(request: Request) -> JSONResponse:
            form = {k: str(v) for k, v in (await request.form()).items()}
            client_id = self._client(request, form)
            if client_id is None:
                return JSONResponse(
                    {"error": "invalid_client"},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="token"'},
                )
            if form.get("grant_type") != "client_credentials":
                return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
            access = self.mint(client_id, **self.clients[client_id].claims)
            return JSONResponse(
                {"access_token": access, "token_type": "Bearer", "expires_in": self.lifetime},
                headers={"Cache-Control": "no-store"},
            )

        return provider


class RunningProvider:
    """The provider served on loopback, with its token and key-set addresses."""

    def __init__(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self._server = LiveServer(provider.app())

    def __enter__(self) -> RunningProvider:
        self._server.__enter__()
        self.token_url = f"{self._server.url}/token"
        self.jwks_url = f"{self._server.url}/jwks"
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)
