"""'Only one', 'not twice' and 'not after' rules under concurrent requests, on PostgreSQL over
real HTTP: for each, 16 requests each valid on its own, each with its own Idempotency-Key,
released at the same instant against the three services running as real servers. Exactly
one succeeds; every other is a problem naming the rule (a 409 too, not only a 422); the
service's log holds exactly one matching event. Revoking a delegation while its delegate
decides is the one 'not after' case: no decision is logged after the revocation.

These hold only if the rule is kept by the write model itself: a check of a read model
before writing lets every request that reads before the first commits through."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Table, create_engine, func, select

from services.appeals.projections.tables import kernel as appeals_kernel
from services.postings.projections.tables import kernel as postings_kernel
from services.roi.projections.tables import kernel as roi_kernel
from shared.roles import Role
from tests.force import DIRECTOR, HEAD_OF_RESOURCING, PANEL, SLT_NORTH, compulsory, days, officer
from tests.helpers import HR, officer_body
from tests.support.http import eventually, ok
from tests.support.races import (
    Call,
    all_at_once,
    assert_only_one,
    log_head,
    logged_since,
    refusal_faults,
    rule_of,
    summary,
)
from tests.support.three_services import HEARER, LD, System, running_system
from tests.support.tokens import bearer

#: How many requests race in each scenario.
RACERS = 16
EVENTS: dict[str, Table] = {
    "postings": postings_kernel.events,
    "appeals": appeals_kernel.events,
    "roi": roi_kernel.events,
}
#: Person the Director of HR delegates compulsory postings to (an HR Resource Planner).
DEPUTY_ID = "hr-deputy"
DEPUTY = bearer(Role.HR_RESOURCE_PLANNING, subject=DEPUTY_ID)


@pytest.fixture
def backend() -> str:
    """PostgreSQL only: SQLite lets one writer in at a time, which would hide the races."""
    return "postgresql"


@dataclass
class Stack:
    """The three services on this test's fresh databases, and their logs."""

    system: System
    database_urls: dict[str, str]

    @property
    def postings(self) -> httpx.Client:
        return self.system.postings

    @property
    def appeals(self) -> httpx.Client:
        return self.system.appeals

    @property
    def roi(self) -> httpx.Client:
        return self.system.roi

    def call(self, service: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> Call:
        client = {"postings": self.postings, "appeals": self.appeals, "roi": self.roi}[service]
        return Call(str(client.base_url), path, body, headers)

    def head(self, service: str) -> int:
        return log_head(self.database_urls[service], EVENTS[service])

    def logged(self, service: str, after: int, *names: str) -> list[tuple[int, str]]:
        return logged_since(self.database_urls[service], EVENTS[service], after, *names)


@pytest.fixture
def stack(database_urls: dict[str, str], tmp_path: Path) -> Iterator[Stack]:
    """Postings, appeals and ROI as uvicorn servers on loopback, on fresh PostgreSQL
    databases, with the places of duty and constable K100 (north, Maidstone) registered."""
    with running_system(database_urls, tmp_path) as system:
        yield Stack(system, database_urls)


def race(calls: list[Call]) -> list[httpx.Response]:
    assert len(calls) == RACERS
    return all_at_once(calls)


# -- set-up through the API -----------------------------------------------------------------


def decide_posting(stack: Stack, officer_id: str = "K100") -> str:
    """A compulsory posting of the officer to Tonbridge, awaiting its date."""
    posting = ok(
        stack.postings.post(
            "/postings/compulsory", json=compulsory(officer_id=officer_id), headers=DIRECTOR
        ),
        201,
    )
    return str(posting["id"])


def notified_posting(stack: Stack) -> str:
    """A posting decision given to K100, so their 14 days to appeal run from now, and known
    to appeals (its follower has read it and the notification from postings' feed)."""
    posting_id = decide_posting(stack)
    ok(
        stack.postings.post(
            f"/postings/{posting_id}/notifications",
            json={"recipients": ["K100"], "content": "You are posted to Tonbridge because..."},
            headers=HR,
        )
    )

    def known() -> bool:
        answer = stack.appeals.get(f"/posting-decisions/{posting_id}", headers=HEAD_OF_RESOURCING)
        return answer.status_code == 200 and answer.json()["notified_at"] is not None

    eventually(known)
    return posting_id


def assigned_appeal(stack: Stack) -> str:
    """K100's appeal against their posting, assigned to a chief superintendent to hear."""
    posting_id = notified_posting(stack)
    appeal = ok(
        stack.appeals.post(
            "/appeals",
            json={"posting_id": posting_id, "grounds": "My travel was not weighed"},
            headers=officer("K100"),
        ),
        201,
    )
    ok(
        stack.appeals.post(
            f"/appeals/{appeal['id']}/assignment",
            json={
                "hearer_id": "ch-supt-south",
                "level": "Chief superintendent",
                "rationale": "Independent of the decision",
            },
            headers=HEAD_OF_RESOURCING,
        )
    )
    return str(appeal["id"])


def delegation_to_the_deputy(stack: Stack) -> str:
    grant = {
        "delegate_id": DEPUTY_ID,
        "powers": ["compulsory_posting"],
        "valid_from": days(-1),
        "valid_to": days(90),
        "rationale": "Cover while the Director is on leave",
    }
    return str(ok(stack.postings.post("/delegations", json=grant, headers=DIRECTOR), 201)["id"])


def officers_registered(stack: Stack, first: int, count: int) -> list[str]:
    """Constables K<first> onwards, ``count`` of them, registered through the API."""
    officers = [f"K{first + n}" for n in range(count)]
    for officer_id in officers:
        ok(stack.postings.post("/officers", json=officer_body(officer_id), headers=HR), 201)
    return officers


def deputy_postings(stack: Stack, officers: list[str], delegation_id: str) -> list[Call]:
    """A compulsory posting of each officer by the deputy, relying on the delegation."""
    return [
        stack.call(
            "postings",
            "/postings/compulsory",
            compulsory(officer_id=officer_id, delegation_id=delegation_id),
            DEPUTY,
        )
        for officer_id in officers
    ]


REVOCATION = {"rationale": "The Director is back from leave"}


# -- the invariants -------------------------------------------------------------------------


@pytest.mark.e2e
def test_one_posting_on_its_way_per_officer(stack: Stack) -> None:
    """One posting at a time on its way per officer (L1800 3.1.1, one normal place of
    duty): 16 compulsory postings of K100 by the Director of HR at once, to three places."""
    start = stack.head("postings")
    places = islice(cycle(("tonbridge", "ashford", "dover")), RACERS)

    answers = race(
        [
            stack.call("postings", "/postings/compulsory", compulsory(to_location=p), DIRECTOR)
            for p in places
        ]
    )

    logged = stack.logged("postings", start, "Posting.Decided")
    assert_only_one(answers, rule="OneOpenPostingAtATime", logged=len(logged))


@pytest.mark.e2e
def test_one_appeal_per_decision_and_appellant(stack: Stack) -> None:
    """One appeal per posting decision and appellant (L1800 3.10.1, 'the appeal decision
    will be final'): 16 appeals by K100 against the same decision at once, in the window."""
    posting_id = notified_posting(stack)
    start = stack.head("appeals")

    answers = race(
        [
            stack.call(
                "appeals",
                "/appeals",
                {"posting_id": posting_id, "grounds": f"My welfare was not weighed ({n})"},
                officer("K100"),
            )
            for n in range(RACERS)
        ]
    )

    logged = stack.logged("appeals", start, "Appeal.Lodged")
    assert_only_one(answers, rule="OneAppealPerDecisionAndAppellant", logged=len(logged))


@pytest.mark.e2e
def test_one_outcome_per_appeal(stack: Stack) -> None:
    """One final outcome per appeal (L1800 3.10.1): the assigned hearer sends 16 outcomes
    at once, upheld and dismissed alternately."""
    appeal_id = assigned_appeal(stack)
    start = stack.head("appeals")

    answers = race(
        [
            stack.call(
                "appeals",
                f"/appeals/{appeal_id}/outcome",
                {"outcome": outcome, "rationale": f"Heard and decided ({n})"},
                HEARER,
            )
            for n, outcome in enumerate(islice(cycle(("upheld", "dismissed")), RACERS))
        ]
    )

    logged = stack.logged("appeals", start, "Appeal.Decided")
    assert_only_one(answers, rule="OneOutcomePerAppeal", logged=len(logged))


@pytest.mark.e2e
def test_one_outcome_per_posting_per_panel_sitting(stack: Stack) -> None:
    """One outcome per posting at a sitting of the Resourcing Deployment Panel (L1800
    3.4.2): 16 outcomes for the same posting at the same sitting at once, its date
    confirmed and deferred alternately."""
    posting_id = decide_posting(stack)
    sitting = ok(
        stack.postings.post("/panel-sittings", json={"sits_on": days(7)}, headers=PANEL), 201
    )
    start = stack.head("postings")

    def outcome(n: int) -> dict[str, Any]:
        if n % 2:
            return {"posting_id": posting_id, "outcome": "deferred", "rationale": f"Wait ({n})"}
        return {
            "posting_id": posting_id,
            "outcome": "date_confirmed",
            "posting_date": days(60),
            "rationale": f"Next shift-pattern change ({n})",
        }

    answers = race(
        [
            stack.call("postings", f"/panel-sittings/{sitting['id']}/outcomes", outcome(n), PANEL)
            for n in range(RACERS)
        ]
    )

    logged = stack.logged("postings", start, "PanelSitting.OutcomeRecorded")
    assert_only_one(answers, rule="OneOutcomePerPostingPerSitting", logged=len(logged))


@pytest.mark.e2e
def test_one_live_commitment_per_officer_and_course(stack: Stack) -> None:
    """One live ROI commitment per officer and designated course (L1800 3.9.2): 16
    enrolments of K100 on the same designated course at once."""
    designation = ok(
        stack.roi.post(
            "/designations",
            json={
                "course_code": "DET-1",
                "title": "Initial detective training",
                "quarter": "2026-Q4",
                "reasons": ["scarce_skill"],
                "proposed_by": ["head_of_l_and_d"],
                "rationale": "Detective shortfall",
            },
            headers=LD,
        ),
        201,
    )
    start = stack.head("roi")
    enrolment = {
        "officer_id": "K100",
        "designation_id": designation["id"],
        "starts_on": days(10),
        "ends_on": days(40),
    }

    answers = race([stack.call("roi", "/commitments", enrolment, LD) for _ in range(RACERS)])

    logged = stack.logged("roi", start, "Commitment.Enrolled")
    assert_only_one(answers, rule="OneLiveCommitmentPerOfficerAndCourse", logged=len(logged))


@pytest.mark.e2e
def test_a_1068_is_decided_once(stack: Stack) -> None:
    """A 1068 request is supported or declined once, by the officer's SLT (L1800
    3.5.3-3.5.4): 16 decisions on one submitted request at once, support and decline
    alternately."""
    request = ok(
        stack.postings.post(
            "/requests",
            json={
                "officer_id": "K100",
                "grounds": "development",
                "reasons": "To gain investigative experience",
                "locations_sought": ["dover"],
            },
            headers=officer("K100"),
        ),
        201,
    )
    start = stack.head("postings")

    def decision(n: int) -> Call:
        verb = "decline" if n % 2 else "support"
        body = {"rationale": f"Considered by the SLT ({verb}, {n})"}
        return stack.call("postings", f"/requests/{request['id']}/{verb}", body, SLT_NORTH)

    answers = race([decision(n) for n in range(RACERS)])

    logged = stack.logged(
        "postings", start, "TransferRequest.Supported", "TransferRequest.Declined"
    )
    assert_only_one(answers, rule="RequestIsDecidedOnce", logged=len(logged))


@pytest.mark.e2e
def test_personal_data_is_disposed_of_once(stack: Stack) -> None:
    """An officer's personal data is disposed of once (L1 'Retention & Disposal of
    Records'): 16 disposal decisions for K100 on postings at once."""
    start = stack.head("postings")
    body = {"retention_ended_on": days(-1), "rationale": "Six years after leaving the force"}

    answers = race(
        [
            stack.call("postings", "/retention/officers/K100/disposal", body, DIRECTOR)
            for _ in range(RACERS)
        ]
    )

    logged = stack.logged("postings", start, "PersonalDataDisposal.Decided")
    assert_only_one(answers, rule="PersonalDataIsDisposedOnce", logged=len(logged))


@pytest.mark.e2e
def test_nothing_is_recorded_about_an_officer_after_their_disposal(stack: Stack) -> None:
    """'Not after' for disposal (L1 'Retention & Disposal of Records'): fifteen changes to
    K100's record and their disposal, at once. Each change lands before the disposal or is
    refused naming NothingIsRecordedAfterDisposal; none is logged after it."""
    start = stack.head("postings")
    body = {"retention_ended_on": days(-1), "rationale": "Six years after leaving the force"}
    postings = str(stack.postings.base_url)
    calls = [
        Call(postings, "/officers/K100", {"name": f"SECRET NAME {n}"}, HR, method="PATCH")
        for n in range(RACERS - 1)
    ]
    disposal = stack.call("postings", "/retention/officers/K100/disposal", body, DIRECTOR)

    answers = all_at_once([*calls, disposal])

    assert answers[-1].status_code == 201, answers[-1].text
    changes = answers[:-1]
    assert {(a.status_code, rule_of(a)) for a in changes} <= {
        (200, None),
        (409, "NothingIsRecordedAfterDisposal"),
    }, summary(changes)
    logged = stack.logged(
        "postings", start, "PersonalDataDisposal.Decided", "Officer.DetailsChanged"
    )
    (disposed_at,) = [p for p, name in logged if name == "PersonalDataDisposal.Decided"]
    assert all(p < disposed_at for p, name in logged if name == "Officer.DetailsChanged")
    assert sum(a.status_code == 200 for a in changes) == len(logged) - 1


@pytest.mark.e2e
def test_a_delegation_is_revoked_once(stack: Stack) -> None:
    """A delegation of the Director of HR's powers is revoked once (L1800 3.1.1): 16
    revocations of one delegation at once."""
    delegation_id = delegation_to_the_deputy(stack)
    start = stack.head("postings")

    answers = race(
        [
            stack.call("postings", f"/delegations/{delegation_id}/revocation", REVOCATION, DIRECTOR)
            for _ in range(RACERS)
        ]
    )

    logged = stack.logged("postings", start, "Delegation.Revoked")
    assert_only_one(answers, rule="DelegationIsRevokedOnce", logged=len(logged))


@pytest.mark.e2e
def test_no_decision_is_taken_under_a_revoked_delegation(stack: Stack) -> None:
    """No decision relies on a revoked delegation (L1800 3.1.1, 'or appropriate
    delegate'): the deputy sends compulsory postings of 15 officers under their delegation
    while the Director of HR revokes it, all 16 at the same instant.

    Unlike the other rules this is not 'exactly one succeeds'. The 15 decisions concern 15
    officers and do not compete with one another: each decision the write model orders
    before the revocation was taken under a delegation then in force and rightly succeeds,
    and how many those are depends on scheduling alone (any number from none to 15). What
    3.1.1 forbids is a decision recorded after the revocation, one that relied on a
    delegation already revoked (read before the revocation committed, written after). The
    log's order is the order of commits, since writers to one service's log are
    serialised, so the test checks order: every decision that succeeded is logged before
    the revocation, every other is refused naming the rule, and nothing else was stored."""
    officers = officers_registered(stack, 201, RACERS - 1)
    delegation_id = delegation_to_the_deputy(stack)
    start = stack.head("postings")
    decisions = deputy_postings(stack, officers, delegation_id)
    revocation = stack.call(
        "postings", f"/delegations/{delegation_id}/revocation", REVOCATION, DIRECTOR
    )
    # Among the decisions, not first or last: the order threads start in favours no side.
    middle = len(decisions) // 2

    answers = race([*decisions[:middle], revocation, *decisions[middle:]])

    revoked = answers.pop(middle)
    logged = stack.logged("postings", start, "Posting.Decided", "Delegation.Revoked")
    revocations = [position for position, name in logged if name == "Delegation.Revoked"]
    decided = [position for position, name in logged if name == "Posting.Decided"]
    succeeded = [a for a in answers if a.is_success]
    faults = []
    if not revoked.is_success:
        faults.append(f"the revocation was refused: {revoked.status_code} {revoked.text}")
    if len(revocations) != 1:
        faults.append(f"{len(revocations)} Delegation.Revoked events were logged, not 1")
    else:
        late = [position for position in decided if position > revocations[0]]
        if late:
            faults.append(
                f"{len(late)} of {len(decided)} decisions were logged after the revocation "
                f"(at {revocations[0]}): at {late}"
            )
    if len(decided) != len(succeeded):
        faults.append(f"{len(decided)} decisions logged for {len(succeeded)} successes")
    faults += [
        f"{a.json()['officer_id']}'s posting does not name the delegation"
        for a in succeeded
        if a.json().get("delegation_id") != delegation_id
    ]
    faults += refusal_faults(
        answers, rule="DelegationMustCoverTheDecision", statuses=(403, 409, 422)
    )
    assert not faults, "; ".join(faults) + f". Decisions: {summary(answers)}"


def test_decisions_relying_on_one_delegation_queue_for_it_rather_than_run_again(
    stack: Stack,
) -> None:
    """Sixteen compulsory postings of sixteen officers by the deputy under one delegation,
    at once: each records its use of the delegation, so each needs it at its latest
    version. Each is decided once, in turn: the delegation is read once the decision's turn
    on it has come, so no decision loses the race to it and runs again (found by the
    outside tester: read before its turn, ninety-six such decisions took up to 38 s). A
    decision run again leaves a gap in the log's positions, which its events had taken."""
    officers = officers_registered(stack, 300, RACERS)
    delegation_id = delegation_to_the_deputy(stack)
    start = stack.head("postings")

    answers = race(deputy_postings(stack, officers, delegation_id))

    assert {a.status_code for a in answers} == {201}, summary(answers)
    uses = stack.logged("postings", start, "Delegation.Exercised")
    assert len(uses) == RACERS
    engine = create_engine(stack.database_urls["postings"])
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(func.count()).where(EVENTS["postings"].c.id > start)
            ).scalar_one()
    finally:
        engine.dispose()
    assert stack.head("postings") - start == stored, "a decision was run again"


