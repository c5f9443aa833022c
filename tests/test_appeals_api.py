"""Appeals over HTTP (L1800 3.10.1, L1 2.4), on SQLite and PostgreSQL: who may lodge, the
window, assignment, the final outcome, and who may see what."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from services.appeals.api import appeals, posting_decisions
from services.appeals.main import build_runtime, create_app
from services.postings.contracts import PostingDecidedV1, PostingOfficerNotifiedV1
from shared.api.app import build_api
from shared.clock import FixedClock
from shared.contracts import DecisionV1
from shared.roles import Role
from shared.settings import AppealsSettings
from tests.force import expect, officer
from tests.support.feeds import feed_postings, published
from tests.support.tokens import bearer

NOTIFIED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday afternoon, GMT
HOR = bearer(Role.HEAD_OF_RESOURCING, subject="hor")
HEARER = bearer(Role.DIVISIONAL_COMMANDER, subject="ch-supt-south", division="south")
COMMAND_TEAM = bearer(Role.COMMAND_TEAM, subject="acc-ops")
POLICY_OWNER = bearer(Role.HR_POLICY_OWNER, subject="head-of-hr-resourcing")
ROUTERS = [appeals.router, posting_decisions.router]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOTIFIED + timedelta(days=3))


@pytest.fixture
def client(appeals_settings: AppealsSettings, clock: FixedClock) -> Iterator[TestClient]:
    # Decisions reach these tests through the feed handler directly (see `posting`).
    settings = appeals_settings.model_copy(update={"postings_url": ""})
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client


def _decided() -> PostingDecidedV1:
    """A compulsory posting of K100 decided by the Director of HR."""
    return PostingDecidedV1(
        kind="compulsory",
        officer_id="K100",
        division="north",
        from_location="maidstone",
        to_location="dover",
        posting_date=None,
        details={},
        decision=DecisionV1(
            rationale="Strength balance",
            actor_id="dhr",
            actor_role="director_of_hr",
            clause="L1800 3.7.1",
            facts={},
            delegation_id=None,
            effective_date=date(2027, 1, 10),
            correlation_id="req-1",
            supersedes=None,
        ),
    )


@pytest.fixture
def posting(appeals_settings: AppealsSettings) -> str:
    """A compulsory posting of K100 decided by the Director of HR and notified, as postings'
    feed publishes it (its contract models) and appeals' follower takes it."""
    posting_id = str(uuid4())
    decided = _decided()
    notified = PostingOfficerNotifiedV1(
        notified_at=NOTIFIED,
        recipients=["K100", "slt-north"],
        content="You are to be posted to Dover",
        starts_appeal_window=True,
        actor_id="hr-alice",
        actor_role="hr_resource_planning",
    )
    feed_postings(
        appeals_settings,
        [
            published(1, posting_id, 1, NOTIFIED - timedelta(hours=2), decided),
            published(2, posting_id, 2, NOTIFIED, notified),
        ],
    )
    return posting_id


def lodge(client: TestClient, posting_id: str, headers: dict[str, str], **extra: Any) -> Any:
    body = {"posting_id": posting_id, "grounds": "My caring responsibilities were not weighed"}
    return client.post("/appeals", json={**body, **extra}, headers=headers)


def test_the_officer_concerned_or_a_command_team_member_may_appeal(
    client: TestClient, posting: str
) -> None:
    assert lodge(client, posting, bearer(Role.HR_RESOURCE_PLANNING)).status_code == 403
    assert lodge(client, posting, officer("K101")).status_code == 403
    mine = expect(lodge(client, posting, officer("K100")), 201)
    theirs = expect(lodge(client, posting, COMMAND_TEAM), 201)

    assert (mine["appellant_id"], mine["deadline"], mine["state"]) == (
        "K100",
        "2026-11-16",
        "lodged",
    )
    assert theirs["appellant_role"] == "command_team"


def test_grounds_are_required(client: TestClient, posting: str) -> None:
    response = lodge(client, posting, officer("K100"), grounds="  ")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.grounds"


