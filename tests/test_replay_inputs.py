"""What a replay is given that is not what export wrote (``python -m shared.cli replay``):
an export is evidence that may have been tampered with or cut short, so a line that is not
an exported event is a problem on the report, by its line number, and the rest is still
verified; a checkpoint directory or an export that cannot be read at all is refused with
one line and exit code 2. Never a traceback."""

from __future__ import annotations

import argparse
import base64
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from services.postings.projections.tables import kernel
from shared import cli_audit
from shared.checkpoints import Checkpoint, CheckpointStore
from shared.cli_audit import cmd_replay, service_mapper
from shared.export import export_log
from shared.hashchain import GENESIS, extend, stored_leaf_hash
from shared.replay import replay_export, write_states
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.support.tokens import bearer

HR = bearer(Role.HR_RESOURCE_PLANNING)


def _export(client: TestClient, settings: PostingsSettings) -> list[str]:
    for code in ("maidstone", "tonbridge", "ashford"):
        body: dict[str, object] = {"code": code, "name": code.title(), "division": "north"}
        body |= {"town": code.title(), "lat": 51.2, "lon": 0.5}
        assert client.post("/locations", json=body, headers=HR).status_code == 201
    engine = create_engine(settings.effective_database_url)
    out = io.StringIO()
    try:
        export_log(
            engine,
            kernel,
            service_mapper("postings"),
            out,
            service="postings",
            exported_at=datetime.now(tz=UTC),
        )
    finally:
        engine.dispose()
    return out.getvalue().splitlines()


def test_lines_that_are_not_exported_events_are_problems_and_the_rest_is_verified(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    header, *events = _export(postings_client, postings_settings)
    assert len(events) >= 3
    not_events: list[str | bytes] = [
        "not json",
        "[1, 2]",
        '{"position": true}',
        b"\xff\xfe not UTF-8",
        "[" * 100_000 + "]" * 100_000,
        events[0].replace('"state": "', '"state": "*'),
    ]
    lines: list[str | bytes] = [header, events[0], *not_events, *events[1:]]
    report, aggregates = replay_export(lines, service_mapper)
    assert report.events == len(events)
    assert report.cases == len(aggregates) >= 2
    assert [p["line"] for p in report.problems] == list(range(3, 3 + len(not_events)))
    assert all(p["reason"].startswith("not an exported event") for p in report.problems)
    assert not report.ok


@pytest.mark.parametrize(
    "first", [None, "", "not json", "[]", '{"service": 7}', '{"service": "payroll"}']
)
def test_an_export_without_a_header_naming_a_service_is_one_problem(first: str | None) -> None:
    report, aggregates = replay_export([] if first is None else [first], service_mapper)
    assert (report.ok, aggregates, report.events) == (False, {}, 0)
    assert report.problems == [
        {"line": 1, "reason": "the first line is not the header of an export of a service"}
    ]


def _replay(export: Path, checkpoints: Path | None = None) -> argparse.Namespace:
    return argparse.Namespace(
        export=str(export),
        checkpoints=str(checkpoints) if checkpoints else None,
        states=None,
        keys=None,
    )


def _header_only(tmp_path: Path) -> Path:
    """An export of postings with a header and no events: enough for the checks of the
    replay's inputs, which come before any event is read."""
    export = tmp_path / "export.jsonl"
    export.write_text('{"service": "postings"}\n')
    return export


def test_an_export_that_cannot_be_read_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cmd_replay(_replay(tmp_path / "absent.jsonl")) == 2
    err = capsys.readouterr().err
    assert err.startswith("replay: cannot read the export")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("checkpoints", "public_key", "named"),
    [
        (None, None, "cannot read the checkpoints"),
        ("not json\n", "", "cannot read the checkpoints"),
        ('{"service": "postings"}\n', "", "cannot read the checkpoints"),
        ("[1]\n", "", "cannot read the checkpoints"),
        ("", "not a key", "cannot read the checkpoints"),
    ],
)
def test_a_checkpoint_directory_that_cannot_be_read_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    checkpoints: str | None,
    public_key: str | None,
    named: str,
) -> None:
    directory = tmp_path / "audit"
    directory.mkdir()
    if checkpoints is not None:
        (directory / "checkpoints.jsonl").write_text(checkpoints)
    if public_key is not None:
        (directory / "public-key.pem").write_text(public_key)
    export = _header_only(tmp_path)
    assert cmd_replay(_replay(export, directory)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"replay: {named}")
    assert "Traceback" not in err


