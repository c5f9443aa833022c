"""The console's first journeys in a real browser (Debian's Chromium, driven by Playwright),
against the three services on PostgreSQL and the console over real HTTP. axe-core checks
every page each journey visits; each journey's last page is kept under var/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from shared.roles import Role
from tests.helpers import HR, officer_body
from tests.support.browser import AccessibilityLog, screenshot
from tests.support.console import RunningConsole
from tests.support.http import eventually, ok
from tests.support.journeys import WAIT_MS, fill_date, selection_posting, sign_in, tab_to
from tests.support.tokens import bearer

pytestmark = pytest.mark.e2e


def test_hr_registers_a_place_and_an_officer_then_records_a_pdr(
    page: Page, browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    sign_in(page, axe, "Alice Hill", "hr_resource_planning")

    # A place of duty, refused first: each field at fault is named and linked.
    page.get_by_role("link", name="Register a place of duty").click()
    axe.check(page)
    page.get_by_label("Code").fill("tunbridge wells")
    page.get_by_label("Latitude").fill("north of here")
    page.get_by_role("button", name="Register place of duty").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the name")
    expect(summary).to_contain_text("The latitude must be a number")
    axe.check(page)
    summary.get_by_role("link", name=re.compile("The code must start")).click()
    expect(page.locator("#code")).to_be_focused()
    page.get_by_label("Code").fill("tunbridge-wells")
    page.get_by_label("Name").fill("Tunbridge Wells police station")
    page.get_by_label("Division").fill("north")
    page.get_by_label("Town").fill("Tunbridge-Wells")
    page.get_by_label("Latitude").fill("51.132")
    page.get_by_label("Longitude").fill("0.263")
    page.get_by_role("button", name="Register place of duty").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is registered")
    expect(page.get_by_role("cell", name="tunbridge-wells", exact=True)).to_be_visible()
    axe.check(page)

    # An officer at a place that is not registered: the rule, in plain words, with its clause.
    page.goto("/officers/new")
    page.get_by_label("Officer ID").fill("K310")
    page.get_by_label("Name").fill("Sam Carter")
    page.get_by_label("Rank").select_option("sergeant")
    page.get_by_label("Division").fill("north")
    page.get_by_label("Place of duty").fill("nowhere")
    fill_date(page, "appointed_on", date(2018, 4, 3))
    page.get_by_role("button", name="Register officer").click()
    expect(summary.get_by_role("link")).to_have_text(
        "No place of duty 'nowhere' is registered (L1800 3.1.1)"
    )
    expect(summary.get_by_role("link")).to_have_attribute("href", "#place_of_duty")
    axe.check(page)
    page.get_by_label("Place of duty").fill("tunbridge-wells")
    page.get_by_role("button", name="Register officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Carter")
    # The record, with the strength of the officer's division at their rank beside it.
    strength = page.locator(".govuk-summary-list", has_text="Projected after planned postings")
    now = strength.locator(".govuk-summary-list__row", has_text="Now")
    expect(now).to_have_text(re.compile(r"Now\s+[1-9]\d*"))
    axe.check(page)

    # Two people record the PDR at once: the second sees what changed and starts again.
    page.get_by_role("link", name="Record a PDR").click()
    axe.check(page)
    other = page.context.new_page()
    other.goto(page.url)
    first_due, second_due = date.today() + timedelta(days=40), date.today() + timedelta(days=50)
    fill_date(other, "due_on", first_due)
    other.get_by_role("button", name="Record PDR").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("The PDR is recorded")
    other.close()
    fill_date(page, "due_on", second_due)
    page.get_by_role("button", name="Record PDR").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("changed while you were editing")
    when = f"{first_due.day} {first_due.strftime('%B %Y')}"
    expect(page.get_by_role("row", name=re.compile("PDR due"))).to_contain_text(when)
    axe.check(page)
    page.get_by_role("link", name="Start again from the current record").click()
    expect(page.locator("#due_on-day")).to_have_value(str(first_due.day))
    fill_date(page, "due_on", second_due)
    page.get_by_role("button", name="Record PDR").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The PDR is recorded")
    expect(page.locator(".govuk-summary-list__row", has_text="PDR due")).to_contain_text(
        f"{second_due.day} {second_due.strftime('%B %Y')}"
    )
    axe.check(page)
    screenshot(page, "hr-registers-and-records-a-pdr")


def test_an_officer_sees_their_own_record_and_no_one_elses_by_keyboard_alone(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    selection_posting(console, "K320")
    ok(console.postings.post("/officers", json=officer_body("K321"), headers=HR), 201)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    axe.check(page)
    tab_to(page, "#name")
    page.keyboard.type("Jo Morgan")
    tab_to(page, "#role")
    page.keyboard.type("Officer")  # a closed select picks the option typed
    tab_to(page, "#officer_id")
    page.keyboard.type("K320")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Officer postings")
    axe.check(page)
    tab_to(page, "a[href='/officers/K320']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")
    notifications = page.get_by_role("table")
    expect(notifications).to_contain_text("slt-north")
    expect(notifications).to_contain_text("K320")
    axe.check(page)

    # Another officer's record is theirs alone: the service refuses, the console says so.
    refused = page.goto("/officers/K321")
    assert refused is not None
    assert refused.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page.locator("main")).not_to_contain_text("Alex Smith")
    axe.check(page)
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")
    screenshot(page, "officer-own-record")


def test_an_auditor_reads_an_officers_timeline_across_the_services(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    selection_posting(console, "K330")
    sign_in(page, axe, "Ann Audit", "auditor")
    page.get_by_role("link", name="An officer's timeline").click()
    axe.check(page)
    page.get_by_role("button", name="Show timeline").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an officer ID")
    axe.check(page)
    page.get_by_label("Officer ID").fill("K330")
    page.get_by_role("button", name="Show timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    entries = page.locator(".console-timeline__entry")
    expect(entries.filter(has_text="Posting.Decided")).to_contain_text("lm-chris")
    expect(entries.filter(has_text="Posting.Decided")).to_contain_text(
        "Successful at the Dover CID trainee investigator board"
    )
    axe.check(page)

    # Each service's log, verified now: the three are asked, and each answers.
    page.goto("/")
    page.get_by_role("link", name="Each service's log, verified").click()
    for service in ("Postings", "Appeals", "ROI"):
        heading = page.get_by_role("heading", name=service, exact=True)
        expect(heading).to_be_visible()
        expect(heading.locator("xpath=following-sibling::p[1]")).to_have_text("Intact")
    axe.check(page)
    screenshot(page, "auditor-timeline-and-chains")


def test_without_javascript_a_person_signs_in_and_out(
    browser: Browser, console: RunningConsole
) -> None:
    """Every page is plain HTML forms and links: with scripts off, sign-in, a page behind it
    and sign-out all work, and signing out ends the session."""
    context = browser.new_context(base_url=console.url, java_script_enabled=False)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Your name").fill("Dee Ward")
        page.get_by_label("Role").select_option("hr_resource_planning")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Places of duty").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Places of duty")
        expect(page.get_by_role("cell", name="maidstone", exact=True)).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
        page.goto("/locations")
        expect(page).to_have_url(re.compile(r"/sign-in$"))
        screenshot(page, "signed-out-without-javascript")
    finally:
        context.close()


#: Planted where only some roles may read them: a PSD reason and a welfare factor.
PREFERRED = "Ashford is nearer my mother's care home"
PSD_REASON = "PLANTED-PSD-REASON known associates near Dover"
WELFARE = "Disability"


def walk(page: Page, axe: AccessibilityLog, officer_id: str) -> str:
    """The signed-in person's pages: the start page, every link on it, and the officer's
    record; what all of them said, as text."""
    page.goto("/")
    axe.check(page)
    seen = [page.locator("body").inner_text()]
    links = page.locator("main a.govuk-link").evaluate_all("(as) => as.map(a => a.pathname)")
    for path in [*links, f"/officers/{officer_id}"]:
        page.goto(path)
        axe.check(page)
        seen.append(page.locator("body").inner_text())
    return "\n".join(seen)


def test_confidential_reasons_and_welfare_stay_with_the_roles_the_api_gives_them_to(
    browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    body = officer_body("K340", name="Ali Reed", welfare_factors=["disability"])
    ok(console.postings.post("/officers", json=body, headers=HR), 201)
    ok(
        console.postings.post(
            "/officers/K340/restrictions",
            json={"location": "dover", "rationale": PSD_REASON},
            headers=bearer(Role.PSD, subject="psd-officer"),
        ),
        201,
    )
    # What the officer says of where they would serve can speak of their circumstances:
    # theirs, HR's and auditors' alone (L1800 3.7.2).
    ok(
        console.postings.put(
            "/officers/K340/preferences",
            json={"places": ["ashford"], "rationale": PREFERRED},
            headers=bearer(Role.OFFICER, subject="K340", officer_id="K340"),
        )
    )
    people = [
        ("Ali Reed", "officer", {"officer_id": "K340"}),
        ("Sam North", "slt", {"division": "north"}),
        ("Chris Bell", "divisional_commander", {"division": "north"}),
        ("Lee Grant", "line_manager", {}),
        ("Alice Hill", "hr_resource_planning", {}),
        ("Pat Stone", "psd", {}),
    ]
    said: dict[str, str] = {}
    for name, role, more in people:
        context = browser.new_context(base_url=console.url)
        context.set_default_timeout(WAIT_MS)
        try:
            page = context.new_page()
            sign_in(page, axe, name, role, **more)
            said[role] = walk(page, axe, "K340")
            if role == "psd":
                screenshot(page, "psd-sees-the-restriction-reason")
        finally:
            context.close()
    for role in ("officer", "slt", "divisional_commander", "line_manager"):
        assert PSD_REASON not in said[role], role
        assert WELFARE not in said[role], role
    for role in ("slt", "divisional_commander", "line_manager", "psd"):
        assert PREFERRED not in said[role], role
    assert PREFERRED in said["officer"]
    assert PREFERRED in said["hr_resource_planning"]
    # The pages do show them to the roles the API gives them to: the walk would have found
    # them had they leaked.
    assert WELFARE in said["hr_resource_planning"]
    assert PSD_REASON not in said["hr_resource_planning"]
    assert PSD_REASON in said["psd"]
    assert "Restricted" in said["officer"]


def test_hr_sees_strength_against_establishment_as_a_chart_and_a_table(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    ok(console.postings.post("/officers", json=officer_body("K350"), headers=HR), 201)
    ok(
        console.postings.put(
            "/establishment/north",
            json={"category": "rank", "key": "constable", "target": 40},
            headers=HR,
        )
    )
    figures = ok(console.postings.get("/strength", headers=HR))["items"]
    north = next(r for r in figures if (r["division"], r["key"]) == ("north", "constable"))

    sign_in(page, axe, "Alice Hill", "hr_resource_planning")
    page.get_by_role("link", name="Strength against establishment").click()
    chart = page.get_by_role("img", name=re.compile("Strength against establishment"))
    expect(chart).to_be_visible()
    row = page.get_by_role("row", name=re.compile("North Constable"))
    expect(row.get_by_role("cell")).to_have_text(
        ["North", "Constable", "40", str(north["now"]), str(north["projected"])]
    )
    axe.check(page)
    screenshot(page, "hr-strength-against-establishment")


def test_an_officer_appeals_the_head_of_resourcing_assigns_a_hearer_who_decides_it(
    page: Page, browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    posting_id = selection_posting(console, "K360")
    officer = bearer(Role.OFFICER, subject="K360", officer_id="K360")
    # Appeals learns of the decision from postings' feed, in the background.
    eventually(
        lambda: (
            console.appeals.get(f"/posting-decisions/{posting_id}", headers=officer)
            .json()
            .get("notified_at")
            is not None
        )
    )
    sign_in(page, axe, "Jo Morgan", "officer", officer_id="K360")
    page.get_by_role("link", name="Appeal a posting decision").click()
    expect(page.get_by_role("radio")).to_have_count(1)
    expect(page.locator(".govuk-radios__hint")).to_contain_text("London time")
    axe.check(page)
    page.get_by_role("button", name="Lodge appeal").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Select the decision you appeal")).to_have_attribute(
        "href", "#posting_id"
    )
    expect(summary.get_by_role("link", name="Enter your grounds")).to_have_attribute(
        "href", "#grounds"
    )
    axe.check(page)
    page.get_by_role("radio").check()
    page.get_by_label("Your grounds").fill("My travel to Dover was not weighed")
    page.get_by_role("button", name="Lodge appeal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appeal")
    lodged = ok(console.appeals.get("/appeals", headers=officer))["items"][0]
    deadline = date.fromisoformat(lodged["deadline"])
    row = page.locator(".govuk-summary-list__row", has_text="Deadline for appealing")
    expect(row).to_contain_text(
        f"{deadline.day} {deadline.strftime('%B %Y')}, end of the day, London time"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        "My travel to Dover was not weighed"
    )
    axe.check(page)
    appeal_url = page.url

    # The Head of Resourcing assigns a hearer from the inbox; the hearer decides, finally.
    for name, role, more, act in (
        ("Dana Ross", "head_of_resourcing", {}, "assign"),
        ("Ch Supt South", "divisional_commander", {"division": "south"}, "decide"),
    ):
        context = browser.new_context(base_url=console.url)
        context.set_default_timeout(WAIT_MS)
        try:
            other = context.new_page()
            sign_in(other, axe, name, role, **more)
            inbox = "Appeals inbox" if act == "assign" else "Appeals you hear"
            other.get_by_role("link", name=inbox).click()
            axe.check(other)
            other.goto(appeal_url)
            if act == "assign":
                other.get_by_label("Who hears it").fill("dev:ch-supt-south")
                other.get_by_label("The level it is heard at").fill("Chief superintendent")
                other.get_by_label("Why them").fill("Outside the north division's command")
                other.get_by_role("button", name="Assign").click()
                expect(other.locator(".govuk-notification-banner")).to_contain_text("assigned")
            else:
                other.get_by_role("button", name="Record the outcome").click()
                errors = other.locator(".govuk-error-summary")
                expect(errors).to_contain_text("Select upheld or dismissed")
                axe.check(other)
                other.get_by_label(re.compile("Dismissed")).check()
                other.get_by_label("Reasons").fill("Travel was weighed: the vacancy justified it")
                other.get_by_role("button", name="Record the outcome").click()
                expect(other.locator(".govuk-notification-banner")).to_contain_text("recorded")
            axe.check(other)
        finally:
            context.close()

    # The officer sees the outcome, final, with its reasons.
    page.reload()
    outcome = page.locator(".govuk-summary-list")
    expect(outcome).to_contain_text("Dismissed")
    expect(outcome).to_contain_text("Travel was weighed: the vacancy justified it")
    axe.check(page)
    screenshot(page, "officer-sees-the-outcome-of-their-appeal")


def test_the_panel_arranges_a_sitting_and_confirms_a_posting_date(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    posting_id = selection_posting(console, "K370")
    sign_in(page, axe, "Pat Chair", "deployment_panel")
    page.get_by_role("link", name="Sittings and their agendas").click()
    axe.check(page)
    page.get_by_role("button", name="Arrange sitting").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text("Enter the day the panel sits")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#sits_on-day")
    axe.check(page)
    fill_date(page, "sits_on", date.today() + timedelta(days=7))
    page.get_by_role("button", name="Arrange sitting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The sitting is arranged")
    agenda_row = page.get_by_role("row", name=re.compile("K370"))
    expect(agenda_row).to_contain_text("Selection")
    axe.check(page)

    agenda_row.get_by_role("link", name=re.compile("Decide")).click()
    page.get_by_role("button", name="Record the panel's decision").click()
    expect(summary).to_contain_text("Select what the panel decided")
    expect(summary).to_contain_text("Enter the reason")
    axe.check(page)
    page.get_by_label("Confirm the date").check()
    page.get_by_label("Reason").fill("Dover CID intake starts then")
    page.get_by_role("button", name="Record the panel's decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("decision is recorded")
    axe.check(page)
    posting = ok(console.postings.get(f"/postings/{posting_id}", headers=HR))
    assert posting["state"] == "date_confirmed"
    assert posting["posting_date"] == posting["likely_posting_date"]
    screenshot(page, "panel-confirms-a-posting-date")


def test_professional_standards_restrict_a_place_with_a_confidential_reason(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    ok(console.postings.post("/officers", json=officer_body("K380"), headers=HR), 201)
    sign_in(page, axe, "Pat Stone", "psd")
    page.goto("/officers/K380")
    page.get_by_role("link", name=re.compile("Restrict a place of duty")).click()
    axe.check(page)
    page.get_by_label("Place of duty").fill("nowhere")
    page.get_by_role("button", name="Record restriction").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the reason")).to_have_attribute(
        "href", "#rationale"
    )
    axe.check(page)
    page.get_by_label("Confidential reason").fill("Family connections to a Dover investigation")
    page.get_by_role("button", name="Record restriction").click()
    expect(
        summary.get_by_role("link", name="No place of duty 'nowhere' is registered (L1800 3.1.1)")
    ).to_have_attribute("href", "#location")
    page.get_by_label("Place of duty").fill("dover")
    page.get_by_role("button", name="Record restriction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("dover is recorded")
    expect(page.get_by_role("row", name=re.compile("dover"))).to_contain_text(
        "Family connections to a Dover investigation"
    )
    axe.check(page)
    screenshot(page, "psd-restricts-a-place")


def test_an_officer_submits_a_1068_and_their_slt_declines_it_with_reasons(
    browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    ok(console.postings.post("/officers", json=officer_body("K390"), headers=HR), 201)
    officer_page = browser.new_context(base_url=console.url).new_page()
    slt_page = browser.new_context(base_url=console.url).new_page()
    try:
        sign_in(officer_page, axe, "Robin Hart", "officer", officer_id="K390")
        officer_page.get_by_role("link", name="Ask for a posting (form 1068)").click()
        axe.check(officer_page)
        officer_page.get_by_role("button", name="Send request").click()
        summary = officer_page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Select whether it is for development or welfare")
        expect(summary).to_contain_text("Enter your reasons")
        axe.check(officer_page)
        officer_page.get_by_label("Development").check()
        officer_page.get_by_label("Your reasons").fill("To join the Dover CID team")
        officer_page.get_by_label("Places you seek (optional)").fill("dover")
        officer_page.get_by_role("button", name="Send request").click()
        expect(officer_page.locator(".govuk-notification-banner")).to_contain_text("is sent")
        axe.check(officer_page)

        sign_in(slt_page, axe, "Sam North", "slt", division="north")
        slt_page.get_by_role("link", name="Your division's 1068 requests").click()
        axe.check(slt_page)
        slt_page.get_by_role("link", name=re.compile("K390")).click()
        slt_page.get_by_label(re.compile("Decline it")).check()
        slt_page.get_by_role("button", name="Record the decision").click()
        expect(slt_page.locator(".govuk-error-summary")).to_contain_text("Enter the reasons")
        axe.check(slt_page)
        slt_page.get_by_label(re.compile("Decline it")).check()
        slt_page.get_by_label(re.compile("Reasons")).fill("North cannot release a detective now")
        slt_page.get_by_role("button", name="Record the decision").click()
        expect(slt_page.locator(".govuk-notification-banner")).to_contain_text("Declined")
        axe.check(slt_page)

        # The officer sees the outcome and the reasons they were given.
        officer_page.reload()
        row = officer_page.locator(".govuk-summary-list__row", has_text="Their reasons")
        expect(row).to_contain_text("North cannot release a detective now")
        expect(officer_page.locator(".govuk-summary-list")).to_contain_text("Declined")
        axe.check(officer_page)
        screenshot(officer_page, "officer-sees-the-slt-decline-their-1068")
    finally:
        officer_page.context.close()
        slt_page.context.close()


def test_the_director_of_hr_sets_the_travel_limit_and_the_notice_period(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    sign_in(page, axe, "Dana Director", "director_of_hr")
    page.get_by_role("link", name="Policy settings").click()
    axe.check(page)
    travel = page.locator("form[action='/policy/travel-limit']")
    travel.get_by_label("New value").fill("600")
    travel.get_by_role("button", name="Change the travel limit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="The travel limit is too large")).to_have_attribute(
        "href", "#limit_km"
    )
    expect(summary.get_by_role("link", name="Enter the reason")).to_have_attribute(
        "href", "#rationale-travel-limit"
    )
    axe.check(page)
    travel.get_by_label("New value").fill("45")
    travel.get_by_label("Reason").fill("Kent's rail links make 45 km reasonable")
    travel.get_by_role("button", name="Change the travel limit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The setting is changed")
    notice = page.locator("form[action='/policy/notice-period']")
    notice.get_by_label("New value").fill("35")
    notice.get_by_label("Reason").fill("More time to arrange childcare")
    notice.get_by_role("button", name="Change the notice period").click()
    settings = page.locator(".govuk-summary-list")
    expect(settings).to_contain_text("45.0 km")
    expect(settings).to_contain_text("35 days")
    axe.check(page)
    policy = ok(console.postings.get("/policy", headers=HR))
    assert (policy["travel_limit_km"], policy["notice_days"]) == (45.0, 35)
    screenshot(page, "director-sets-policy")


def test_the_head_of_resourcing_reads_the_monitoring_figures(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    selection_posting(console, "K395")  # to Dover, in the south division
    head = bearer(Role.HEAD_OF_RESOURCING, subject="hor")
    figures = ok(console.postings.get("/monitoring", headers=head))
    selections = next(
        r
        for r in figures["postings_by_kind_and_division"]
        if (r["kind"], r["division"]) == ("selection", "south")
    )
    sign_in(page, axe, "Dana Ross", "head_of_resourcing")
    page.get_by_role("link", name="Monitoring figures").click()
    expect(page.get_by_role("img", name="Postings by kind and division")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Selection South"))
    expect(row.get_by_role("cell")).to_have_text(
        ["Selection", "South", str(selections["postings"])]
    )
    compulsory = page.locator(".govuk-summary-list__row", has_text="Compulsory postings")
    expect(compulsory).to_contain_text(str(figures["compulsory_postings"]))
    axe.check(page)
    screenshot(page, "head-of-resourcing-monitoring")
