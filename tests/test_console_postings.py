"""Posting decisions in a real browser: HR decides an appointment and takes it into effect
on its date; the officer states their preferences (meeting a stale form on the way) and the
Director of HR grants and revokes a delegation and decides a compulsory posting from them,
with the reasoning given and the notice, which the officer agrees to shorten; a divisional
commander re-deploys within their division, and the Head of Resourcing decides a
best-interests posting and co-supports an exception to a restricted place; divisional,
selection, senior and 1068 postings each through their own form. axe-core checks every
page visited."""

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
from tests.support.journeys import (
    WAIT_MS,
    csrf_of,
    fill_date,
    hidden_of,
    sign_in,
    signed_in,
)
from tests.support.tokens import bearer

pytestmark = pytest.mark.e2e
PSD = bearer(Role.PSD, subject="psd-1")


def register(console: RunningConsole, officer_id: str, **overrides: object) -> None:
    ok(
        console.postings.post("/officers", json=officer_body(officer_id, **overrides), headers=HR),
        201,
    )


def said(page: Page, text: str) -> None:
    """The page says once what was done (the notification banner after a command)."""
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def test_hr_decides_a_college_appointment_and_moves_the_officer_on_its_date(
    page: Page, console: RunningConsole, axe: AccessibilityLog
) -> None:
    register(
        console,
        "R500",
        name="Nia Okafor",
        division="headquarters",
        place_of_duty="headquarters-hr",
        appointed_on=date.today().isoformat(),
        probation_ends_on=(date.today() + timedelta(days=730)).isoformat(),
    )
    sign_in(page, axe, "Alice Hill", "hr_resource_planning")

    # A unit whose head decides its re-deployments (L1800 3.6.1), then its head changed.
    page.get_by_role("link", name="Register a division or department").click()
    axe.check(page)
    page.get_by_label("Code").fill("cid")
    page.get_by_label("Name").fill("Criminal Investigation Department")
    page.get_by_role("button", name="Register unit").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
        "Select whether it is a division or a department"
    )
    axe.check(page)
    page.get_by_label("A department").check()
    page.get_by_role("button", name="Register unit").click()
    said(page, "Criminal Investigation Department is registered")
    page.get_by_label("The new head's id").fill("hod-cid")
    page.get_by_role("button", name="Change the head").click()
    said(page, "The unit's head is changed")
    expect(page.locator(".govuk-summary-list")).to_contain_text("hod-cid")
    axe.check(page)

    page.get_by_role("link", name="Officer postings").click()
    page.get_by_role("link", name="Decide a posting").click()
    axe.check(page)
    page.get_by_role("link", name=re.compile("Appointment to the college")).click()
    axe.check(page)

    # Nothing filled in: each field the decision needs is named and linked.
    page.get_by_role("button", name="Decide the posting").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the officer's id")).to_have_attribute(
        "href", "#officer_id"
    )
    expect(summary.get_by_role("link", name="Enter the posting date")).to_have_attribute(
        "href", "#posting_date-day"
    )
    expect(summary).to_contain_text("Enter the rationale")
    axe.check(page)

    # The first posting of a new officer is to the college: the rule and its clause.
    page.get_by_label("Officer's id").fill("R500")
    page.get_by_label("Place of duty they go to").fill("dover")
    fill_date(page, "posting_date", date.today() + timedelta(days=1))
    page.get_by_label("Rationale").fill("The January intake")
    page.get_by_role("button", name="Decide the posting").click()
    expect(summary).to_contain_text("L1800 3.3.1")
    axe.check(page)
    page.get_by_label("Place of duty they go to").fill("college")
    page.get_by_role("button", name="Decide the posting").click()
    said(page, "The posting is decided")
    state = page.locator(".govuk-summary-list__row", has_text="State")
    expect(state).to_contain_text("Date confirmed")
    axe.check(page)

    page.get_by_label("Reason for the move").fill("Intake day")
    page.get_by_role("button", name="Move the officer").click()
    said(page, "The officer is moved")
    expect(state).to_contain_text("Moved")
    axe.check(page)
    assert ok(console.postings.get("/officers/R500", headers=HR))["place_of_duty"] == "college"
    screenshot(page, "hr-moves-an-officer-on-their-posting-date")


