"""What every browser journey stands on: the three services and the console running for
real (on PostgreSQL, one set per test module), Chromium, a fresh browser context per test,
axe-core's log of the pages visited, and the steps every journey takes (signing in in
the development sign-in, filling a date, moving by keyboard). Loaded as a pytest plugin
by tests/conftest.py, so each journey module has these fixtures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from shared.roles import Role
from tests.helpers import HR, officer_body, register_locations
from tests.support.browser import AccessibilityLog, chromium
from tests.support.console import RunningConsole, running_console
from tests.support.http import ok
from tests.support.tokens import bearer

#: Generous: two cores are shared by the services, the console and the browser.
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def console(
    pg_database_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningConsole]:
    with running_console(pg_database_urls, tmp_path_factory.mktemp("audit")) as running:
        register_locations(running.postings)
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    expect.set_options(timeout=WAIT_MS)
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, console: RunningConsole) -> Iterator[Page]:
    # Downloads allowed: the auditor's journeys save what they download.
    context = browser.new_context(base_url=console.url, accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def axe() -> Iterator[AccessibilityLog]:
    log = AccessibilityLog()
    yield log
    assert log.checked, "no page was checked"
    assert not log.failures, log.failures


#: The line manager who confirms a selection (L1800 3.4.1).
LINE_MANAGER = bearer(Role.LINE_MANAGER, subject="lm-chris")


def selection_posting(console: RunningConsole, officer_id: str, name: str = "Jo Morgan") -> str:
    """An officer chosen at a selection board: their record, then a decision that notifies
    them (L1800 3.4.1); the posting's id."""
    body = officer_body(officer_id, name=name, appointed_on="2019-09-02")
    ok(console.postings.post("/officers", json=body, headers=HR), 201)
    posting: str = ok(
        console.postings.post(
            "/postings/selections",
            json={
                "officer_id": officer_id,
                "to_location": "dover",
                "likely_posting_date": (date.today() + timedelta(days=45)).isoformat(),
                "rationale": "Successful at the Dover CID trainee investigator board",
                "selection_process": "CID board, November",
                "slt_recipients": ["slt-north"],
            },
            headers=LINE_MANAGER,
        ),
        201,
    )["id"]
    return posting


def sign_in(page: Page, axe: AccessibilityLog, name: str, role: str, **more: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    axe.check(page)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Role").select_option(role)
    for field, value in more.items():
        page.locator(f"#{field}").fill(value)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Officer postings")
    axe.check(page)


def fill_date(page: Page, name: str, day: date) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element has the focus, as a keyboard user moves through a page."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


# -- Without a browser: the console's forms over plain HTTP ---------------------------------


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def hidden_of(page: httpx.Response) -> dict[str, str]:
    """The first form's CSRF token and its rendering's own key, as a browser sends them."""
    found = re.search(r'name="form_key" value="([0-9a-f]{32})"', page.text)
    assert found, page.text
    return {"csrf_token": csrf_of(page), "form_key": found.group(1)}


def signed_in(console: RunningConsole, **who: str) -> httpx.Client:
    """A client holding a console session, signed in with the development sign-in."""
    browser = httpx.Client(base_url=console.url)
    form = browser.get("/sign-in")
    page = browser.post("/sign-in", data={"csrf_token": csrf_of(form), **who})
    assert page.status_code == 303, page.text
    return browser
