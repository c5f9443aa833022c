"""Tamper evidence (audit issue): each service's log is hash-chained in the events' own
transactions, checkpoints are signed outside the database, and verification finds every
kind of tampering at the right position. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, delete, select, update

from services.roi.projections.tables import kernel
from shared import verify as verify_module
from shared.api.audit import checkpoint_store
from shared.hashchain import GENESIS, canonical_entry, extend, leaf_hash, stored_leaf_hash
from shared.roles import Role
from shared.settings import RoiSettings
from tests.force import expect
from tests.helpers import designate_until
from tests.support.tokens import bearer

AUDITOR = bearer(Role.AUDITOR)
LD = bearer(Role.HEAD_OF_L_AND_D)
EVENTS, CHAIN = kernel.events, kernel.chain


def build_history(client: TestClient, courses: int = 3) -> None:
    for n in range(courses):
        body = {
            "course_code": f"C-{n}",
            "title": f"Course {n}",
            "quarter": "2026-Q4",
            "reasons": ["high_cost"],
            "proposed_by": ["head_of_l_and_d"],
            "rationale": "High cost",
        }
        expect(client.post("/designations", json=body, headers=LD), 201)


def verify(client: TestClient) -> dict[str, Any]:
    result: dict[str, Any] = expect(client.get("/audit/verify", headers=AUDITOR), 200)
    return result


def change_a_field(conn: Connection) -> int:
    conn.execute(update(EVENTS).where(EVENTS.c.id == 2).values(topic=EVENTS.c.topic + "x"))
    return 2


def delete_one(conn: Connection) -> int:
    conn.execute(delete(EVENTS).where(EVENTS.c.id == 2))
    return 2


def insert_one(conn: Connection) -> int:
    row = conn.execute(select(EVENTS).where(EVENTS.c.id == 2)).one()
    conn.execute(
        EVENTS.insert().values(
            id=10,
            originator_id=row.originator_id,
            originator_version=99,
            topic=row.topic,
            state=row.state,
        )
    )
    return 10


def reorder_two(conn: Connection) -> int:
    two = conn.execute(select(EVENTS).where(EVENTS.c.id == 2)).one()
    three = conn.execute(select(EVENTS).where(EVENTS.c.id == 3)).one()
    conn.execute(delete(EVENTS).where(EVENTS.c.id.in_([2, 3])))
    for position, row in ((2, three), (3, two)):
        conn.execute(
            EVENTS.insert().values(
                id=position,
                originator_id=row.originator_id,
                originator_version=row.originator_version,
                topic=row.topic,
                state=row.state,
            )
        )
    return 2


def truncate_the_tail(conn: Connection) -> int:
    conn.execute(delete(EVENTS).where(EVENTS.c.id > 2))
    conn.execute(delete(CHAIN).where(CHAIN.c.position > 2))
    return 3


def rewrite_every_hash(conn: Connection) -> int:
    """Alter an event and recompute the whole chain consistently, without the signing key."""
    conn.execute(update(EVENTS).where(EVENTS.c.id == 2).values(state=b'{"forged": true}'))
    head = GENESIS
    for row in conn.execute(select(EVENTS).order_by(EVENTS.c.id)).all():
        leaf = leaf_hash(
            canonical_entry(
                row.id, row.originator_id, row.originator_version, row.topic, bytes(row.state)
            )
        )
        head = extend(head, leaf)
        conn.execute(
            update(CHAIN)
            .where(CHAIN.c.position == row.id)
            .values(leaf_hash=leaf.hex(), chain_hash=head.hex())
        )
    return 2  # the chain is self-consistent; the checkpoint signed at size 2 is not


TAMPERING: dict[str, Callable[[Connection], int]] = {
    "change a field": change_a_field,
    "delete one": delete_one,
    "insert one": insert_one,
    "reorder two": reorder_two,
    "truncate the tail": truncate_the_tail,
    "rewrite every hash": rewrite_every_hash,
}


def test_an_untouched_log_verifies(roi_client: TestClient) -> None:
    build_history(roi_client)
    signed = expect(roi_client.post("/audit/checkpoints", headers=AUDITOR), 201)

    report = verify(roi_client)

    assert report["ok"] is True
    assert report["events"] == 3
    assert report["checkpoints_checked"] == 1
    # The last checkpoint the log matched, so a reader knows how far it was attested.
    assert report["last_checkpoint"] == {
        key: signed[key] for key in ("size", "last_position", "head", "signed_at")
    }


@pytest.mark.parametrize("batch", [verify_module.BATCH, 2], ids=["one batch", "batches of 2"])
@pytest.mark.parametrize("how", list(TAMPERING))
def test_every_kind_of_tampering_is_found_at_its_position(
    roi_client: TestClient,
    roi_settings: RoiSettings,
    how: str,
    batch: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Read two at a time, the events and the chain part between batches when a row is
    # missing on one side, and a stream ends a batch before the other.
    monkeypatch.setattr(verify_module, "BATCH", batch)
    build_history(roi_client, courses=2)
    expect(roi_client.post("/audit/checkpoints", headers=AUDITOR), 201)  # size 2
    build_history(roi_client, courses=2)
    expect(roi_client.post("/audit/checkpoints", headers=AUDITOR), 201)  # size 4
    assert verify(roi_client)["ok"] is True

    engine = create_engine(roi_settings.database_url)
    with engine.begin() as conn:
        expected_position = TAMPERING[how](conn)
    engine.dispose()
    report = verify(roi_client)

    assert report["ok"] is False
    assert report["first_divergence"]["position"] == expected_position, report


def test_only_auditors_verify_or_sign(roi_client: TestClient) -> None:
    assert roi_client.get("/audit/verify", headers=LD).status_code == 403
    assert (
        roi_client.post(
            "/audit/checkpoints", headers=bearer(Role.OFFICER, officer_id="K1")
        ).status_code
        == 403
    )


def test_checkpoints_are_also_signed_periodically_when_the_log_grows(
    roi_client: TestClient,
) -> None:
    runtime = roi_client.app.state.runtime  # type: ignore[attr-defined]
    checkpointer = runtime.checkpointer
    assert checkpointer.sign_if_grown() is False  # empty log: nothing to sign

    build_history(roi_client, courses=2)
    assert checkpointer.sign_if_grown() is True
    assert checkpointer.sign_if_grown() is False  # unchanged since

    assert verify(roi_client)["checkpoints_checked"] == 1


def test_rebuilding_read_models_reproduces_them_and_leaves_the_chain(
    roi_client: TestClient, roi_settings: RoiSettings
) -> None:
    from shared import migrate
    from shared.rebuild import rebuild_read_models

    build_history(roi_client, courses=3)
    before = expect(roi_client.get("/designations", headers=LD), 200)
    runtime = roi_client.app.state.runtime  # type: ignore[attr-defined]

    replayed = rebuild_read_models(
        runtime.application, migrate.service_metadata("roi"), runtime.tables
    )

    assert replayed == 3
    assert expect(roi_client.get("/designations", headers=LD), 200) == before
    assert verify(roi_client)["ok"] is True


@given(
    position=st.integers(min_value=1, max_value=2**62),
    version=st.integers(min_value=1, max_value=2**31),
    topic=st.text(max_size=80),
    state=st.binary(max_size=400),
)
def test_the_canonical_entry_is_byte_for_byte_the_sorted_json_encoding(
    position: int, version: int, topic: str, state: bytes
) -> None:
    """It is built by hand for speed; every stored chain depends on it staying this."""
    originator = uuid4()
    expected = json.dumps(
        {
            "id": position,
            "originator_id": str(originator),
            "originator_version": version,
            "topic": topic,
            "state": base64.b64encode(state).decode(),
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    assert canonical_entry(position, originator, version, topic, state) == expected
    # The verifier's one-step leaf, from the id as a UUID or as the text PostgreSQL gives.
    leaf = leaf_hash(expected)
    assert stored_leaf_hash(position, originator, version, topic, state) == leaf
    assert stored_leaf_hash(position, str(originator), version, topic, state) == leaf


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has one writer at a time
def test_the_log_verifies_while_it_is_being_written(roi_client: TestClient) -> None:
    """Verification reads the events and the chain's links as two streams, a batch at a
    time. It bounds both by the chain's last position when it starts; without the bound, a
    link committed between the two reads had no event beside it and passed for a deleted
    one: a false alarm of tampering on a live service."""
    stop = threading.Event()
    written: list[int] = []

    def write(worker: int) -> None:
        designate_until(roi_client, stop, written, worker, LD)

    reports: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        writers = [pool.submit(write, w) for w in range(3)]
        try:
            # Verify until enough was written meanwhile to have raced many times, within
            # the 60 expensive queries a minute an auditor may ask.
            while len(written) < 150 and len(reports) < 50 and all(not w.done() for w in writers):
                reports.append(verify(roi_client))
        finally:
            stop.set()
        for w in writers:
            w.result()
    assert reports
    assert [r for r in reports if not r["ok"]] == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_checkpoint_asked_for_again_under_its_key_is_signed_once(
    roi_client: TestClient,
) -> None:
    """Signing writes the checkpoint beyond the unit of work (its file): its key is claimed
    before it signs, so a repeat is the first answer and no second checkpoint."""
    build_history(roi_client)
    headers = {**AUDITOR, "Idempotency-Key": "sign-once"}
    first = expect(roi_client.post("/audit/checkpoints", headers=headers), 201)
    again = roi_client.post("/audit/checkpoints", headers=headers)
    assert again.status_code == 201, again.text
    assert again.json() == first
    assert again.headers["idempotent-replayed"] == "true"
    runtime = roi_client.app.state.runtime  # type: ignore[attr-defined]
    assert len(list(checkpoint_store(runtime).all())) == 1
