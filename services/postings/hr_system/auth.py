"""How the integration proves who it is to SuccessFactors.

- **OAuth2 SAML bearer** (the default): ``POST /oauth/token`` with ``client_id``,
  ``company_id``, the saml2-bearer grant and a signed assertion (KBA 3462403). The token is
  kept and used for every call until shortly before it expires (24 hours; an expired one
  is refused with ``[LGN0022]``, KBA 2872019), so a run does not open a login session per
  request (KBA 2735876).
- **Learning** has its own token server and token (KBA 2558226): the client id and secret
  as Basic credentials and a JSON scope naming the company, the user and ``admin``.
- **Basic**, only when explicitly chosen: SAP is retiring it for APIs.

A 401 on a call makes the holder forget its token (``refused``), so the caller may
authenticate once more and retry."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx

from services.postings.hr_system.saml import load_signing_key, signed_assertion
from shared.errors import Unavailable

SAML2_BEARER = "urn:ietf:params:oauth:grant-type:saml2-bearer"
#: A token is renewed this long before it expires, so none expires during a run.
RENEW_BEFORE = timedelta(minutes=10)


class TokenRefused(Exception):
    """The token endpoint refused us, or we could not ask it (status 0: our signing key
    cannot be read): configuration, not a passing fault."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"the HR system's token endpoint answered {status}: {message}")
        self.status = status


class Credentials(Protocol):
    def authorization(self, http: httpx.Client) -> str:
        """The Authorization header for the next call (fetching a token if needed)."""
        ...

    def refused(self) -> bool:
        """A call was answered 401: forget what was presented. True when presenting
        something new may succeed (a fresh token), False when it cannot (Basic)."""
        ...


class BasicCredentials:
    def __init__(self, user: str, password: str) -> None:
        self._header = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def authorization(self, http: httpx.Client) -> str:
        return self._header

    def refused(self) -> bool:
        return False


class _Token:
    """A bearer token kept until shortly before it expires; one fetch at a time."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._token: str | None = None
        self._expires_at = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()
        #: Tokens fetched, for reporting and for tests.
        self.fetched = 0

    def get(self, fetch: Callable[[], httpx.Response]) -> str:
        with self._lock:
            if self._token is None or self._now() >= self._expires_at - RENEW_BEFORE:
                try:
                    response = fetch()
                except httpx.TransportError as exc:
                    raise Unavailable(
                        f"the HR system's token endpoint cannot be reached: {exc}", service="hr"
                    ) from exc
                if response.status_code == 429 or response.status_code >= 500:
                    # A passing fault of the token endpoint, not a refusal of who we are:
                    # a delivery waits and tries again rather than fail for HR to look at.
                    raise Unavailable(
                        f"the HR system's token endpoint answered {response.status_code}",
                        service="hr",
                    )
                if response.status_code != 200:
                    raise TokenRefused(response.status_code, response.text[:300])
                body = response.json()
                self._token = str(body["access_token"])
                self._expires_at = self._now() + timedelta(seconds=int(body["expires_in"]))
                self.fetched += 1
            return f"Bearer {self._token}"

    def forget(self) -> None:
        with self._lock:
            self._token = None


class SamlBearerCredentials:
    """The platform's OAuth2 SAML bearer token, for OData v2."""

    def __init__(
        self,
        host: str,
        *,
        company_id: str,
        api_key: str,
        user_id: str,
        private_key_pem: str,
        issuer: str = "officer-postings",
        now: Callable[[], datetime] = lambda: datetime.now(tz=UTC),
    ) -> None:
        self._token_url = host.rstrip("/") + "/oauth/token"
        self._company_id = company_id
        self._api_key = api_key
        self._user_id = user_id
        # Read when first needed: a key that cannot be read is then the token endpoint's
        # refusal in that run's report, not an error escaping the service.
        self._pem = private_key_pem
        self._issuer = issuer
        self._now = now
        self.token = _Token(now)

    def _fetch(self, http: httpx.Client) -> httpx.Response:
        try:
            key = load_signing_key(self._pem)
        except (ValueError, TypeError) as exc:
            raise TokenRefused(0, f"the SAML signing key cannot be read: {exc}") from exc
        assertion = signed_assertion(
            key=key,
            issuer=self._issuer,
            api_key=self._api_key,
            user_id=self._user_id,
            token_url=self._token_url,
            now=self._now(),
        )
        return http.post(
            self._token_url,
            data={
                "client_id": self._api_key,
                "company_id": self._company_id,
                "grant_type": SAML2_BEARER,
                "assertion": assertion,
            },
        )

    def authorization(self, http: httpx.Client) -> str:
        return self.token.get(lambda: self._fetch(http))

    def refused(self) -> bool:
        self.token.forget()
        return True


class LearningCredentials:
    """Learning's own OAuth token, from its token server (KBA 2558226)."""

    def __init__(
        self,
        host: str,
        *,
        company_id: str,
        client_id: str,
        client_secret: str,
        user_id: str,
        now: Callable[[], datetime] = lambda: datetime.now(tz=UTC),
    ) -> None:
        self._token_url = host.rstrip("/") + "/learning/oauth-api/rest/v1/token"
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._scope = {
            "userId": user_id,
            "companyId": company_id,
            "userType": "admin",
            "resourceType": "learning_public_api",
        }
        self.token = _Token(now)

    def _fetch(self, http: httpx.Client) -> httpx.Response:
        return http.post(
            self._token_url,
            headers={"Authorization": f"Basic {self._basic}"},
            json={"grant_type": "client_credentials", "scope": self._scope},
        )

    def authorization(self, http: httpx.Client) -> str:
        return self.token.get(lambda: self._fetch(http))

    def refused(self) -> bool:
        self.token.forget()
        return True
