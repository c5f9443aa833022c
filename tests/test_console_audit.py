"""The auditor's journeys in a real browser (issue 17, points 4 and 6): a case as it stood at
a chosen moment, its history drawn as a timeline and given as a table; each service's log
verified with its last signed checkpoint; the consultation log; a service's log downloaded
through the console. axe-core checks every page visited."""

from __future__ import annotations

import json
import re
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import HR
from tests.support.browser import AccessibilityLog, screenshot
from tests.support.console import RunningConsole
from tests.support.http import ok
from tests.support.journeys import selection_posting, sign_in, signed_in

pytestmark = pytest.mark.e2e
NAME = "Robin Example"


@pytest.fixture(scope="module", autouse=True)
def history(console: RunningConsole) -> None:
    """An officer chosen at a selection board, whose cases the auditor reads."""
    selection_posting(console, "K360", name=NAME)


def sign_in_as_auditor(page: Page, axe: AccessibilityLog) -> None:
    sign_in(page, axe, "Ann Audit", "auditor")


def test_an_auditor_reads_a_case_as_it_stood_at_a_moment_drawn_as_a_timeline(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    sign_in_as_auditor(page, axe)
    page.get_by_role("link", name="An officer's timeline").click()
    page.get_by_label("Officer ID").fill("K360")
    page.get_by_role("button", name="Show timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    axe.check(page)

    # The officer's record as it stood just after it was registered: the first of its
    # events, with the posting's mark on the record still to come.
    registered = page.locator(".console-timeline__entry").filter(has_text="Officer.Registered")
    registered.get_by_role("link", name=re.compile("officer case as it stood after this")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A case as it stood at a moment")
    expect(page.get_by_text(re.compile(r"^Version 1 of [2-9]"))).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("History of the Officer case"))
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="(after the chosen moment)").first).to_be_attached()
    rows = page.locator("table.govuk-table tbody tr")
    expect(rows.first.get_by_role("cell")).to_contain_text(["1", "Officer.Registered"])
    expect(rows.last.get_by_role("cell").nth(3)).to_have_text("After")
    expect(page.locator(".govuk-summary-list")).to_contain_text("K360")
    axe.check(page)

    # A date that is no date is named on the form, linked to its day box.
    page.locator("#at-day").fill("31")
    page.locator("#at-month").fill("2")
    page.locator("#at-year").fill("2026")
    page.get_by_role("button", name="Show the case").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="The date must be a real date")).to_have_attribute(
        "href", "#at-day"
    )
    axe.check(page)

    # The day before, the record did not exist yet.
    yesterday = date.today() - timedelta(days=1)
    for part, value in (("day", yesterday.day), ("month", yesterday.month)):
        page.locator(f"#at-{part}").fill(str(value))
    page.locator("#at-year").fill(str(yesterday.year))
    page.get_by_role("button", name="Show the case").click()
    expect(page.get_by_text("The case did not exist yet at that moment")).to_be_visible()
    axe.check(page)
    # The end of tomorrow in London is after every event, whatever the hour here.
    tomorrow = date.today() + timedelta(days=1)
    page.locator("#at-day").fill(str(tomorrow.day))
    page.locator("#at-month").fill(str(tomorrow.month))
    page.locator("#at-year").fill(str(tomorrow.year))
    page.get_by_role("button", name="Show the case").click()
    expect(page.get_by_text(re.compile(r"^Version (\d+) of \1:"))).to_be_visible()
    expect(rows.last.get_by_role("cell").nth(3)).to_have_text("Yes")
    axe.check(page)
    screenshot(page, "auditor-case-at-a-moment")


def test_an_auditor_signs_and_verifies_the_logs_reads_the_consultations_and_downloads_a_log(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    # Someone read K360's record, so the consultation log has an entry for them.
    ok(console.postings.get("/officers/K360", headers=HR))
    sign_in_as_auditor(page, axe)

    page.get_by_role("link", name="Each service's log, verified").click()
    page.get_by_role("button", name="Sign a checkpoint of the postings log").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The postings log was signed as it stands"
    )
    postings = page.locator("h2:text-is('Postings') + p + dl")
    last = postings.locator(".govuk-summary-list__row", has_text="Last signed checkpoint")
    expect(last).to_contain_text(re.compile(r"Signed .*, covering the first \d+ events"))
    expect(page.locator("h2:text-is('Postings') + p")).to_have_text("Intact")
    axe.check(page)

    page.goto("/")
    page.get_by_role("link", name="Who consulted officers' records").click()
    page.get_by_label("Only this officer (optional)").fill("K360")
    page.get_by_role("button", name="Filter").click()
    read = page.get_by_role("row", name="GET /officers/K360")
    expect(read.get_by_role("cell").nth(1)).to_contain_text("HR Resource Planning")
    axe.check(page)
    page.get_by_role("link", name="Appeals", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Appeals")).to_be_visible()
    axe.check(page)

    page.goto("/")
    page.get_by_role("link", name="Download a service's log").click()
    axe.check(page)
    page.locator("#from-day").fill("30")
    page.locator("#from-month").fill("2")
    page.locator("#from-year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link", name="The first day must be a real date"
        )
    ).to_have_attribute("href", "#from-day")
    axe.check(page)
    today = date.today()
    page.get_by_label("Only this officer's cases (optional)").fill("K360")
    page.locator("#from-day").fill(str(today.day))
    page.locator("#from-month").fill(str(today.month))
    page.locator("#from-year").fill(str(today.year))
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Filtered: officer K360's cases, events recorded from")).to_be_visible()
    axe.check(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Postings log (JSON Lines)").click()
    download = downloading.value
    assert re.fullmatch(r"postings-export-\d{8}T\d{6}Z\.jsonl", download.suggested_filename)
    text = Path(download.path()).read_text()
    header, *events = [json.loads(line) for line in text.splitlines()]
    assert header["filters"]["officer_id"] == "K360"
    assert header["filters"]["since"]
    assert {"Officer.Registered", "Posting.Decided"} <= {e["event"]["type"] for e in events}
    # Personal data stays sealed in the file the auditor takes away.
    assert NAME not in text
    screenshot(page, "auditor-chains-consultations-export")


def test_a_moment_london_cannot_show_is_a_refusal_on_the_date(console: RunningConsole) -> None:
    """Outside tester's finding: the calendar's first instant, in London's early offset,
    falls before the year 1; it is refused on the date, not a 500."""
    with closing(signed_in(console, name="Ann Audit", role="auditor")) as auditor:
        answer = auditor.get(
            "/audit/cases",
            params={
                "service": "postings",
                "case_id": "6f0c1a52-1111-4111-8111-111111111111",
                "at": "0001-01-01T00:00:00+00:00",
            },
        )
    assert answer.status_code == 422
    assert "The date must be a real date" in answer.text