def test_a_decision_appeals_has_not_seen_yet_gets_a_retryable_answer(client: TestClient) -> None:
    response = lodge(client, str(uuid4()), officer("K100"))

    assert response.status_code == 409
    assert response.json()["type"] == "/problems/not-yet-known"
    assert response.headers["retry-after"]


def test_day_14_is_in_time_and_day_15_is_refused_with_the_deadline(
    client: TestClient, posting: str, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 17, 9, 0, tzinfo=UTC))  # day 15
    late = lodge(client, posting, officer("K100"))
    assert late.status_code == 422
    assert late.json()["rule"] == "AppealMustBeLodgedWithin14Days"
    assert late.json()["violations"][0]["details"]["deadline"] == "2026-11-16"

    clock.set(datetime(2026, 11, 16, 23, 59, tzinfo=UTC))  # day 14, late evening
    assert lodge(client, posting, officer("K100")).status_code == 201


def test_a_late_appeal_needs_a_policy_owners_exception(
    client: TestClient, posting: str, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    permission = {
        "posting_id": posting,
        "appellant_id": "K100",
        "rationale": "Officer was in hospital",
    }
    assert client.post("/appeals/late-permissions", json=permission, headers=HOR).status_code == 403
    expect(client.post("/appeals/late-permissions", json=permission, headers=POLICY_OWNER), 201)

    appeal = expect(lodge(client, posting, officer("K100")), 201)

    assert appeal["late_exception"] is True


def test_assignment_by_the_head_of_resourcing_never_to_the_decider(
    client: TestClient, posting: str
) -> None:
    appeal = expect(lodge(client, posting, officer("K100")), 201)
    url = f"/appeals/{appeal['id']}/assignment"
    to_decider = {"hearer_id": "dhr", "level": "Director", "rationale": "Senior level"}
    to_hearer = {
        "hearer_id": "ch-supt-south",
        "level": "Chief superintendent",
        "rationale": "Independent",
    }

    assert client.post(url, json=to_hearer, headers=HEARER).status_code == 403
    refused = client.post(url, json=to_decider, headers=HOR)
    assert refused.json()["rule"] == "HearerMustNotBeTheDecider"
    assigned = expect(client.post(url, json=to_hearer, headers=HOR), 200)
    assert assigned["state"] == "assigned"

    waiting = expect(client.get("/appeals", params={"awaiting": "outcome"}, headers=HOR), 200)
    assert [a["id"] for a in waiting["items"]] == [appeal["id"]]
    assert waiting["items"][0]["age_days"] == 0  # lodged today


def test_only_the_assigned_person_decides_and_the_decision_is_final(
    client: TestClient, posting: str
) -> None:
    appeal = expect(lodge(client, posting, officer("K100")), 201)
    base = f"/appeals/{appeal['id']}"
    expect(
        client.post(
            f"{base}/assignment",
            json={
                "hearer_id": "ch-supt-south",
                "level": "Chief superintendent",
                "rationale": "Independent",
            },
            headers=HOR,
        ),
        200,
    )
    expect(
        client.post(
            f"{base}/submissions", json={"content": "Letter from my GP"}, headers=officer("K100")
        ),
        200,
    )
    assert (
        client.post(f"{base}/submissions", json={"content": "x"}, headers=COMMAND_TEAM).status_code
        == 403
    )
    outcome = {
        "outcome": "upheld",
        "rationale": "Caring responsibilities were not considered (3.1.3)",
    }

    assert client.post(f"{base}/outcome", json=outcome, headers=HOR).status_code == 403
    decided = expect(client.post(f"{base}/outcome", json=outcome, headers=HEARER), 200)
    assert (decided["state"], decided["outcome"]) == ("decided", "upheld")
    assert [i["kind"] for i in decided["items"]] == ["submission"]

    again = client.post(f"{base}/outcome", json={**outcome, "outcome": "dismissed"}, headers=HEARER)
    assert again.status_code == 409
    second = lodge(client, posting, officer("K100"))
    assert second.json()["rule"] == "OneAppealPerDecisionAndAppellant"
    figures = expect(client.get("/appeals/monitoring", headers=HOR), 200)
    assert figures == [{"posting_kind": "compulsory", "outcome": "upheld", "appeals": 1}]


def test_an_appellant_may_withdraw_before_the_outcome(client: TestClient, posting: str) -> None:
    appeal = expect(lodge(client, posting, officer("K100")), 201)
    url = f"/appeals/{appeal['id']}/withdrawal"

    assert client.post(url, headers=COMMAND_TEAM).status_code == 403
    withdrawn = expect(client.post(url, headers=officer("K100")), 200)

    assert withdrawn["state"] == "withdrawn"
    assert client.post(url, headers=officer("K100")).status_code == 409


def test_an_officer_cannot_see_another_officers_appeal(client: TestClient, posting: str) -> None:
    appeal = expect(lodge(client, posting, officer("K100")), 201)

    assert client.get(f"/appeals/{appeal['id']}", headers=officer("K101")).status_code == 403
    assert client.get("/appeals", headers=officer("K101")).json()["items"] == []
    assert client.get(f"/appeals/{appeal['id']}", headers=officer("K100")).status_code == 200
    assert "caring responsibilities" not in client.get("/appeals", headers=officer("K101")).text


def test_two_officers_whose_tokens_share_a_subject_are_still_two_people(
    client: TestClient, posting: str
) -> None:
    """Records name an officer by their officer id: a subject two officers' tokens share
    (an identity provider's reused name, or a careless minting) makes neither the other."""
    mine = bearer(Role.OFFICER, subject="shared-name", officer_id="K100")
    theirs = bearer(Role.OFFICER, subject="shared-name", officer_id="K101")
    appeal = expect(lodge(client, posting, mine), 201)
    url = f"/appeals/{appeal['id']}"

    assert appeal["appellant_id"] == "K100"
    assert client.get(url, headers=theirs).status_code == 403
    assert client.get("/appeals", headers=theirs).json()["items"] == []
    assert client.post(f"{url}/withdrawal", headers=theirs).status_code == 403
    assert (
        client.post(f"{url}/submissions", json={"content": "x"}, headers=theirs).status_code == 403
    )
    assert expect(client.get(url, headers=mine), 200)["state"] == "lodged"


def test_an_officer_id_and_a_staff_subject_that_read_the_same_are_two_people(
    client: TestClient, posting: str
) -> None:
    """Officers are named by officer id and staff by subject: a Command Team member whose
    subject reads K100 is not officer K100, and officer K300 is not the hearer whose
    subject reads K300 (outside tester's findings)."""
    appeal = expect(lodge(client, posting, officer("K100")), 201)
    url = f"/appeals/{appeal['id']}"
    namesake = bearer(Role.COMMAND_TEAM, subject="K100", officer_id="K100")

    assert client.get(url, headers=namesake).status_code == 403
    assert client.get("/appeals", headers=namesake).json()["items"] == []
    submission = client.post(f"{url}/submissions", json={"content": "x"}, headers=namesake)
    assert submission.status_code == 403
    assert client.post(f"{url}/withdrawal", headers=namesake).status_code == 403

    to_k300 = {"hearer_id": "K300", "level": "Superintendent", "rationale": "Independent"}
    expect(client.post(f"{url}/assignment", json=to_k300, headers=HOR), 200)
    officer_k300 = officer("K300")
    assert client.get(url, headers=officer_k300).status_code == 403
    assert client.get("/appeals", headers=officer_k300).json()["items"] == []
    outcome = {"outcome": "upheld", "rationale": "x"}
    assert client.post(f"{url}/outcome", json=outcome, headers=officer_k300).status_code == 403
    assert expect(client.get(url, headers=officer("K100")), 200)["state"] == "assigned"


def test_a_command_team_member_who_appeals_never_hears_their_own_appeal(
    client: TestClient, posting: str
) -> None:
    appeal = expect(lodge(client, posting, COMMAND_TEAM), 201)
    to_themselves = {"hearer_id": "acc-ops", "level": "ACC", "rationale": "Senior level"}

    refused = client.post(f"/appeals/{appeal['id']}/assignment", json=to_themselves, headers=HOR)

    assert refused.status_code == 422
    assert refused.json()["rule"] == "HearerMustNotBeTheAppellant"
    assert expect(client.get(f"/appeals/{appeal['id']}", headers=HOR), 200)["state"] == "lodged"


def test_idempotency_keys_are_each_persons_own(client: TestClient, posting: str) -> None:
    """Two officers whose tokens share a subject never meet at one key: the second is
    answered for themselves, never with the first one's appeal."""
    key = {"Idempotency-Key": "appeal-1"}
    mine = bearer(Role.OFFICER, subject="shared-name", officer_id="K100")
    theirs = bearer(Role.OFFICER, subject="shared-name", officer_id="K101")
    expect(lodge(client, posting, {**mine, **key}), 201)

    replay = lodge(client, posting, {**theirs, **key})

    assert replay.status_code == 403
    assert "Idempotent-Replayed" not in replay.headers
    assert "caring" not in replay.text


def test_a_caller_who_may_not_act_on_an_appeal_learns_nothing_of_it(
    client: TestClient, posting: str
) -> None:
    """Authority is asked before the appeal's version or state: a stale If-Match or an
    appeal already withdrawn is no news to someone who may not act on it."""
    appeal = expect(lodge(client, posting, officer("K100")), 201)
    url = f"/appeals/{appeal['id']}"
    expect(client.post(f"{url}/withdrawal", headers=officer("K100")), 200)
    outcome = {"outcome": "upheld", "rationale": "Not weighed"}
    stale = {"If-Match": '"77"'}

    answers = [
        client.post(f"{url}/outcome", json=outcome, headers=HEARER),
        client.post(f"{url}/outcome", json=outcome, headers={**HEARER, **stale}),
        client.post(f"{url}/withdrawal", headers={**officer("K101"), **stale}),
        client.post(f"{url}/submissions", json={"content": "x"}, headers={**COMMAND_TEAM, **stale}),
        client.post(f"{url}/evidence", json={"content": "x"}, headers={**HEARER, **stale}),
    ]

    assert [a.status_code for a in answers] == [403] * 5
    for answer in answers:
        assert "current_version" not in answer.json()
        assert "withdrawn" not in answer.text


# -- the window's start, when appeals' view of it runs behind -----------------------------


def _postings_saying(started: datetime | None) -> httpx.MockTransport:
    """Postings as appeals reaches it: its feed has nothing new (appeals' view is behind),
    and it says when the officer's window started."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/events":
            return httpx.Response(200, json={"items": []})
        posting_id = request.url.path.split("/")[2]
        return httpx.Response(
            200,
            json={
                "posting_id": posting_id,
                "officer_id": "K100",
                "window_started_at": started.isoformat() if started else None,
            },
        )

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(
    ("started_days_ago", "status", "deadline"),
    [(20, 422, None), (13, 201, "2026-11-16"), (None, 201, None)],
    ids=["late-by-postings-word", "in-time-by-postings-word", "not-notified-yet"],
)
def test_a_window_appeals_has_not_heard_of_is_asked_of_postings(
    appeals_settings: AppealsSettings,
    started_days_ago: int | None,
    status: int,
    deadline: str | None,
) -> None:
    """Appeals knows the decision but its feed has not brought the notification yet: postings
    is asked when the 14 days started, so an appeal is never taken as in time for want of
    news (L1800 3.10.1)."""
    started = NOTIFIED if started_days_ago is not None else None
    now = NOTIFIED + timedelta(days=started_days_ago or 3)
    posting_id = str(uuid4())
    decided = published(1, posting_id, 1, NOTIFIED - timedelta(hours=2), _decided())
    feed_postings(appeals_settings, [decided])
    settings = appeals_settings.model_copy(update={"postings_url": "http://postings"})
    runtime = build_runtime(
        settings, clock=FixedClock(now), postings_transport=_postings_saying(started)
    )
    with TestClient(build_api(runtime, title="appeals", description="", routers=ROUTERS)) as client:
        answer = lodge(client, posting_id, officer("K100"))

    assert answer.status_code == status, answer.text
    if status == 422:
        assert answer.json()["rule"] == "AppealMustBeLodgedWithin14Days"
    else:
        assert answer.json()["deadline"] == deadline
