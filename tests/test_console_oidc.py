"""Sign-in with an identity provider: OpenID Connect's authorisation code flow with PKCE,
against a real provider on loopback (oidc-provider-mock), with the services verifying its
tokens by its published key set, as they would the force's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import oidc_provider_mock
import pytest
from playwright.sync_api import Browser, Page, expect

from services.console.settings import ConsoleSettings
from tests.helpers import LOCATIONS
from tests.support.browser import AccessibilityLog, screenshot
from tests.support.console import RunningConsole, running_console

pytestmark = pytest.mark.e2e
CLIENT_ID = "officer-postings-console"
WAIT_MS = 30_000
#: People as the provider knows them: their claims carry our role, division and officer id.
PEOPLE = {
    "hr-alice": {"role": "hr_resource_planning", "name": "Alice Hill"},
    "K400": {"role": "officer", "officer_id": "K400", "name": "Jo Morgan"},
    "visitor": {"name": "A visitor"},  # no role for this service
}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        for subject, claims in PEOPLE.items():
            answer = httpx.put(f"{url}/users/{quote(subject)}", json=claims)
            assert answer.status_code == 204, answer.text
        yield url


@pytest.fixture(scope="module")
def console(
    provider: str, pg_database_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningConsole]:
    with running_console(
        pg_database_urls,
        tmp_path_factory.mktemp("audit"),
        # The provider's access tokens are opaque; its ID tokens are JWTs for this client.
        # A confidential client, as a backend-for-frontend is; PKCE protects the code too.
        console=ConsoleSettings(
            oidc_issuer=provider,
            oidc_client_secret="console-client-secret",
            oidc_api_token="id_token",
        ),
        tokens={
            "jwt_algorithm": "RS256",
            "jwks_url": f"{provider}/jwks",
            "jwt_issuer": provider,
            "jwt_audience": CLIENT_ID,
        },
        follow=False,
    ) as running:
        yield running


def sign_in_at_the_provider(page: Page, axe: AccessibilityLog, subject: str) -> None:
    page.goto("/sign-in")
    axe.check(page)
    page.get_by_role("button", name="Sign in with your Kent Police account").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Officer postings")
    axe.check(page)


def test_hr_and_an_officer_sign_in_with_the_identity_provider(
    browser: Browser, console: RunningConsole
) -> None:
    axe = AccessibilityLog()
    context = browser.new_context(base_url=console.url)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        sign_in_at_the_provider(page, axe, "hr-alice")
        expect(page.get_by_role("navigation", name="Account")).to_contain_text(
            "Alice Hill, HR Resource Planning"
        )
        # The provider's token is the one the services act on: HR registers with it.
        page.goto("/locations/new")
        name, division, town, lat, lon = LOCATIONS["maidstone"]
        for label, value in (
            ("Code", "maidstone"),
            ("Name", name),
            ("Division", division),
            ("Town", town),
            ("Latitude", str(lat)),
            ("Longitude", str(lon)),
        ):
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Register place of duty").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("is registered")
        page.goto("/officers/new")
        page.get_by_label("Officer ID").fill("K400")
        page.get_by_label("Name").fill("Jo Morgan")
        page.get_by_label("Rank").select_option("constable")
        page.get_by_label("Division").fill("north")
        page.get_by_label("Place of duty").fill("maidstone")
        for part, number in zip(("day", "month", "year"), (2, 9, 2019), strict=True):
            page.locator(f"#appointed_on-{part}").fill(str(number))
        page.get_by_role("button", name="Register officer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Jo Morgan")
        # Signing out ends the provider's session too (RP-Initiated Logout): it asks, and
        # sends the browser back to the console, whose own session has ended already.
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/oauth2/end_session\?"))
        assert "id_token_hint=" in page.url
        assert page.context.cookies(console.url) == []
        page.get_by_role("button", name="End session").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")

        sign_in_at_the_provider(page, axe, "K400")
        page.get_by_role("link", name="Your record and notifications").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your record")
        expect(page.locator(".govuk-summary-list")).to_contain_text(
            f"{date(2019, 9, 2).day} September 2019"
        )
        axe.check(page)
        screenshot(page, "officer-signed-in-with-the-identity-provider")
    finally:
        context.close()
    assert not axe.failures, axe.failures


def test_the_flow_uses_pkce_and_refuses_an_account_without_a_role(
    console: RunningConsole,
) -> None:
    with httpx.Client(base_url=console.url) as browser:
        start = browser.get("/sign-in/oidc")
        assert start.status_code == 302
        authorize = start.headers["location"]
        query = parse_qs(urlsplit(authorize).query)
        assert query["code_challenge_method"] == ["S256"]
        assert query["code_challenge"][0]
        assert query["state"][0]
        assert query["nonce"][0]
        granted = httpx.post(authorize, data={"sub": "visitor"})
        assert granted.status_code == 302
        callback = browser.get(granted.headers["location"])
        assert callback.status_code == 401
        assert "Your account cannot use this service" in callback.text
        assert browser.get("/").headers["location"] == "/sign-in"
        # A code replayed (or a callback from a sign-in this session never started) is refused.
        replay = browser.get(granted.headers["location"])
        assert replay.status_code == 401
        assert "did not sign you in" in replay.text


def test_development_sign_in_is_refused_when_the_services_trust_another_signer(
    console: RunningConsole,
) -> None:
    """The console still holds the development secret, but the services verify the
    provider's tokens: a chosen identity would be a token they refuse, so none is made."""
    with httpx.Client(base_url=console.url) as browser:
        form = browser.get("/sign-in")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None
        page = browser.post(
            "/sign-in",
            data={"csrf_token": csrf.group(1), "name": "Eve", "role": "director_of_hr"},
        )
        assert page.status_code == 422
        assert "The services do not accept development sign-in" in page.text
        assert browser.get("/").headers["location"] == "/sign-in"
