"""The strength a posting decision shows (L1800 3.1.2) is read from counts the database keeps
by trigger as officers and postings change (migration 0017): they must always be what
counting the officers and the planned postings gives, through every kind of change, a
rebuild, and decisions racing into one division on PostgreSQL."""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from services.postings.projections.strength import PLANNED
from services.postings.projections.tables import officers, postings, strength_counts
from shared import migrate
from shared.rebuild import REBUILDING, rebuild_read_models
from tests.force import (
    DIRECTOR,
    HEAD_OF_RESOURCING,
    compulsory,
    days,
    expect,
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.helpers import HR, officer_body
from tests.support.http import ok
from tests.support.races import Call, all_at_once, summary
from tests.support.three_services import System, running_system
from tests.test_postings_flows import confirm_at_panel, move

Figures = dict[tuple[str, str], tuple[int, int, int]]


def _kept(rows: Any) -> Figures:
    """The counts by division and rank, summed over their slots; all-zero ones left out."""
    summed: dict[tuple[str, str], Counter[str]] = {}
    for division, rank, now, leaving, joining in rows:
        figures = summed.setdefault((division, rank), Counter())
        figures.update(now=now, leaving=leaving, joining=joining)
    return {
        key: (c["now"], c["leaving"], c["joining"]) for key, c in summed.items() if any(c.values())
    }


def _counted(officer_rows: Any, posting_rows: Any) -> Figures:
    """The same figures counted from the rows, as a decision used to count them."""
    people = {officer_id: (division, rank) for officer_id, division, rank in officer_rows}
    now: Counter[tuple[str, str]] = Counter(people.values())
    leaving: Counter[tuple[str, str]] = Counter()
    joining: Counter[tuple[str, str]] = Counter()
    for officer_id, destination, state in posting_rows:
        if state in PLANNED and officer_id in people:
            division, rank = people[officer_id]
            leaving[(division, rank)] += 1
            joining[(destination, rank)] += 1
    keys = set(now) | set(leaving) | set(joining)
    return {k: (now[k], leaving[k], joining[k]) for k in keys}


def _both(execute: Any) -> tuple[Figures, Figures]:
    kept = _kept(
        execute(
            select(
                strength_counts.c.division,
                strength_counts.c.rank,
                strength_counts.c.now,
                strength_counts.c.leaving,
                strength_counts.c.joining,
            )
        )
    )
    counted = _counted(
        execute(select(officers.c.officer_id, officers.c.division, officers.c.rank)),
        execute(select(postings.c.officer_id, postings.c.division, postings.c.state)),
    )
    return kept, counted


def _figures(client: TestClient) -> tuple[Figures, Figures]:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.db.unit_of_work(write=False) as session:
        return _both(session.execute)


def assert_kept(client: TestClient) -> Figures:
    kept, counted = _figures(client)
    assert kept == counted
    return kept


def _register(client: TestClient, officer_id: str, **overrides: Any) -> None:
    expect(client.post("/officers", json=officer_body(officer_id, **overrides), headers=HR), 201)


def _decide(client: TestClient, officer_id: str, to: str) -> dict[str, Any]:
    body = compulsory(officer_id=officer_id, to_location=to, preferences=[to])
    return expect(client.post("/postings/compulsory", json=body, headers=DIRECTOR), 201)


def test_the_counts_follow_every_change_to_officers_and_postings(client: TestClient) -> None:
    """Registrations, decisions within and across divisions, a withdrawal, a move, and an
    officer's rank and division changed while a posting of theirs is planned."""
    assert assert_kept(client) == {
        ("north", "constable"): (2, 0, 0),
        ("north", "sergeant"): (1, 0, 0),
    }
    _register(client, "K200", division="south", place_of_duty="ashford")
    _register(client, "I1", rank="inspector")
    within = _decide(client, "K100", "tonbridge")
    across = _decide(client, "K101", "dover")
    south = _decide(client, "K200", "maidstone")
    kept = assert_kept(client)
    assert kept[("north", "constable")] == (2, 2, 2)
    assert kept[("south", "constable")] == (1, 1, 1)
    # The decision showed the figures as they stood before it.
    assert south["facts"]["strength"]["destination"] == {
        "target": None,
        "now": 2,
        "projected": 2 - 2 + 1,
    }

    expect(
        client.post(
            f"/postings/{across['id']}/withdrawal",
            json={"rationale": "Dover's need has passed"},
            headers=HR,
        ),
        200,
    )
    assert assert_kept(client)[("south", "constable")] == (1, 1, 0)

    # A promotion and a change of division while a posting is planned carry it along.
    expect(
        client.patch("/officers/K200", json={"rank": "sergeant", "division": "north"}, headers=HR),
        200,
    )
    kept = assert_kept(client)
    assert kept[("north", "sergeant")] == (2, 1, 1)
    assert ("south", "constable") not in kept

    # Confirmed at the panel (still planned), then moved: no longer planned, and the
    # officer is counted where they went.
    confirm_at_panel(client, within["id"], days(60))
    assert assert_kept(client)[("north", "constable")] == (2, 1, 1)
    expect(move(client, within["id"]), 200)
    assert assert_kept(client)[("north", "constable")] == (2, 0, 0)


def test_a_rebuild_counts_afresh_what_the_triggers_kept(client: TestClient) -> None:
    _register(client, "K200", division="south", place_of_duty="ashford")
    _decide(client, "K100", "dover")
    _decide(client, "K200", "tonbridge")
    before = assert_kept(client)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.db.unit_of_work(write=True) as session:
        # Whatever the slots held is replaced: a rebuild counts from the rows themselves.
        session.execute(
            strength_counts.insert().values(
                division="east", rank="constable", slot=7, now=5, leaving=0, joining=0
            )
        )

    rebuild_read_models(runtime.application, migrate.service_metadata("postings"), runtime.tables)

    assert assert_kept(client) == before
    with runtime.db.unit_of_work(write=False) as session:
        assert set(session.execute(select(strength_counts.c.slot)).scalars()) == {0}
    # And the triggers keep them again after it.
    _register(client, "K300")
    assert assert_kept(client)[("north", "constable")] == (3, 1, 1)


def test_the_strength_page_and_a_decision_agree_with_the_counts(client: TestClient) -> None:
    _decide(client, "K100", "dover")
    rows = expect(client.get("/strength", headers=HEAD_OF_RESOURCING), 200)["items"]
    kept = assert_kept(client)
    for row in rows:
        if row["category"] == "rank":
            now, leaving, joining = kept.get((row["division"], row["key"]), (0, 0, 0))
            assert (row["now"], row["projected"]) == (now, now - leaving + joining)


# -- racing on PostgreSQL ---------------------------------------------------------------------

RACERS = 16


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


# PostgreSQL only: SQLite lets one writer in at a time, so nothing would race.
@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.e2e
def test_decisions_racing_into_one_division_keep_the_counts(
    system: System, database_urls: dict[str, str]
) -> None:
    """Sixteen compulsory postings of constables from north into south at once, while HR
    registers more constables in both: every one is decided (none waits on another's
    counts, none deadlocks), and the counts are the rows' counts afterwards."""
    for n in range(RACERS):
        ok(system.postings.post("/officers", json=officer_body(f"R{n:03d}"), headers=HR), 201)
    base = str(system.postings.base_url)
    calls = [
        Call(
            base,
            "/postings/compulsory",
            compulsory(officer_id=f"R{n:03d}", to_location="dover", preferences=["dover"]),
            DIRECTOR,
        )
        for n in range(RACERS)
    ] + [
        Call(
            base,
            "/officers",
            officer_body(
                f"N{n:03d}", **({"division": "south", "place_of_duty": "ashford"} if n % 2 else {})
            ),
            HR,
        )
        for n in range(RACERS)
    ]
    answers = all_at_once(calls)
    assert {a.status_code for a in answers} == {201}, summary(answers)
    engine = create_engine(database_urls["postings"])
    try:
        with engine.connect() as connection:
            kept, counted = _both(connection.execute)
            slots = connection.execute(
                text("SELECT count(DISTINCT slot) FROM strength_counts")
            ).scalar()
    finally:
        engine.dispose()
    assert kept == counted
    assert kept[("south", "constable")][1:] == (0, RACERS)
    assert kept[("north", "constable")][1:] == (RACERS, 0)
    assert slots


def test_the_triggers_know_the_planned_states_and_the_rebuild_flag_the_code_uses() -> None:
    """Migration 0017 writes the planned states and the rebuild's setting into its triggers
    as they were then: a change to either in the code must come with a migration."""
    path = Path(migrate.ROOT, "migrations", "postings", "versions", "0017_strength_counts.py")
    spec = importlib.util.spec_from_file_location("strength_counts_migration", path)
    assert spec is not None
    assert spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    written = "(" + ", ".join(f"'{state}'" for state in PLANNED) + ")"
    frozen = migration.PLANNED, migration.REBUILDING
    assert frozen == (written, REBUILDING)
