"""Verifying an export and replaying it with no service running: every event's leaf hash
is recomputed from its stored form, each chain link checked, signed checkpoints matched
where the export reaches them, and every case rebuilt by applying its events in order, as
the service itself does."""

from __future__ import annotations

import base64
import json
import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent

from shared.audit_trail import state_of
from shared.checkpoints import Checkpoint, verify_signature
from shared.hashchain import GENESIS, extend, stored_leaf_hash


@dataclass
class ReplayReport:
    service: str = ""
    events: int = 0
    cases: int = 0
    checkpoints_matched: list[int] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "checkpoints_matched": self.checkpoints_matched,
            "problems": self.problems,
        }


def load_checkpoints(directory: Path) -> tuple[list[Checkpoint], bytes]:
    """A checkpoint directory's checkpoints and its public key: all replay needs of it. A
    checkpoint whose fields are not of the types a service writes is a ValueError here, where
    one of a list for a position failed later, in the replay (found by the outside tester)."""
    lines = (directory / "checkpoints.jsonl").read_text().splitlines()
    checkpoints = [Checkpoint(**json.loads(line)) for line in lines if line]
    for checkpoint in checkpoints:
        if not all(_of_type(getattr(checkpoint, n), k) for n, k in _CHECKPOINT_FIELDS.items()):
            raise ValueError("a checkpoint's fields are not of the types a service writes")
    return checkpoints, (directory / "public-key.pem").read_bytes()


#: A checkpoint's fields and their types, as the class declares them.
_CHECKPOINT_FIELDS = typing.get_type_hints(Checkpoint)


def _of_type(value: Any, kind: type) -> bool:
    # A bool is an int to Python, never a position, a size or a version.
    return isinstance(value, kind) and not isinstance(value, bool)


def replay_export(
    lines: Iterable[str | bytes],
    mappers: Callable[[str], Mapper[Any]],
    *,
    checkpoints: list[Checkpoint] | None = None,
    public_key_pem: bytes | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ReplayReport, dict[str, Any]]:
    """Verify an export line by line and rebuild its cases; returns the report and the
    aggregates by case id. ``mappers`` gives the service's mapper by service name.

    An export is evidence that may have been tampered with or cut short: a line that is
    not an exported event is a problem on the report, by its line number, and the rest is
    still verified; a first line that is no export's header ends the replay with that
    problem alone. Neither ends it in a traceback."""
    report = ReplayReport()
    stream = iter(lines)
    header = _json(first) if (first := next(stream, None)) is not None else None
    service = _service_of(header)
    # An export of the whole log holds every event, each chained to the line before it and
    # the first to the chain's start: a line deleted, repeated or moved breaks a link. An
    # export filtered to an officer or a period has gaps, where a link cannot be checked.
    whole = isinstance(header, dict) and _unfiltered(header.get("filters"))
    mapper = None
    if service is not None:
        try:
            mapper = mappers(service)
        except KeyError:
            service = None  # a service this tool does not know
    if service is None or mapper is None:
        report.problems.append(
            {"line": 1, "reason": "the first line is not the header of an export of a service"}
        )
        return report, {}
    report.service = service
    signed: dict[int, Checkpoint] = {}
    if checkpoints and all(c.service != report.service for c in checkpoints):
        # Another service's checkpoints anchor nothing here: said, not passed over in
        # silence (found by the outside tester).
        report.problems.append(
            {"position": 0, "reason": "none of the checkpoints given is this service's"}
        )
    for checkpoint in checkpoints or []:
        if checkpoint.service != report.service:
            continue
        if public_key_pem is None or not verify_signature(checkpoint, public_key_pem):
            report.problems.append(
                {"position": 0, "reason": f"checkpoint at size {checkpoint.size}: bad signature"}
            )
            continue
        signed[checkpoint.last_position] = checkpoint
    aggregates: dict[str, Any] = {}
    last: dict[str, Any] | None = None
    chain = GENESIS.hex()
    for line, text in enumerate(stream, start=2):
        exported = _exported(text)
        if isinstance(exported, str):
            report.problems.append({"line": line, "reason": exported})
            continue
        item, state = exported
        position = item["position"]
        leaf = stored_leaf_hash(
            position, item["originator_id"], item["originator_version"], item["topic"], state
        )
        altered = leaf.hex() != item["leaf_hash"]
        if altered:
            report.problems.append({"position": position, "reason": "the event was altered"})
        if extend(bytes.fromhex(item["prev_chain_hash"]), leaf).hex() != item["chain_hash"]:
            report.problems.append({"position": position, "reason": "the chain link is broken"})
        follows = whole or (last is not None and last["position"] == position - 1)
        if last is not None and position <= last["position"]:
            report.problems.append(
                {"position": position, "reason": "is out of order, or there twice"}
            )
        elif follows and item["prev_chain_hash"] != chain:
            report.problems.append(
                {"position": position, "reason": "does not follow the event before it"}
            )
        chain = item["chain_hash"]
        match = signed.get(position)
        if match is not None:
            if match.head == item["chain_hash"]:
                report.checkpoints_matched.append(match.size)
            else:
                report.problems.append(
                    {"position": position, "reason": f"differs from the checkpoint of {match.size}"}
                )
        case = item["originator_id"]
        # What is not as it was stored is not replayed: its bytes are not the service's
        # event. Nor is an event whose class, or whose record's class (a creation event's
        # state names it, imported as the event is applied), is not of the service's own
        # modules or the shared kernel's, nor a snapshot: a topic names a module to import
        # (found by the outside tester: a module beside the export ran its code each way).
        if not altered and not _of_the_service(item["topic"], service):
            report.problems.append({"position": position, "reason": _NOT_OF_THE_SERVICE})
        elif not altered:
            try:
                event: Any = mapper.to_domain_event(
                    StoredEvent(
                        originator_id=UUID(case),
                        originator_version=item["originator_version"],
                        topic=item["topic"],
                        state=state,
                    )
                )
                named = getattr(event, "originator_topic", None)
                # A snapshot names its record's class in its state as well, imported as it
                # is applied, and the log holds none (shared.snapshots keeps them apart):
                # one in an export is forged (found by the outside tester).
                if isinstance(event, Snapshot) or (
                    named is not None and not _of_the_service(named, service)
                ):
                    report.problems.append({"position": position, "reason": _NOT_OF_THE_SERVICE})
                else:
                    aggregates[case] = event.mutate(aggregates.get(case))
            except Exception as exc:
                report.problems.append(
                    {"position": position, "reason": f"cannot be replayed: {exc!r}"[:300]}
                )
        report.events += 1
        last = item
        if progress and report.events % 1000 == 0:
            progress(report.events)
    report.cases = len(aggregates)
    return report, aggregates


