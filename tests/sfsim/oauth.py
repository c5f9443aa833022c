"""The simulated tenant's authentication, as SAP documents it.

- ``POST /oauth/token`` takes ``client_id``, ``company_id``, ``grant_type`` saml2-bearer and
  a base64 SAML 2.0 ``assertion`` signed with the private key of the X.509 certificate
  registered for that OAuth client (KBA 3462403; "Generating a SAML Assertion" in the
  OData API developer guide). The signature is an enveloped XML signature, RSA-SHA256 over
  the exclusively canonicalised SignedInfo, whose SHA-256 reference digests the assertion.
- The access token lasts ``expires_in`` seconds (24 hours by default); an expired one is
  refused with 401 ``[LGN0022]`` (KBA 2872019).
- Basic authentication of API calls is answered only when the tenant still allows it.
- Learning has its own token server, ``POST /learning/oauth-api/rest/v1/token``, with the
  client id and secret as Basic credentials and a JSON scope (KBA 2558226); its tokens are
  good for Learning only, and the platform's for the platform only.

Canonicalisation: the simulator canonicalises with the standard library's C14N 2.0, which
for these documents (no comments, no ``xml:`` attributes, each namespace declared where it
is used) gives the same octets as exclusive C14N 1.0, the algorithm the assertion names."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import secrets
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SAML2_BEARER = "urn:ietf:params:oauth:grant-type:saml2-bearer"
AUDIENCE = "www.successfactors.com"
ET.register_namespace("saml2", SAML)
ET.register_namespace("ds", DS)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _c14n(element: ET.Element) -> bytes:
    return ET.canonicalize(ET.tostring(element, encoding="unicode")).encode()


def _instant(text: str | None) -> datetime:
    if not text:
        raise Refused(400, "Invalid SAML assertion: a time is missing")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class OAuthClient:
    """An OAuth client registered in the tenant (Admin Center > Manage OAuth2 Client
    Applications): its API key and the public key of its X.509 certificate."""

    api_key: str
    public_key_pem: bytes


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime
    api: str  # "platform" or "learning"
    admin: bool


class Authority:
    """Who may call, and the tokens issued."""

    def __init__(
        self,
        *,
        company_id: str,
        clock: Callable[[], datetime],
        clients: Sequence[OAuthClient] = (),
        users: Callable[[], set[str]],
        basic: dict[str, str] | None = None,
        learning_clients: dict[str, str] | None = None,
        token_lifetime: timedelta = timedelta(hours=24),
        learning_token_lifetime: timedelta = timedelta(minutes=30),
    ) -> None:
        self.company_id = company_id
        self.clock = clock
        self.clients = {c.api_key: c for c in clients}
        self.users = users
        #: "user@company" -> password, when Basic authentication is still enabled.
        self.basic = basic or {}
        self.learning_clients = learning_clients or {}
        self.token_lifetime = token_lifetime
        self.learning_token_lifetime = learning_token_lifetime
        self.tokens: dict[str, Issued] = {}
        self.tokens_issued = 0
        self._lock = threading.Lock()

    def _issue(self, api: str, lifetime: timedelta, *, admin: bool) -> dict[str, object]:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.tokens[token] = Issued(token, self.clock() + lifetime, api, admin)
            self.tokens_issued += 1
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(lifetime.total_seconds()),
        }

    def expire_all(self) -> None:
        """For tests: every token issued so far has expired."""
        with self._lock:
            past = self.clock() - timedelta(seconds=1)
            self.tokens = {k: Issued(v.token, past, v.api, v.admin) for k, v in self.tokens.items()}

    # -- the platform's token endpoint ---------------------------------------------------

    def platform_token(self, form: dict[str, str], token_url: str) -> dict[str, object]:
        if form.get("grant_type") != SAML2_BEARER:
            raise Refused(400, f"Unsupported grant_type {form.get('grant_type')!r}")
        if form.get("company_id") != self.company_id:
            raise Refused(400, "Invalid company_id")
        client = self.clients.get(form.get("client_id", ""))
        if client is None:
            raise Refused(401, "Invalid client_id")
        self._verify(form.get("assertion", ""), client, token_url)
        return self._issue("platform", self.token_lifetime, admin=True)

    def _verify(self, encoded: str, client: OAuthClient, token_url: str) -> None:
        try:
            assertion = ET.fromstring(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ET.ParseError) as exc:
            raise Refused(400, "Invalid SAML assertion: not base64 XML") from exc
        if assertion.tag != f"{{{SAML}}}Assertion":
            raise Refused(400, "Invalid SAML assertion: no Assertion")
        signature = assertion.find(f"{{{DS}}}Signature")
        if signature is None:
            raise Refused(401, "Invalid SAML assertion: it is not signed")
        signed_info = signature.find(f"{{{DS}}}SignedInfo")
        value = signature.findtext(f"{{{DS}}}SignatureValue")
        if signed_info is None or not value:
            raise Refused(401, "Invalid SAML assertion: a malformed signature")
        method = signed_info.find(f"{{{DS}}}SignatureMethod")
        c14n = signed_info.find(f"{{{DS}}}CanonicalizationMethod")
        reference = signed_info.find(f"{{{DS}}}Reference")
        if (
            method is None
            or method.get("Algorithm") != RSA_SHA256
            or c14n is None
            or c14n.get("Algorithm") != EXC_C14N
            or reference is None
            or reference.get("URI") != f"#{assertion.get('ID')}"
        ):
            raise Refused(401, "Invalid SAML assertion: an unsupported signature")
        transforms = [t.get("Algorithm") for t in reference.iter(f"{{{DS}}}Transform")]
        digest_method = reference.find(f"{{{DS}}}DigestMethod")
        if (
            transforms != [ENVELOPED, EXC_C14N]
            or digest_method is None
            or (digest_method.get("Algorithm") != SHA256)
        ):
            raise Refused(401, "Invalid SAML assertion: an unsupported reference")
        unsigned = copy.deepcopy(assertion)
        unsigned.remove(unsigned.find(f"{{{DS}}}Signature"))  # type: ignore[arg-type]
        digest = base64.b64encode(hashlib.sha256(_c14n(unsigned)).digest()).decode()
        if digest != (reference.findtext(f"{{{DS}}}DigestValue") or "").strip():
            raise Refused(401, "Invalid SAML assertion: the digest does not match")
        key = load_pem_public_key(client.public_key_pem)
        if not isinstance(key, rsa.RSAPublicKey):
            raise Refused(401, "Invalid SAML assertion: the registered key is not RSA")
        try:
            key.verify(
                base64.b64decode(value), _c14n(signed_info), padding.PKCS1v15(), hashes.SHA256()
            )
        except (InvalidSignature, binascii.Error) as exc:
            raise Refused(401, "Invalid SAML assertion: the signature does not verify") from exc
        self._check_claims(assertion, client, token_url)

    def _check_claims(self, assertion: ET.Element, client: OAuthClient, token_url: str) -> None:
        now = self.clock()
        conditions = assertion.find(f"{{{SAML}}}Conditions")
        if conditions is None:
            raise Refused(400, "Invalid SAML assertion: no Conditions")
        if not _instant(conditions.get("NotBefore")) - timedelta(minutes=1) <= now:
            raise Refused(401, "Invalid SAML assertion: not yet valid")
        if now >= _instant(conditions.get("NotOnOrAfter")):
            raise Refused(401, "Invalid SAML assertion: expired")
        audiences = [a.text for a in conditions.iter(f"{{{SAML}}}Audience")]
        if AUDIENCE not in audiences:
            raise Refused(401, f"Invalid SAML assertion: the audience is not {AUDIENCE}")
        confirmation = assertion.find(
            f"{{{SAML}}}Subject/{{{SAML}}}SubjectConfirmation/{{{SAML}}}SubjectConfirmationData"
        )
        if confirmation is None or confirmation.get("Recipient") != token_url:
            raise Refused(401, "Invalid SAML assertion: the recipient is not this token URL")
        user = assertion.findtext(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
        if user not in self.users():
            raise Refused(401, f"Invalid SAML assertion: unknown user {user!r}")
        keys = [
            v.text
            for a in assertion.iter(f"{{{SAML}}}Attribute")
            if a.get("Name") == "api_key"
            for v in a.iter(f"{{{SAML}}}AttributeValue")
        ]
        if keys != [client.api_key]:
            raise Refused(401, "Invalid SAML assertion: api_key does not name this client")

    # -- Learning's token endpoint -------------------------------------------------------

    def learning_token(self, authorization: str, body: object) -> dict[str, object]:
        if not authorization.startswith("Basic "):
            raise Refused(401, "Client credentials are required")
        try:
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Refused(401, "Malformed client credentials") from exc
        known = self.learning_clients.get(client_id)
        if known is None or not secrets.compare_digest(known, secret):
            raise Refused(403, "Invalid client credentials")
        if not isinstance(body, dict) or body.get("grant_type") != "client_credentials":
            raise Refused(400, "grant_type must be client_credentials")
        scope = body.get("scope")
        if (
            not isinstance(scope, dict)
            or scope.get("companyId") != self.company_id
            or scope.get("resourceType") != "learning_public_api"
            or scope.get("userType") not in {"admin", "user"}
        ):
            raise Refused(400, "Invalid scope")
        return self._issue(
            "learning", self.learning_token_lifetime, admin=scope["userType"] == "admin"
        )

    # -- checking a call -----------------------------------------------------------------

    def check(self, authorization: str, api: str) -> Issued | None:
        """The token or Basic credentials a call presents, for ``api``; raises Refused."""
        if authorization.startswith("Basic ") and api == "platform":
            try:
                user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise Refused(401, "Authentication failed") from exc
            known = self.basic.get(user)
            if known is None or not secrets.compare_digest(known, password):
                raise Refused(
                    401,
                    "Authentication failed. You have entered an incorrect username or "
                    "password (status code = 4).",
                )
            return None
        if not authorization.startswith("Bearer "):
            raise Refused(401, "Authentication failed")
        with self._lock:
            issued = self.tokens.get(authorization[7:])
        if issued is None or issued.api != api:
            raise Refused(401, "Authentication failed: invalid access token")
        if self.clock() >= issued.expires_at:
            raise Refused(401, "[LGN0022]The access token has expired. Request a new one.")
        return issued