def test_the_officer_states_preferences_and_the_director_decides_a_compulsory_posting_on_them(
    browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    register(console, "K520", name="Priya Shah")
    director = browser.new_context(base_url=console.url)
    officer = browser.new_context(base_url=console.url)
    for context in (director, officer):
        context.set_default_timeout(WAIT_MS)
    try:
        # The officer states preferences (L1800 3.7.2); a second tab saved first, so the
        # first is shown what changed and starts again from the statement as it is.
        mine = officer.new_page()
        sign_in(mine, axe, "Priya Shah", "officer", officer_id="K520")
        mine.get_by_role("link", name="Your record").click()
        mine.get_by_role("link", name="State your preferences").click()
        axe.check(mine)
        mine.get_by_role("button", name="Save your preferences").click()
        expect(mine.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
            "Enter why you prefer them"
        )
        axe.check(mine)
        other = officer.new_page()
        other.goto(mine.url)
        other.get_by_label("First choice").select_option("dover")
        other.get_by_label("Why").fill("Dover is nearest")
        other.get_by_role("button", name="Save your preferences").click()
        said(other, "Your preferences are recorded")
        other.close()
        mine.get_by_label("First choice").select_option("tonbridge")
        mine.get_by_label("Second choice").select_option("ashford")
        mine.get_by_label("Why").fill("Closest to home; I know Tonbridge's teams")
        mine.get_by_role("button", name="Save your preferences").click()
        expect(mine.get_by_role("heading", level=1)).to_contain_text("changed while you were")
        expect(mine.get_by_role("row", name=re.compile("^Places"))).to_contain_text("dover")
        axe.check(mine)
        mine.get_by_role("link", name="Start again from the current record").click()
        expect(mine.get_by_label("First choice")).to_have_value("dover")
        mine.get_by_label("First choice").select_option("tonbridge")
        mine.get_by_label("Second choice").select_option("ashford")
        mine.get_by_label("Why").fill("Closest to home; I know Tonbridge's teams")
        mine.get_by_role("button", name="Save your preferences").click()
        said(mine, "Your preferences are recorded")
        stated = mine.locator(".govuk-summary-list", has_text="Places, first choice first")
        expect(stated).to_contain_text("tonbridge, ashford")
        # Strength against establishment is for those who plan postings, not the officer.
        expect(mine.get_by_text("Strength against establishment")).to_have_count(0)
        axe.check(mine)

        page = director.new_page()
        sign_in(page, axe, "Dana Director", "director_of_hr")

        # A delegation: refused without its powers, then granted, then revoked.
        page.get_by_role("link", name="Delegations").click()
        axe.check(page)
        page.get_by_label("The delegate's id").fill("hr-deputy")
        fill_date(page, "valid_from", date.today())
        fill_date(page, "valid_to", date.today() + timedelta(days=90))
        page.locator("#grant-rationale").fill("Cover while I am on leave")
        page.get_by_role("button", name="Grant the delegation").click()
        link = page.locator(".govuk-error-summary").get_by_role("link", name=re.compile("powers"))
        expect(link).to_have_attribute("href", "#powers")
        axe.check(page)
        page.get_by_label(re.compile("Compulsory postings")).check()
        page.get_by_role("button", name="Grant the delegation").click()
        said(page, "The delegation to hr-deputy is granted")
        expect(page.get_by_role("heading", name="To hr-deputy")).to_be_visible()
        axe.check(page)
        page.locator("#revoke-rationale-1").fill("Back from leave")
        page.get_by_role("button", name="Revoke the delegation to hr-deputy").click()
        said(page, "The delegation is revoked")
        expect(page.get_by_role("heading", name="To hr-deputy (revoked)")).to_be_visible()
        axe.check(page)

        # From the officer's record: what they said is before the Director, and where the
        # form starts; the reasoning and the notice are the Director's.
        page.goto("/officers/K520")
        stated = page.locator(".govuk-summary-list", has_text="Places, first choice first")
        expect(stated).to_contain_text("I know Tonbridge")
        strength = page.locator(".govuk-summary-list", has_text="Projected after planned postings")
        expect(strength).to_contain_text("Establishment")
        axe.check(page)
        page.get_by_role("link", name="Decide a compulsory posting").click()
        expect(page.locator(".govuk-inset-text")).to_contain_text("tonbridge, ashford")
        expect(page.get_by_label("Officer's id")).to_have_value("K520")
        expect(page.get_by_label(re.compile("The officer's preferences"))).to_have_value(
            "tonbridge, ashford"
        )
        axe.check(page)
        page.get_by_label("Place of duty they go to").fill("tonbridge")
        page.get_by_label("Rationale", exact=True).fill("Tonbridge's response team is short")
        fill_date(page, "likely_posting_date", date.today() + timedelta(days=60))
        page.get_by_label("The reasoning given to the officer").fill(
            "You are the only constable with public order training in the north"
        )
        page.get_by_role("button", name="Decide the posting").click()
        said(page, "The posting is decided")
        details = page.locator(".govuk-summary-list").nth(1)
        expect(details).to_contain_text("tonbridge, ashford")
        expect(details).to_contain_text("public order training")
        axe.check(page)
        posting_url = page.url
        posting_id = posting_url.rsplit("/", 1)[-1]
        facts = ok(console.postings.get(f"/postings/{posting_id}", headers=HR))["facts"]
        assert facts["preferences_stated"]["places"] == ["tonbridge", "ashford"]

        # The officer reads it from their postings and agrees to a shorter notice.
        mine.goto("/")
        mine.get_by_role("link", name="Your postings").click()
        axe.check(mine)
        mine.get_by_role("link", name=re.compile("K520")).click()
        mine.get_by_label("Days of notice you agree to").fill("a fortnight")
        mine.get_by_role("button", name="Agree to this notice").click()
        summary = mine.locator(".govuk-error-summary")
        expect(summary.get_by_role("link")).to_have_text(
            "The notice you agree to must be a whole number"
        )
        axe.check(mine)
        mine.get_by_label("Days of notice you agree to").fill("14")
        mine.get_by_role("button", name="Agree to this notice").click()
        said(mine, "You agreed to 14 days' notice")
        agreed = mine.locator(".govuk-summary-list__row", has_text="Notice agreed")
        expect(agreed).to_contain_text("14 days")
        axe.check(mine)
        assert mine.url == posting_url
        screenshot(mine, "officer-agrees-a-shorter-notice")
    finally:
        director.close()
        officer.close()


def test_a_commander_redeploys_and_the_head_of_resourcing_decides_and_co_supports(
    browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    register(console, "K530", name="Tom Price")
    register(console, "K531", name="Ana Silva")
    ok(
        console.postings.post(
            "/officers/K531/restrictions",
            json={"location": "dover", "rationale": "Conflict with a Dover investigation"},
            headers=PSD,
        ),
        201,
    )
    commander = browser.new_context(base_url=console.url)
    head = browser.new_context(base_url=console.url)
    for context in (commander, head):
        context.set_default_timeout(WAIT_MS)
    try:
        page = commander.new_page()
        sign_in(page, axe, "Chris Commander", "divisional_commander", division="north")
        page.get_by_role("link", name="Decide a posting").click()
        expect(page.get_by_role("link")).not_to_contain_text(["Compulsory"])
        page.get_by_role("link", name=re.compile("Re-deployment")).click()
        axe.check(page)
        page.get_by_label("Officer's id").fill("K530")
        page.get_by_label("Place of duty they go to").fill("tonbridge")
        page.get_by_label("Rationale", exact=True).fill("Night-time economy cover")
        fill_date(page, "posting_date", date.today() + timedelta(days=21))
        page.get_by_role("button", name="Decide the posting").click()
        said(page, "The posting is decided")
        axe.check(page)

        hor = head.new_page()
        sign_in(hor, axe, "Dana Ross", "head_of_resourcing")
        hor.goto("/postings/new/best-interests")
        axe.check(hor)
        hor.get_by_label("Officer's id").fill("K531")
        hor.get_by_label("Place of duty they go to").fill("ashford")
        hor.get_by_label("Rationale", exact=True).fill("A fresh start after a difficult year")
        fill_date(hor, "likely_posting_date", date.today() + timedelta(days=45))
        hor.get_by_role("button", name="Decide the posting").click()
        link = hor.locator(".govuk-error-summary").get_by_role("link", name=re.compile("whose"))
        expect(link).to_have_text("Select in whose interests it is")
        axe.check(hor)
        hor.get_by_label("The individual").check()
        hor.get_by_role("button", name="Decide the posting").click()
        said(hor, "The posting is decided")
        axe.check(hor)

        # No sitting before it is needed: the Head of Resourcing sets the date, saying why
        # it is exceptional (L1800 3.4.2); then it is delayed for organisational need (3.4.3).
        first, later = date.today() + timedelta(days=45), date.today() + timedelta(days=75)
        fill_date(hor, "posting_date", first)
        hor.get_by_role("button", name="Set the date").click()
        expect(hor.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
            "Enter the exceptional circumstances"
        )
        axe.check(hor)
        hor.get_by_label("The exceptional circumstances").fill("Ashford's sergeant leaves now")
        hor.get_by_role("button", name="Set the date").click()
        said(hor, "The posting date is set")
        posting_date = hor.locator(
            ".govuk-summary-list__row", has=hor.locator("dt", has_text=re.compile("^Posting date"))
        )
        expect(posting_date).to_contain_text(f"{first.day} {first.strftime('%B %Y')}")
        axe.check(hor)
        fill_date(hor, "posting_date", later)
        hor.get_by_label("The organisational need").fill("Ashford's custody suite refit")
        hor.get_by_role("button", name="Delay the posting").click()
        said(hor, "The posting is delayed")
        expect(posting_date).to_contain_text(f"{later.day} {later.strftime('%B %Y')}")
        axe.check(hor)

        # The restriction PSD placed: the Head of Resourcing supports an exception.
        hor.goto("/officers/K531")
        axe.check(hor)
        hor.get_by_role("link", name="Support an exception at dover").click()
        axe.check(hor)
        hor.get_by_label("Why you support it").fill("The investigation has closed")
        hor.get_by_role("button", name="Support the exception").click()
        said(hor, "Your support for an exception at dover is recorded")
        axe.check(hor)
        restrictions = ok(console.postings.get("/officers/K531/restrictions", headers=PSD))
        assert restrictions[0]["supported_by_head_of_resourcing"] is True
        screenshot(hor, "head-of-resourcing-supports-an-exception")
    finally:
        commander.close()
        head.close()


# -- The other kinds, each through its own form in the browser ------------------------------


def decide_in_the_browser(
    page: Page, axe: AccessibilityLog, form_page: str, answers: dict[str, str]
) -> str:
    """Fill in the decision form a page offers, as a person would; the id of the posting
    it recorded. Radios are given as ``name=value``; every other answer by field name."""
    page.goto(form_page)
    axe.check(page)
    for name, value in answers.items():
        if name.startswith("radio:"):
            page.locator(f'input[name="{name[6:]}"][value="{value}"]').check()
        else:
            page.locator(f'[name="{name}"]').fill(value)
    page.get_by_role("button", name="Decide the posting").click()
    said(page, "The posting is decided")
    axe.check(page)
    return page.url.rsplit("/", 1)[-1]


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}-{part}": str(getattr(day, part)) for part in ("day", "month", "year")}


def test_appointments_selections_senior_postings_and_1068_postings_are_decided_by_their_forms(
    browser: Browser, console: RunningConsole, axe: AccessibilityLog
) -> None:
    """The kinds the other journeys leave out, each decided in the browser through its own
    form: each reaches the API as that kind, with what its form asked."""
    today = date.today()
    register(
        console,
        "R541",
        division="headquarters",
        place_of_duty="headquarters-hr",
        appointed_on=today.isoformat(),
        home_town="Tonbridge",
        probation_ends_on=(today + timedelta(days=730)).isoformat(),
    )
    ok(
        console.postings.patch(
            "/officers/R541", json={"initial_training_complete": True}, headers=HR
        )
    )
    register(console, "K542")
    register(console, "S543", rank="chief_inspector")
    register(console, "K544")
    common = {
        "to_location": "dover",
        **date_fields("likely_posting_date", today + timedelta(days=40)),
    }
    officer = bearer(Role.OFFICER, subject="K544", officer_id="K544")
    request = ok(
        console.postings.post(
            "/requests",
            json={"officer_id": "K544", "grounds": "development", "reasons": "CID experience"},
            headers=officer,
        ),
        201,
    )
    slt = bearer(Role.SLT, subject="slt-north", division="north")
    ok(
        console.postings.post(
            f"/requests/{request['id']}/support",
            json={"rationale": "North can release K544 in the spring"},
            headers=slt,
        )
    )

    contexts = [browser.new_context(base_url=console.url) for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(WAIT_MS)
    try:
        hr = contexts[0].new_page()
        sign_in(hr, axe, "Alice Hill", "hr_resource_planning")
        divisional = decide_in_the_browser(
            hr,
            axe,
            "/postings/new/divisional",
            {**common, "officer_id": "R541", "rationale": "Dover needs probationers"},
        )
        selection = decide_in_the_browser(
            hr,
            axe,
            "/postings/new/selection",
            {
                **common,
                "officer_id": "K542",
                "rationale": "Top of the CID board",
                "selection_process": "CID board, November",
                "slt_recipients": "slt-north, slt-south",
            },
        )
        hr.goto(f"/requests/{request['id']}")
        axe.check(hr)
        hr.get_by_role("link", name=re.compile("Decide the posting")).click()
        on_request = decide_in_the_browser(
            hr,
            axe,
            hr.url,
            {**common, "rationale": "As the officer asked, supported by their SLT"},
        )

        # Senior postings go through the Director of HR (L1800 3.8).
        director = contexts[1].new_page()
        sign_in(director, axe, "Dana Director", "director_of_hr")
        senior = decide_in_the_browser(
            director,
            axe,
            "/postings/new/senior",
            {
                **common,
                "officer_id": "S543",
                "rationale": "District commander vacancy",
                "radio:flow": "selection",
                "selection_process": "Superintendents' board",
                "slt_recipients": "slt-south",
            },
        )
        screenshot(director, "director-decides-a-senior-posting")
    finally:
        for context in contexts:
            context.close()

    decided = {
        posting_id: ok(console.postings.get(f"/postings/{posting_id}", headers=HR))
        for posting_id in (divisional, selection, senior, on_request)
    }
    assert [(p["kind"], p["officer_id"]) for p in decided.values()] == [
        ("appointment", "R541"),
        ("selection", "K542"),
        ("senior_leadership", "S543"),
        ("officer_request", "K544"),
    ]
    assert decided[selection]["details"]["selection_process"] == "CID board, November"
    told = ok(console.postings.get("/officers/K542/notifications", headers=HR))
    assert {"slt-north", "slt-south"} <= set(told[0]["recipients"])
    assert decided[senior]["details"]["flow"] == "selection"


def test_a_form_sent_twice_hostile_digits_a_tampered_version_and_odd_paths_stay_calm(
    console: RunningConsole,
) -> None:
    """Outside tester's findings: the same form sent twice does its work once; digits that
    are not numbers anyone means ('²', five thousand of them), a version the form was not
    given, and an address naming '?' reach the person as a refusal on the form or a 404,
    never a 500 or a call to another resource."""
    today = date.today()
    grant = {
        "delegate_id": "hor-deputy",
        "powers": "compulsory_posting",
        **date_fields("valid_from", today),
        **date_fields("valid_to", today + timedelta(days=30)),
        "rationale": "Cover over Christmas",
    }
    with closing(signed_in(console, name="Dana Director", role="director_of_hr")) as director:
        page = director.get("/delegations")
        for _ in range(2):
            sent = director.post("/delegations", data={**hidden_of(page), **grant})
            assert sent.status_code == 303, sent.text

        def deputy() -> list[dict[str, object]]:
            listed = ok(console.postings.get("/delegations", headers=HR))["items"]
            return [d for d in listed if d["delegate_id"] == "hor-deputy"]

        assert len(deputy()) == 1
        # The same words from a new rendering of the form, later, are a new decision.
        again = director.get("/delegations")
        sent = director.post("/delegations", data={**hidden_of(again), **grant})
        assert sent.status_code == 303, sent.text
        assert len(deputy()) == 2

        for day in ("²", "9" * 5000):
            odd = director.post(
                "/delegations",
                data={"csrf_token": csrf_of(page), **grant, "valid_from-day": day},
            )
            assert odd.status_code == 422, odd.text[:300]
            assert "govuk-error-summary" in odd.text

        revoke = f"/delegations/{deputy()[0]['id']}/revocation"
        tampered = director.post(
            revoke,
            data={"csrf_token": csrf_of(page), "version": "1\r\nX-Evil: 1", "rationale": "x"},
        )
        assert tampered.status_code == 409
        assert "start again" in tampered.text
        assert deputy()[0]["revoked"] is False

        assert director.get("/postings/abc%3F").status_code == 404
        assert director.get("/officers/K1%23x").status_code == 404


def test_preferences_the_form_did_not_offer_are_kept_and_anywhere_is_recorded_as_none(
    console: RunningConsole,
) -> None:
    """Over plain HTTP: an officer who stated five places through the API keeps all five
    when they save the console's form; one who said anywhere suits them is decided on
    with preferences sought and none (L1800 3.7.2)."""
    register(console, "K560")
    register(console, "K561")
    five = ["dover", "ashford", "tonbridge", "maidstone", "college"]
    ok(
        console.postings.put(
            "/officers/K560/preferences",
            json={"places": five, "rationale": "Any of these"},
            headers=bearer(Role.OFFICER, subject="K560", officer_id="K560"),
        )
    )
    with closing(signed_in(console, name="Kai Long", role="officer", officer_id="K560")) as me:
        form = me.get("/officers/K560/preferences")
        assert form.status_code == 200
        assert form.text.count('<select class="govuk-select"') == len(five)
        chosen = {
            f"choice-{n}": place
            for n, place in zip(("first", "second", "third", "fourth", "fifth"), five, strict=True)
        }
        version = re.search(r'name="version" value="(\d+)"', form.text)
        assert version
        sent = me.post(
            "/officers/K560/preferences",
            data={
                "csrf_token": csrf_of(form),
                "version": version.group(1),
                "rationale": "Any of these, Dover first",
                **chosen,
            },
        )
        assert sent.status_code == 303, sent.text
    stated = ok(console.postings.get("/officers/K560/preferences", headers=HR))
    assert (stated["places"], stated["said"]) == (five, "Any of these, Dover first")

    ok(
        console.postings.put(
            "/officers/K561/preferences",
            json={"places": [], "rationale": "Anywhere suits me"},
            headers=bearer(Role.OFFICER, subject="K561", officer_id="K561"),
        )
    )
    with closing(signed_in(console, name="Dana Director", role="director_of_hr")) as director:
        form = director.get("/postings/new/compulsory?officer_id=K561")
        assert "no preference of place" in form.text
        sent = director.post(
            "/postings/new/compulsory",
            data={
                "csrf_token": csrf_of(form),
                "officer_id": "K561",
                "to_location": "tonbridge",
                "rationale": "Tonbridge's response team is short",
                "reasoning_for_officer": "You said anywhere suits you",
                **date_fields("likely_posting_date", date.today() + timedelta(days=60)),
            },
        )
        assert sent.status_code == 303, sent.text
    posting_id = str(sent.headers["location"]).rsplit("/", 1)[-1]
    posting = ok(console.postings.get(f"/postings/{posting_id}", headers=HR))
    assert posting["details"]["preferences"] == []