def _service_of(header: Any) -> str | None:
    """The service an export's header names, or None if it is not one."""
    service = header.get("service") if isinstance(header, dict) else None
    return service if isinstance(service, str) and service else None


def _unfiltered(filters: Any) -> bool:
    return isinstance(filters, dict) and all(value is None for value in filters.values())


#: Why an event whose class, or whose record's class, is not the service's is not replayed.
_NOT_OF_THE_SERVICE = "is not an event of this service"


def _of_the_service(topic: Any, service: str) -> bool:
    """Whether a topic names a class of the service's own modules or the shared kernel's:
    only those are imported to replay an event."""
    if not isinstance(topic, str):
        return False
    module = topic.partition(":")[0]
    return module.startswith((f"services.{service}.", "shared."))


#: What each line of an export holds besides the event as published, and of what type.
_EXPORTED = {
    "position": int,
    "originator_id": str,
    "originator_version": int,
    "topic": str,
    "state": str,
    "leaf_hash": str,
    "prev_chain_hash": str,
    "chain_hash": str,
}
_HASHES = ("leaf_hash", "prev_chain_hash", "chain_hash")
#: A hash as export writes it; ``bytes.fromhex`` alone also took spaces and any length.
_HASH = re.compile("[0-9a-f]{64}")


def _exported(text: str | bytes) -> tuple[dict[str, Any], bytes] | str:
    """A line's exported event and its stored state, or why the line is not one."""
    item = _json(text)
    if not isinstance(item, dict):
        return "not an exported event: not a JSON object"
    for name, kind in _EXPORTED.items():
        if not _of_type(item.get(name), kind):
            return f"not an exported event: no {name} of its type"
    if not all(_HASH.fullmatch(item[name]) for name in _HASHES):
        return "not an exported event: its hashes are not SHA-256 in hex"
    try:
        UUID(item["originator_id"])
        state = base64.b64decode(item["state"], validate=True)
    except ValueError:
        return "not an exported event: its id or state is malformed"
    return item, state


def _json(text: str | bytes) -> Any:
    """The line's JSON, or None: not JSON, not UTF-8, or nested past the interpreter's depth."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def case_state(case_id: str, aggregate: Any) -> dict[str, Any]:
    """A rebuilt case as the auditor API gives it: type, version and state."""
    return {
        "case_id": case_id,
        "case_type": type(aggregate).__name__,
        "version": aggregate.version,
        "state": state_of(aggregate),
    }


def write_states(aggregates: dict[str, Any], out: TextIO, report: ReplayReport) -> None:
    """Each rebuilt case as a line of JSON. A case that cannot be written is a problem on
    the report, and the others are written: an export whose hashes were recomputed may
    hold a value without its fields, nested past the interpreter's depth, or a number JSON
    does not have (NaN), which replays and then cannot be written (found by the outside
    tester: the replay ended in a traceback, with its report lost and the states cut off)."""
    for case_id, aggregate in aggregates.items():
        try:
            line = json.dumps(case_state(case_id, aggregate), sort_keys=True, allow_nan=False)
        except Exception as exc:  # whatever a forged state holds, it is this case's problem
            reason = f"the rebuilt case cannot be written as JSON: {type(exc).__name__}"
            report.problems.append({"case_id": case_id, "reason": reason})
            continue
        out.write(line + "\n")
