"""Export and independent replay (issue 6): a history across the three services is
exported with the command-line tool, the services are stopped, and the replay tool
verifies each export against the signed checkpoints and rebuilds every case to the same
state the live services reported."""

from __future__ import annotations

import base64
import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared import cli
from tests.helpers import HR
from tests.support.http import ok
from tests.support.three_services import AUDITOR, System, build_history, running_system

SERVICES = ("postings", "appeals", "roi")


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def tool(system: System, *args: str) -> Ran:
    """The project's command-line entry point (``python -m shared.cli``), as an auditor runs
    it, called in this process: its own start-up (seconds of imports) would be most of
    each test's time, and the command is the same function either way."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in system.env.items():
            patch.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    return Ran(code, out.getvalue(), err.getvalue())


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.e2e
def test_an_export_replayed_with_the_services_stopped_rebuilds_the_live_states(
    system: System, tmp_path: Path
) -> None:
    build_history(system)
    clients = {"postings": system.postings, "appeals": system.appeals, "roi": system.roi}
    live: dict[str, dict[str, Any]] = {}
    for service in SERVICES:
        ok(clients[service].post("/audit/checkpoints", headers=AUDITOR), 201)
        exported = tool(
            system,
            "export",
            service,
            "--out",
            str(tmp_path / f"{service}.jsonl"),
            "--keys",
            str(tmp_path / f"{service}.keys"),
        )
        assert exported.returncode == 0, exported.stderr
        for item in lines(tmp_path / f"{service}.jsonl")[1:]:
            case = item["originator_id"]
            live[case] = ok(clients[service].get(f"/audit/cases/{case}/state", headers=AUDITOR))

    system.stop()

    rebuilt: dict[str, dict[str, Any]] = {}
    for service in SERVICES:
        states = tmp_path / f"{service}-states.jsonl"
        replayed = tool(
            system,
            "replay",
            str(tmp_path / f"{service}.jsonl"),
            "--checkpoints",
            str(system.audit_dirs[service]),
            "--states",
            str(states),
            "--keys",
            str(tmp_path / f"{service}.keys"),
        )
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        report = json.loads(replayed.stdout)
        assert report["ok"] is True
        assert report["checkpoints_matched"], f"{service}: the export reaches its checkpoint"
        rebuilt.update({s["case_id"]: s for s in lines(states)})

    # The export holds no personal data in clear; the key file is what opens it.
    assert "Alex Smith" not in (tmp_path / "postings.jsonl").read_text()
    assert set(rebuilt) == set(live)
    for case, state in rebuilt.items():
        assert (state["case_type"], state["version"]) == (
            live[case]["case_type"],
            live[case]["version"],
        )
        assert state["state"] == live[case]["state"], state["case_type"]
    kinds = {s["case_type"] for s in rebuilt.values()}
    assert {"Officer", "Posting", "Appeal", "Commitment", "CourseDesignation"} <= kinds


@pytest.mark.e2e
def test_an_altered_export_fails_replay_at_the_altered_event(
    system: System, tmp_path: Path
) -> None:
    build_history(system)
    ok(system.postings.post("/audit/checkpoints", headers=AUDITOR), 201)
    path = tmp_path / "postings.jsonl"
    assert tool(system, "export", "postings", "--out", str(path)).returncode == 0
    exported = lines(path)
    victim = next(i for i in exported[1:] if i["event"]["type"] == "Posting.Decided")
    # Rewrite the decision's clause in the stored form, keeping the recorded hashes.
    stored = base64.b64decode(victim["state"])
    # The clause is in clear (the rationale is sealed with the officer's key).
    assert b"L1800 3.7.1" in stored
    altered = stored.replace(b"L1800 3.7.1", b"L1800 3.7.3")
    victim["state"] = base64.b64encode(altered).decode()
    path.write_text("\n".join(json.dumps(i) for i in exported) + "\n")

    replayed = tool(
        system, "replay", str(path), "--checkpoints", str(system.audit_dirs["postings"])
    )

    assert replayed.returncode == 1, replayed.stderr[-2000:]
    assert replayed.stdout, replayed.stderr[-3000:]
    report = json.loads(replayed.stdout)
    assert report["problems"][0] == {
        "position": victim["position"],
        "reason": "the event was altered",
    }


@pytest.mark.e2e
def test_an_officers_export_holds_their_cases_only(system: System, tmp_path: Path) -> None:
    history = build_history(system)
    ok(
        system.postings.post(
            "/officers",
            json={
                "officer_id": "K999",
                "name": "Someone Else",
                "rank": "constable",
                "division": "north",
                "place_of_duty": "maidstone",
                "appointed_on": "2019-09-02",
            },
            headers=HR,
        ),
        201,
    )
    path = tmp_path / "k100.jsonl"

    exported = tool(system, "export", "postings", "--officer", "K100", "--out", str(path))

    assert exported.returncode == 0, exported.stderr
    header, *events = lines(path)
    assert header["filters"]["officer_id"] == "K100"
    cases = {e["originator_id"] for e in events}
    assert history["posting"]["id"] in cases
    assert all("K999" not in json.dumps(e["event"]) for e in events)
    # Every event carries what verifies it: its hash and the chain either side of it.
    assert all(len(e["leaf_hash"]) == len(e["prev_chain_hash"]) == 64 for e in events)