def test_an_event_deleted_repeated_or_moved_in_a_whole_export_breaks_the_chain(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    """An export of the whole log chains every line to the one before it, the first to the
    chain's start: the outside tester deleted and swapped lines, and the replay said ok."""
    header, *events = _export(postings_client, postings_settings)
    assert replay_export([header, *events], service_mapper)[0].ok
    for altered in (
        events[1:],  # the first deleted
        [events[0], *events[2:]],  # one in the middle deleted
        [events[1], events[0], *events[2:]],  # two swapped
        [events[0], events[0], *events[1:]],  # one there twice
    ):
        report, _ = replay_export([header, *altered], service_mapper)
        assert {p["reason"] for p in report.problems} & {
            "does not follow the event before it",
            "is out of order, or there twice",
        }


def test_a_topic_outside_the_service_is_not_imported(
    postings_client: TestClient,
    postings_settings: PostingsSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A topic names a module to import: one beside the export ran its code (found by the
    outside tester). Only the service's own modules and the shared kernel's are replayed."""
    header, *events = _export(postings_client, postings_settings)
    ran = tmp_path / "ran"
    (tmp_path / "planted_beside_export.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    first = json.loads(events[0])
    first["topic"] = "planted_beside_export:" + first["topic"].partition(":")[2]
    report, _ = replay_export([header, json.dumps(first), *events[1:]], service_mapper)
    assert not ran.exists()
    assert {"position": first["position"], "reason": "the event was altered"} in report.problems


def test_a_hash_not_written_as_export_writes_it_is_not_an_exported_event(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    header, *events = _export(postings_client, postings_settings)
    first = json.loads(events[0])
    spaced = {**first, "prev_chain_hash": " ".join(["00"] * 32)}
    short = {**first, "leaf_hash": "00"}
    report, _ = replay_export(
        [header, json.dumps(spaced), json.dumps(short), *events], service_mapper
    )
    assert report.problems[:2] == [
        {"line": 2, "reason": "not an exported event: its hashes are not SHA-256 in hex"},
        {"line": 3, "reason": "not an exported event: its hashes are not SHA-256 in hex"},
    ]


def test_states_that_cannot_be_written_are_refused_before_the_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _header_only(tmp_path)
    args = _replay(export)
    args.states = str(tmp_path)  # a directory
    assert cmd_replay(args) == 2
    assert capsys.readouterr().err.startswith("replay: cannot write the states")


def test_a_checkpoint_of_fields_of_other_types_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "audit"
    directory.mkdir()
    public = Ed25519PrivateKey.generate().public_key()
    (directory / "public-key.pem").write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    checkpoint = {
        "service": "postings",
        "size": 3,
        "last_position": [3],
        "head": "00" * 32,
        "signed_at": "2026-12-06T00:00:00+00:00",
        "signature": "",
    }
    (directory / "checkpoints.jsonl").write_text(json.dumps(checkpoint) + "\n")
    export = _header_only(tmp_path)
    assert cmd_replay(_replay(export, directory)) == 2
    assert "not of the types a service writes" in capsys.readouterr().err


def test_checkpoints_none_of_which_is_the_services_are_a_problem(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    header, *events = _export(postings_client, postings_settings)
    appeals = Checkpoint(
        service="appeals", size=1, last_position=1, head="00" * 32, signed_at="", signature=""
    )
    report, _ = replay_export([header, *events], service_mapper, checkpoints=[appeals])
    assert report.problems == [
        {"position": 0, "reason": "none of the checkpoints given is this service's"}
    ]
    assert replay_export([header, *events], service_mapper, checkpoints=[])[0].ok


class _FailsWhileRead(io.BytesIO):
    def __iter__(self) -> Iterator[bytes]:
        yield b'{"service": "postings"}\n'
        raise OSError(5, "Input/output error")


def test_an_export_that_fails_while_it_is_read_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_audit, "_opened", lambda path: _FailsWhileRead())
    assert cmd_replay(_replay(tmp_path / "export.jsonl")) == 2
    err = capsys.readouterr().err
    assert err.startswith("replay: cannot read the export")
    assert "Traceback" not in err


def test_a_record_class_outside_the_service_named_in_a_state_is_not_imported(
    postings_client: TestClient,
    postings_settings: PostingsSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A creation event's state names its record's class, which the event library imports
    as it replays it: a forged export whose hashes were recomputed ran a module beside it
    that way (found by the outside tester)."""
    header, *events = _export(postings_client, postings_settings)
    ran = tmp_path / "ran"
    (tmp_path / "planted_in_state.py").write_text(f"open({str(ran)!r}, 'w').close()\\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def plant(state: dict[str, Any]) -> None:
        assert "originator_topic" in state
        state["originator_topic"] = "planted_in_state:Thing"

    forged = _forged(events[0], plant)
    report, _ = replay_export([header, forged], service_mapper)
    assert not ran.exists()
    assert report.problems == [
        {"position": json.loads(forged)["position"], "reason": "is not an event of this service"}
    ]


def _forged(
    exported: str, change: Callable[[dict[str, Any]], None], topic: str | None = None
) -> str:
    """The exported event with its state changed by ``change`` (and its topic, if given)
    and its hashes recomputed, as the first of a whole export: what a forger who
    recomputes hashes sends."""
    forged = json.loads(exported)
    state = json.loads(base64.b64decode(forged["state"]))
    change(state)
    forged["topic"] = topic or forged["topic"]
    raw = json.dumps(state).encode()
    leaf = stored_leaf_hash(
        forged["position"],
        forged["originator_id"],
        forged["originator_version"],
        forged["topic"],
        raw,
    )
    forged |= {
        "state": base64.b64encode(raw).decode(),
        "leaf_hash": leaf.hex(),
        "chain_hash": extend(GENESIS, leaf).hex(),
    }
    return json.dumps(forged)


def _without_point_fields(state: dict[str, Any]) -> None:
    state["point"]["_data_"] = {}


def _not_a_number(state: dict[str, Any]) -> None:
    state["name"] = float("nan")


def _nested(state: dict[str, Any]) -> None:
    deep: Any = "north"
    for _ in range(600):
        deep = [deep]
    state["division"] = deep


@pytest.mark.parametrize("change", [_without_point_fields, _not_a_number, _nested])
def test_a_case_that_replays_but_cannot_be_written_is_a_problem(
    postings_client: TestClient,
    postings_settings: PostingsSettings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], None],
) -> None:
    """A forged creation event (hashes recomputed) that replays into a case its states
    cannot hold: a value without its fields, NaN, nesting past the interpreter's depth. The
    case is a problem on the report and the other cases are written, where the replay ended
    in a traceback with no report (found by the outside tester)."""
    header, first, *_ = _export(postings_client, postings_settings)
    forged = _forged(first, change)
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join([header, forged]) + "\n")
    states = tmp_path / "states.jsonl"
    args = _replay(export)
    args.states = str(states)
    assert cmd_replay(args) == 1
    report = json.loads(capsys.readouterr().out)
    case_id = json.loads(forged)["originator_id"]
    assert report["problems"] == [{"case_id": case_id, "reason": report["problems"][0]["reason"]}]
    assert report["problems"][0]["reason"].startswith("the rebuilt case cannot be written")
    assert states.read_text() == ""


