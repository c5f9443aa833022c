"""A command's answer kept under its Idempotency-Key, with the officers it names
(shared.kept_answers): a disposal that forgets the answer forgets every officer it named,
so the key is free for a new command whose answer names its own."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shared.roles import Role
from tests.force import (
    DIRECTOR,
    NOW,
    days,
    expect,
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.support.tokens import bearer

POLICY_OWNER = bearer(Role.HR_POLICY_OWNER, subject="head-of-operational-hr")


def _kept_officers(client: TestClient, key: str) -> set[str]:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    quoted = runtime.tables.idempotency_officers
    with runtime.db.unit_of_work(write=False) as session:
        rows = session.execute(quoted.select().where(quoted.c.key == key)).all()
    return {row.officer_id for row in rows}


def _dispose_of_k100(client: TestClient) -> None:
    expect(
        client.post(
            "/retention/officers/K100/disposal",
            json={"retention_ended_on": days(-1), "rationale": "HR Disposal Schedule"},
            headers=POLICY_OWNER,
        ),
        201,
    )


def test_a_key_freed_by_a_disposal_serves_a_new_command(client: TestClient) -> None:
    headers = {**DIRECTOR, "Idempotency-Key": "batch-then-disposal"}
    proposed = {"to_location": "tonbridge", "likely_posting_date": days(60), "preferences": []}
    batch = {
        "rationale": "Rebalancing response officers after the boundary review",
        "reasoning_for_officer": "The boundary review moved demand to Tonbridge",
        "postings": [{"officer_id": "K100", **proposed}, {"officer_id": "K101", **proposed}],
    }
    decided = expect(client.post("/postings/batches", json=batch, headers=headers), 201)
    k101 = next(r["posting_id"] for r in decided["results"] if r["officer_id"] == "K101")
    assert _kept_officers(client, "batch-then-disposal") == {"K100", "K101"}

    _dispose_of_k100(client)
    # The answer named K100, so it is forgotten, and with it every officer it named.
    assert _kept_officers(client, "batch-then-disposal") == set()

    # The key is sent anew, for a command about K101: decided, and kept naming K101.
    withdrawn = client.post(
        f"/postings/{k101}/withdrawal",
        json={"rationale": "The boundary review was reversed"},
        headers=headers,
    )
    assert withdrawn.status_code in (200, 201), withdrawn.text
    assert withdrawn.headers.get("Idempotent-Replayed") is None
    assert _kept_officers(client, "batch-then-disposal") == {"K101"}


def test_a_disposal_forgets_ten_thousand_answers_naming_the_officer_at_once(
    client: TestClient,
) -> None:
    """However many kept answers name the officer, the disposal forgets them and every
    officer they named in one go (a list of their keys failed PostgreSQL near 10,000);
    another principal's answer under the same key string stays."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    keys, quoted = runtime.tables.idempotency, runtime.tables.idempotency_officers
    answer = {"status_code": 201, "body": "{}", "headers": "{}", "fingerprint": "f"}
    many = [f"k{n}" for n in range(12_000)]
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(
            keys.insert(),
            [{"principal": "p1", "key": k, "created_at": NOW, **answer} for k in [*many, "other"]]
            + [{"principal": "p2", "key": "k0", "created_at": NOW, **answer}],
        )
        session.execute(
            quoted.insert(),
            [{"principal": "p1", "key": k, "officer_id": "K100"} for k in many]
            + [{"principal": "p1", "key": k, "officer_id": "K101"} for k in many[:5]]
            + [
                {"principal": "p1", "key": "other", "officer_id": "K101"},
                {"principal": "p2", "key": "k0", "officer_id": "K101"},
            ],
        )
    _dispose_of_k100(client)
    with runtime.db.unit_of_work(write=False) as session:
        left = {
            tuple(r) for r in session.execute(quoted.select().where(quoted.c.principal != "dhr"))
        }
    assert left == {("p1", "other", "K101"), ("p2", "k0", "K101")}