@pytest.mark.e2e
def test_no_designation_relies_on_a_delegation_after_its_revocation(stack: Stack) -> None:
    """'Not after' across services (L1800 3.1.1, 3.9.2): the Director of HR's deputy keeps
    designating courses in ROI outside the quarterly process under a delegation kept by
    postings, and the Director revokes it once the first designation has relied on it.
    Each designation ROI records relied on the delegation in postings' log before the
    revocation; every later one is refused naming DelegationMustCoverTheDecision."""
    grant = {
        "delegate_id": DEPUTY_ID,
        "powers": ["exceptional_roi"],
        "valid_from": days(-1),
        "valid_to": days(90),
        "rationale": "Cover while the Director is on leave",
    }
    delegation_id = ok(stack.postings.post("/delegations", json=grant, headers=DIRECTOR), 201)["id"]
    start = {name: stack.head(name) for name in ("postings", "roi")}
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def keep_designating(designator: int) -> None:
        with httpx.Client(base_url=str(stack.roi.base_url), timeout=60) as http:
            for n in range(30):
                body = {
                    "course_code": f"MARINE-{designator}-{n}",
                    "title": "Marine unit coxswain",
                    "quarter": "2026-Q4",
                    "reasons": ["scarce_skill"],
                    "proposed_by": ["head_of_resourcing"],
                    "rationale": "New vessel arrives before the next quarterly process",
                    "delegation_id": delegation_id,
                }
                answer = http.post("/designations/exceptional", json=body, headers=DEPUTY)
                with lock:
                    answers.append(answer)
                if answer.status_code != 201:
                    return

    def relied_on() -> bool:
        return bool(stack.logged("postings", start["postings"], "Delegation.Exercised"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        designators = [pool.submit(keep_designating, n) for n in range(4)]
        eventually(relied_on)
        ok(
            stack.postings.post(
                f"/delegations/{delegation_id}/revocation", json=REVOCATION, headers=DIRECTOR
            )
        )
        for designator in designators:
            designator.result()

    made = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert made, summary(answers)
    assert refused, "no designation was sent after the revocation"
    assert {(a.status_code, rule_of(a)) for a in refused} == {
        (403, "DelegationMustCoverTheDecision")
    }, summary(refused)
    logged = stack.logged(
        "postings", start["postings"], "Delegation.Exercised", "Delegation.Revoked"
    )
    (revoked_at,) = [p for p, name in logged if name == "Delegation.Revoked"]
    relied = [p for p, name in logged if name == "Delegation.Exercised"]
    assert all(p < revoked_at for p in relied)
    assert len(relied) == len(made)
    assert len(stack.logged("roi", start["roi"], "CourseDesignation.Designated")) == len(made)


@pytest.mark.e2e
def test_no_appeal_stays_open_against_a_decision_withdrawn_while_appeals_arrive(
    stack: Stack,
) -> None:
    """'Not after' for appeals (L1800 3.10.1): while Command Team members keep appealing a
    decision, HR withdraws it. Appeals learns it from postings' feed. Every appeal lodged
    before appeals learnt it is closed with the decision, and every one after is refused
    naming AppealIsAgainstADecisionInForce: none is left open against a decision no longer
    in force, and none is logged after the decision ended."""
    posting_id = notified_posting(stack)
    start = stack.head("appeals")
    ended = threading.Event()
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def keep_appealing(lodger: int) -> None:
        with httpx.Client(base_url=str(stack.appeals.base_url), timeout=60) as http:
            for n in range(30):
                body = {"posting_id": posting_id, "grounds": "Not weighed"}
                headers = bearer(Role.COMMAND_TEAM, subject=f"ct-{lodger}-{n}")
                answer = http.post("/appeals", json=body, headers=headers)
                with lock:
                    answers.append(answer)
                if answer.status_code != 201 or ended.is_set():
                    return

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        lodgers = [pool.submit(keep_appealing, n) for n in range(RACERS - 1)]
        ok(
            stack.postings.post(
                f"/postings/{posting_id}/withdrawal",
                json={"rationale": "The vacancy was filled by a transfer"},
                headers=HR,
            )
        )

        def known_withdrawn() -> bool:
            seen = ok(stack.appeals.get(f"/posting-decisions/{posting_id}", headers=HR))
            return bool(seen["status"] == "withdrawn")

        eventually(known_withdrawn)
        ended.set()
        for lodger in lodgers:
            lodger.result()

    refused = [a for a in answers if a.status_code != 201]
    assert refused, "no appeal was sent after the withdrawal was known"
    assert {(a.status_code, a.json().get("rule")) for a in refused} == {
        (422, "AppealIsAgainstADecisionInForce")
    }, summary(refused)
    appeals = ok(stack.appeals.get("/appeals", params={"limit": 100}, headers=HR))["items"]
    mine = [a for a in appeals if a["posting_id"] == posting_id]
    assert len(mine) == sum(a.status_code == 201 for a in answers)
    assert {a["state"] for a in mine} <= {"closed"}, Counter(a["state"] for a in mine)
    logged = stack.logged("appeals", start, "Appeal.Lodged", "AppealableDecision.Ended")
    (end_position,) = [p for p, name in logged if name.endswith("AppealableDecision.Ended")]
    assert all(p < end_position for p, name in logged if name.endswith("Appeal.Lodged"))


@pytest.mark.e2e
def test_a_burst_of_commands_that_may_all_succeed_on_one_record_all_succeed(
    stack: Stack,
) -> None:
    """Thirty-two notifications of one posting and thirty-two appeals by different Command
    Team members against one decision, each burst at once: every one may be recorded, and
    each is, in turn (they queue on the record instead of losing the race over and over)."""
    posting_id = notified_posting(stack)
    start = stack.head("appeals")
    notices = all_at_once(
        [
            stack.call(
                "postings",
                f"/postings/{posting_id}/notifications",
                {"recipients": ["K100"], "content": f"Reminder {n}"},
                HR,
            )
            for n in range(2 * RACERS)
        ]
    )
    appeals = all_at_once(
        [
            stack.call(
                "appeals",
                "/appeals",
                {"posting_id": posting_id, "grounds": "Not weighed"},
                bearer(Role.COMMAND_TEAM, subject=f"acc-{n}"),
            )
            for n in range(2 * RACERS)
        ]
    )
    assert {a.status_code for a in notices} == {200}, summary(notices)
    assert {a.status_code for a in appeals} == {201}, summary(appeals)
    assert len(stack.logged("appeals", start, "Appeal.Lodged")) == 2 * RACERS


@pytest.mark.e2e
def test_a_disposal_among_other_writes_leaves_nothing_readable(stack: Stack) -> None:
    """Disposal (L1 'Retention & Disposal of Records') while HR keeps registering officers
    and Professional Standards keeps restricting places: the disposal is answered 201 and
    its rebuild of the read models, which waits for the other writers and they for it,
    leaves nothing of K100's personal data readable; every other write still lands."""
    psd = bearer(Role.PSD, subject="psd-1")
    ok(
        stack.postings.post(
            "/officers/K100/restrictions",
            json={"location": "dover", "rationale": "PSD SECRET about Dover"},
            headers=psd,
        ),
        201,
    )
    stop = threading.Event()
    written: list[int] = []

    def keep_writing(writer: int) -> None:
        with httpx.Client(base_url=str(stack.postings.base_url), timeout=60) as http:
            for n in range(100):
                if stop.is_set():
                    return
                officer_id = f"W{writer}x{n}"
                answer = http.post("/officers", json=officer_body(officer_id), headers=HR)
                restricted = http.post(
                    f"/officers/{officer_id}/restrictions",
                    json={"location": "dover", "rationale": "a marking"},
                    headers=psd,
                )
                written.extend([answer.status_code, restricted.status_code])

    with ThreadPoolExecutor(max_workers=4) as pool:
        writers = [pool.submit(keep_writing, n) for n in range(4)]
        # The disposal goes while the others write: on a busy machine it could otherwise be
        # answered before any writer had begun.
        eventually(lambda: len(written) >= 4 or any(w.done() for w in writers))
        disposal = stack.postings.post(
            "/retention/officers/K100/disposal",
            json={"retention_ended_on": days(-1), "rationale": "Six years after leaving"},
            headers=DIRECTOR,
        )
        stop.set()
        for writer in writers:
            writer.result()

    assert disposal.status_code == 201, disposal.text
    assert set(written) == {201}
    officer_now = ok(stack.postings.get("/officers/K100", headers=HR))
    assert officer_now["name"] == "[disposed]"
    marking = ok(stack.postings.get("/officers/K100/restrictions", headers=psd))
    assert "PSD SECRET" not in str(marking)
