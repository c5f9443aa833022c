"""The return-on-investment journeys in a real browser (L1800 3.9): the Head of Learning
and Development designates a course for the quarter, which joins the "I am Eligible"
list (and its CSV); the Force Resourcing Panel releases one officer early; a Head of
Department makes the case for another's local move and the Head of Resourcing signs it
off, and sees both releases in the monitoring figures; the officer sees their own
commitment. axe-core checks every page visited."""

from __future__ import annotations

import re
from contextlib import closing
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from shared.roles import Role
from tests.helpers import HR, officer_body
from tests.support.browser import AccessibilityLog, screenshot
from tests.support.console import RunningConsole
from tests.support.http import ok
from tests.support.journeys import WAIT_MS, hidden_of, sign_in, signed_in
from tests.support.tokens import bearer

pytestmark = pytest.mark.e2e
LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")


def said(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def bound_commitment(console: RunningConsole, officer_id: str, course_code: str) -> str:
    """An officer who finished a designated course ten days ago: bound for 18 months."""
    ok(console.postings.post("/officers", json=officer_body(officer_id), headers=HR), 201)
    today = date.today()
    designation = ok(
        console.roi.post(
            "/designations",
            json={
                "course_code": course_code,
                "title": f"{course_code} course",
                "quarter": quarter_of(today),
                "reasons": ["high_cost"],
                "proposed_by": ["head_of_l_and_d"],
                "rationale": "Costly to run",
            },
            headers=LD,
        ),
        201,
    )
    commitment = ok(
        console.roi.post(
            "/commitments",
            json={
                "officer_id": officer_id,
                "designation_id": designation["id"],
                "starts_on": (today - timedelta(days=40)).isoformat(),
                "ends_on": (today - timedelta(days=10)).isoformat(),
            },
            headers=LD,
        ),
        201,
    )
    url = f"/commitments/{commitment['id']}"
    notified = {"notified_on": (today - timedelta(days=50)).isoformat()}
    ok(console.roi.post(f"{url}/notice", json=notified, headers=LD))
    completed = {"completed_on": (today - timedelta(days=10)).isoformat()}
    ok(console.roi.post(f"{url}/completion", json=completed, headers=LD))
    return str(commitment["id"])


def test_a_course_is_designated_for_the_quarter_and_joins_the_eligible_list(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    sign_in(page, axe, "Lee Ward", "head_of_l_and_d")
    page.get_by_role("link", name="Courses designated for the ROI period").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Courses designated for {quarter_of(date.today())}"
    )
    axe.check(page)

    page.get_by_label("Course code").fill("PIP2")
    page.get_by_label("Title").fill("Professionalising Investigation, level 2")
    page.get_by_label("Rationale").fill("Detectives are scarce and the course is costly")
    page.get_by_role("button", name="Designate the course").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select why it is designated")).to_have_attribute(
        "href", "#reasons"
    )
    expect(summary).to_contain_text("Select who proposed it")
    axe.check(page)
    page.get_by_label("A scarce skill").check()
    page.get_by_label("High cost").check()
    page.get_by_label("Head of Learning and Development").check()
    page.get_by_role("button", name="Designate the course").click()
    said(page, "is designated for")
    row = page.get_by_role("row", name=re.compile("PIP2"))
    expect(row).to_contain_text("A scarce skill")
    expect(row).to_contain_text("18 months")
    axe.check(page)

    page.get_by_role("link", name='The "I am Eligible" list').click()
    expect(page.get_by_role("row", name=re.compile("PIP2"))).to_be_visible()
    axe.check(page)
    download = page.request.get("/roi/eligible.csv")
    assert download.ok
    assert download.headers["content-type"].startswith("text/csv")
    assert "PIP2" in download.text()
    screenshot(page, "learning-and-development-designates-a-course")


def test_early_release_by_the_panel_and_by_a_local_case_signed_off(
    browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    by_panel = bound_commitment(console, "K600", "DET1")
    by_case = bound_commitment(console, "K601", "DET2")
    contexts = [browser.new_context(base_url=console.url) for _ in range(4)]
    for context in contexts:
        context.set_default_timeout(WAIT_MS)
    panel, department, head, officer = (c.new_page() for c in contexts)
    try:
        sign_in(panel, axe, "Pat Frp", "force_resourcing_panel")
        panel.get_by_role("link", name="ROI commitments and early release").click()
        axe.check(panel)
        panel.get_by_role("link", name=re.compile("K600")).click()
        axe.check(panel)
        panel.get_by_role("button", name="Release the officer").click()
        expect(panel.locator(".govuk-error-summary")).to_contain_text(
            "Enter the exceptional circumstances"
        )
        axe.check(panel)
        panel.get_by_label("Place they are released to").fill("dover")
        panel.get_by_label("The exceptional circumstances").fill("A major inquiry in Dover")
        panel.get_by_role("button", name="Release the officer").click()
        said(panel, "released from the ROI period")
        expect(panel.locator(".govuk-summary-list")).to_contain_text("Force resourcing panel")
        axe.check(panel)

        sign_in(department, axe, "Hal Dept", "head_of_department", division="north")
        department.get_by_role("link", name=re.compile("local move")).click()
        axe.check(department)
        department.get_by_label("The commitment's id").fill(by_case)
        department.get_by_label("Place of the local move").fill("tonbridge")
        department.get_by_label("The case for the move").fill("The CID team moves to Tonbridge")
        department.get_by_role("button", name="Make the case").click()
        said(department, "The case for a local move is made")
        axe.check(department)

        sign_in(head, axe, "Dana Ross", "head_of_resourcing")
        head.goto(f"/roi/commitments/{by_case}")
        axe.check(head)
        head.get_by_label("Why you sign it off").fill("The move keeps the detective in CID")
        head.get_by_role("button", name="Sign off the local move").click()
        said(head, "The local move is signed off")
        axe.check(head)
        head.get_by_role("link", name="Officer postings").click()
        head.get_by_role("link", name="Monitoring figures").click()
        expect(head.get_by_role("img", name="Early releases from the ROI period")).to_be_visible()
        for how in ("By the Force Resourcing Panel", "A local move, signed off"):
            expect(head.get_by_role("row", name=re.compile(how))).to_contain_text("1")
        axe.check(head)
        screenshot(head, "head-of-resourcing-sees-early-releases")

        sign_in(officer, axe, "Kit Moss", "officer", officer_id="K600")
        officer.get_by_role("link", name="Your ROI commitments").click()
        axe.check(officer)
        officer.get_by_role("link", name=re.compile("K600")).click()
        expect(officer.locator(".govuk-summary-list")).to_contain_text("Released for a move to")
        axe.check(officer)
        assert by_panel in officer.url
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("commitment_id", ["x" * 100_000, "..", "abc?a=/release"])
def test_a_local_case_naming_no_commitment_is_refused_on_its_field(
    console: RunningConsole, commitment_id: str
) -> None:
    """Outside tester's findings: an id too long for any address, or one that would name
    another resource, is refused on the field; nothing is sent to ROI."""
    with closing(
        signed_in(console, name="Hal Dean", role="head_of_department", division="north")
    ) as head:
        form = head.get("/roi/local-case")
        sent = head.post(
            "/roi/local-case",
            data={
                **hidden_of(form),
                "commitment_id": commitment_id,
                "rationale": "Needed in CID now",
            },
        )
    assert sent.status_code == 422
    assert 'href="#commitment_id"' in sent.text
