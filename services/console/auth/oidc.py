"""Sign-in with the force's identity provider: OpenID Connect's authorisation code flow
with PKCE (authlib). The state, nonce and code verifier wait in the person's server-side
session; the ID token's claims are checked as the services check a token's claims, and
mapped to the role, division and officer id the services act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.auth.people import services_accept, start_session
from services.console.browser import current_session, session_for_form
from services.console.refusals import ErrorSummary
from services.console.rendering import render
from services.console.sessions import Person
from services.console.settings import ConsoleSettings
from shared.identity import InvalidToken, principal_from_claims

router = APIRouter()
PROVIDER = "force"


class OidcNotConfigured(Exception):
    """No identity provider is configured (CONSOLE_OIDC_ISSUER is empty)."""


def registry(settings: ConsoleSettings) -> OAuth | None:
    if not settings.oidc_issuer:
        return None
    oauth = OAuth()
    secret = settings.oidc_client_secret.get_secret_value()
    oauth.register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=secret or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scope,
            # PKCE: the code is worth nothing without the verifier kept in our session.
            "code_challenge_method": "S256",
            **({} if secret else {"token_endpoint_auth_method": "none"}),
        },
    )
    return oauth


def _provider(request: Request) -> StarletteOAuth2App:
    oauth: OAuth | None = request.app.state.oauth
    if oauth is None:
        raise OidcNotConfigured
    client: StarletteOAuth2App = oauth.create_client(PROVIDER)
    return client


@router.get("/sign-in/oidc")
async def start(request: Request) -> Response:
    provider = _provider(request)
    session = session_for_form(request)
    # authlib keeps a sign-in's state where Starlette keeps a session: ours, server-side.
    request.scope["session"] = session.oidc
    redirect: Response = await provider.authorize_redirect(
        request, str(request.url_for("oidc_callback"))
    )
    return redirect


@router.get("/sign-in/oidc/callback", name="oidc_callback", response_class=HTMLResponse)
async def callback(request: Request) -> Response:
    provider = _provider(request)
    session = current_session(request)
    errors = ErrorSummary()
    claims: dict[str, Any] = {}
    answer: dict[str, Any] = {}
    if session is None:
        errors.add("Your sign-in took too long. Start again.", None)
    else:
        request.scope["session"] = session.oidc
        try:
            answer = await provider.authorize_access_token(request)
            claims = dict(answer.get("userinfo") or {})
        except OAuthError as exc:
            errors.add(f"The identity provider did not sign you in: {exc.description}", None)
    person = None
    if not errors:
        try:
            principal = principal_from_claims(claims)
        except InvalidToken as exc:
            errors.add(f"Your account cannot use this service: {exc}", None)
        else:
            person = Person(
                subject=principal.subject,
                name=str(claims.get("name") or principal.subject),
                role=principal.role,
                officer_id=principal.officer_id,
                division=principal.division,
            )
    token = str(answer.get(request.app.state.settings.oidc_api_token) or "")
    if person is not None and not await services_accept(request, token):
        errors.add("The services do not accept the identity provider's token", None)
    if errors or person is None:
        return render(request, "auth/sign_in_failed.html", {"errors": errors}, status_code=401)
    expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    id_token = answer.get("id_token")
    start_session(
        request,
        person,
        token,
        min(expires_at, _longest()),
        id_token=str(id_token) if id_token else None,
    )
    return RedirectResponse("/", status_code=303)


async def end_session_at_the_provider(request: Request, id_token: str) -> str | None:
    """Where to send the browser so the provider ends its own session too (OpenID Connect
    RP-Initiated Logout 1.0): its end_session_endpoint, naming the ID token it issued and
    where to come back to. None when the provider publishes no such endpoint; the console's
    own session has ended either way."""
    oauth: OAuth | None = request.app.state.oauth
    if oauth is None:
        return None
    client: StarletteOAuth2App = oauth.create_client(PROVIDER)
    metadata = await client.load_server_metadata()
    endpoint = metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": request.app.state.settings.oidc_client_id,
            "post_logout_redirect_uri": str(request.url_for("signed_out")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _longest() -> datetime:
    """A session with the provider's token lasts no longer than a working day."""
    return datetime.now(tz=UTC) + timedelta(hours=10)