def test_the_cases_that_can_be_written_are_written_beside_one_that_cannot(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    header, first, *events = _export(postings_client, postings_settings)
    report, aggregates = replay_export([header, first, *events], service_mapper)
    assert report.ok
    assert len(aggregates) == 3
    broken = next(iter(aggregates))
    aggregates[broken].point = object.__new__(type(aggregates[broken].point))
    out = io.StringIO()
    write_states(aggregates, out, report)
    written = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted(s["case_id"] for s in written) == sorted(set(aggregates) - {broken})
    assert [p["case_id"] for p in report.problems] == [broken]


def test_a_snapshot_in_an_export_is_not_replayed(
    postings_client: TestClient,
    postings_settings: PostingsSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A snapshot's state names the record's class, imported as it is applied, and its own
    class is one of the service's: a forged one ran a module beside the export, and the
    replay said ok (found by the outside tester). The log holds no snapshots."""
    header, first, *_ = _export(postings_client, postings_settings)
    ran = tmp_path / "ran"
    (tmp_path / "planted_in_snapshot.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def snapshot(state: dict[str, Any]) -> None:
        state.clear()
        state |= {
            "timestamp": {"_type_": "datetime_iso", "_data_": "2026-11-22T10:00:00+00:00"},
            "topic": "planted_in_snapshot:Thing",
            "state": {},
        }

    forged = _forged(first, snapshot, topic="services.postings.domain.officer:Officer.Snapshot")
    report, aggregates = replay_export([header, forged], service_mapper)
    assert not ran.exists()
    assert aggregates == {}
    assert report.problems == [
        {"position": json.loads(forged)["position"], "reason": "is not an event of this service"}
    ]


@pytest.mark.parametrize("input_", ["export", "keys"])
def test_states_written_over_an_input_are_refused_and_the_input_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], input_: str
) -> None:
    export = _header_only(tmp_path)
    keys = tmp_path / "keys.json"
    keys.write_text('{"service": "postings", "keys": {}}')
    args = _replay(export)
    args.keys = str(keys)
    args.states = str(export if input_ == "export" else keys)
    kept = Path(args.states).read_text()
    assert cmd_replay(args) == 2
    assert "the states would be written over an input" in capsys.readouterr().err
    assert Path(args.states).read_text() == kept


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs a device that is always full")
def test_states_that_fail_as_they_are_written_are_said_in_one_line(
    postings_client: TestClient,
    postings_settings: PostingsSettings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(_export(postings_client, postings_settings)) + "\n")
    args = _replay(export)
    args.states = "/dev/full"
    assert cmd_replay(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("replay: cannot write the states or the report")
    assert len(err.strip().splitlines()) == 1


def test_states_are_not_written_over_a_file_beside_the_checkpoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The checkpoint directory may be a service's own, its signing key beside the files
    # the replay reads (found by the outside tester: the states emptied it).
    export = _header_only(tmp_path)
    checkpoints = tmp_path / "audit"
    CheckpointStore(checkpoints).public_key()  # makes the service's keys, as it does
    (checkpoints / "checkpoints.jsonl").touch()
    signing_key = checkpoints / "signing-key.pem"
    kept = signing_key.read_bytes()
    args = _replay(export)
    args.checkpoints = str(checkpoints)
    args.states = str(signing_key)
    assert cmd_replay(args) == 2
    assert "the states would be written over an input" in capsys.readouterr().err
    assert signing_key.read_bytes() == kept


def test_an_empty_states_path_is_refused_not_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _header_only(tmp_path)
    args = _replay(export)
    args.states = ""
    assert cmd_replay(args) == 2
    assert "cannot write the states" in capsys.readouterr().err
