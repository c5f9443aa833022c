"""The console's sessions, sign-in and forms over real HTTP, without a browser: what the
browser is given (a cookie naming a session, never a token), the CSRF token every POST
needs, and the development sign-in's limits."""

from __future__ import annotations

import re
from contextlib import closing

import anyio
import httpx
import pytest
from fastapi.routing import APIRoute

from services.console.main import ROUTERS, create_app
from services.console.settings import ConsoleSettings
from tests.helpers import HR
from tests.support.console import RunningConsole
from tests.support.journeys import csrf_of, signed_in

pytestmark = pytest.mark.e2e
#: A JSON Web Token anywhere in what the browser gets would start like this.
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}")


def test_the_cookie_names_a_session_and_the_token_never_reaches_the_browser(
    console: RunningConsole,
) -> None:
    with httpx.Client(base_url=console.url) as browser:
        form = browser.get("/sign-in")
        before = browser.cookies["console_session"]
        cookie = form.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert "secure" not in cookie  # served over plain HTTP here

        answer = browser.post(
            "/sign-in",
            data={
                "csrf_token": csrf_of(form),
                "name": "Alice Hill",
                "role": "hr_resource_planning",
            },
        )
        assert answer.status_code == 303
        # Signing in starts a new session: an id known before it never carries a token.
        assert browser.cookies["console_session"] != before
        seen = [answer]
        for path in ("/", "/officers", "/locations", "/officers/new", "/locations/new"):
            seen.append(browser.get(path))
            assert seen[-1].status_code == 200, path
        for response in seen:
            assert not JWT.search(response.text)
            assert not any(JWT.search(value) for value in response.headers.values())


def test_the_cookie_is_secure_when_served_over_tls() -> None:
    """Reached over TLS, the console's cookie is sent back over TLS only."""
    app = create_app(ConsoleSettings())

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://console.test") as c:
            return await c.get("/sign-in")

    cookie = anyio.run(fetch).headers["set-cookie"].lower()
    assert "secure" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_every_post_is_refused_without_the_sessions_csrf_token(console: RunningConsole) -> None:
    browser = signed_in(console, name="Alice Hill", role="hr_resource_planning")
    posts = [
        route.path
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in (route.methods or set())
    ]
    assert "/officers/new" in posts
    assert "/sign-out" in posts
    body = {
        "officer_id": "K900",
        "name": "Sam Carter",
        "rank": "constable",
        "division": "north",
        "place_of_duty": "maidstone",
        "appointed_on-day": "2",
        "appointed_on-month": "9",
        "appointed_on-year": "2019",
    }
    for path in posts:
        concrete = path.replace("{officer_id}", "K900")
        for token in (None, "not-the-token"):
            data = {**body, **({"csrf_token": token} if token else {})}
            refused = browser.post(concrete, data=data)
            assert refused.status_code == 403, (concrete, refused.status_code)
            assert "This form has expired" in refused.text
    # Nothing reached the service: the officer was never registered, and the session
    # the refused sign-out named is still signed in.
    assert console.postings.get("/officers/K900", headers=HR).status_code == 404
    assert browser.get("/").status_code == 200


def test_sign_out_ends_the_session(console: RunningConsole) -> None:
    browser = signed_in(console, name="Jo Morgan", role="officer", officer_id="K901")
    cookie = browser.cookies["console_session"]
    home = browser.get("/")
    assert home.status_code == 200
    out = browser.post("/sign-out", data={"csrf_token": csrf_of(home)})
    assert out.status_code == 303
    assert out.headers["location"] == "/signed-out"
    # The old cookie, sent again as an attacker who copied it would, opens nothing.
    with httpx.Client(base_url=console.url, cookies={"console_session": cookie}) as copy:
        again = copy.get("/")
        assert again.status_code == 303
        assert again.headers["location"] == "/sign-in"


def test_a_sign_in_the_services_would_refuse_names_the_field(console: RunningConsole) -> None:
    with httpx.Client(base_url=console.url) as browser:
        form = browser.get("/sign-in")
        page = browser.post(
            "/sign-in", data={"csrf_token": csrf_of(form), "name": "Sam", "role": "slt"}
        )
        assert page.status_code == 422
        assert '<a href="#division">' in page.text
        assert "console_session" not in page.headers.get("set-cookie", "")


def test_development_sign_in_is_closed_without_the_development_secret() -> None:
    """A console that holds another secret (production's) offers no way to choose who you
    are: both the page and the form are refused."""
    other = ConsoleSettings(jwt_secret="a-production-secret-that-is-long-enough-1234")
    app = create_app(other)

    async def try_both() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console.test") as c:
            page = await c.get("/sign-in")
            form = await c.post("/sign-in", data={"name": "Eve", "role": "director_of_hr"})
            return page, form

    page, form = anyio.run(try_both)
    assert page.status_code == 403
    assert "Sign-in is not available" in page.text
    # Refused for the missing CSRF token or the closed sign-in: either way, no session.
    assert form.status_code == 403
    assert "console_session" not in form.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("who", "form"),
    [
        ({"role": "slt", "division": "north"}, "/officers/new"),
        ({"role": "officer", "officer_id": "K902"}, "/postings/new/compulsory"),
        ({"role": "officer", "officer_id": "K902"}, "/officers/K903/preferences"),
        ({"role": "officer", "officer_id": "K902"}, "/officers/K903/restrictions/new"),
        ({"role": "director_of_hr"}, "/officers/K902/preferences"),
        ({"role": "auditor"}, "/roi/local-case"),
    ],
)
def test_a_form_is_not_shown_to_a_role_that_may_not_send_it(
    console: RunningConsole, who: dict[str, str], form: str
) -> None:
    """The services refuse such a command anyway; the console says so before anyone fills
    the form in, and sends nothing either way."""
    with closing(signed_in(console, name="Pat Lee", **who)) as browser:
        shown = browser.get(form)
        sent = browser.post(form, data={"csrf_token": csrf_of(browser.get("/"))})

    for answer in (shown, sent):
        assert answer.status_code == 403
        assert "You cannot use this page" in answer.text
