"""The auditor's command-line tools: export a service's log as JSON Lines, and verify and
replay such an export with no service running (issue 6)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import Mapper
from sqlalchemy import create_engine

from shared.checkpoints import Checkpoint
from shared.eventstore import LedgerApplication
from shared.export import export_log, officer_keys
from shared.replay import load_checkpoints, replay_export, write_states
from shared.sealing import HeldKeys, KeyFileError
from shared.settings import SETTINGS_BY_SERVICE

#: Where each service's application class lives: replay needs only its mapper.
APPLICATIONS = {
    "postings": ("services.postings.application", "PostingsApplication"),
    "appeals": ("services.appeals.application", "AppealsApplication"),
    "roi": ("services.roi.application", "RoiApplication"),
}


def service_mapper(service: str, keyring: HeldKeys | None = None) -> Mapper[Any]:
    module, name = APPLICATIONS[service]
    application: type[LedgerApplication] = getattr(importlib.import_module(module), name)
    return application.offline_mapper(keyring)


def _progress(what: str) -> Callable[[int], None]:
    def report(count: int) -> None:
        print(f"  {count} events {what}", file=sys.stderr, flush=True)

    return report


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    with Path(path).open("w") as out:
        yield out


def cmd_export(args: argparse.Namespace) -> int:
    """Stream a service's events (all, one officer's cases, or a date range) as JSON Lines
    with their hashes."""
    settings = SETTINGS_BY_SERVICE[args.service]()
    tables = importlib.import_module(f"services.{args.service}.projections.tables")
    engine = create_engine(settings.effective_database_url)
    try:
        with _output(args.out) as out:
            written = export_log(
                engine,
                tables.kernel,
                service_mapper(args.service),
                out,
                service=args.service,
                exported_at=datetime.now(tz=UTC),
                officer_id=args.officer,
                since=args.since,
                until=args.until,
                progress=_progress("read"),
            )
        if args.keys:
            keys = officer_keys(engine, tables.kernel, args.officer)
            Path(args.keys).write_text(json.dumps({"service": args.service, "keys": keys}))
            Path(args.keys).chmod(0o600)
    finally:
        engine.dispose()
    print(f"{args.service}: {written} events exported", file=sys.stderr)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Verify an export against signed checkpoints and rebuild every case from it; the
    report goes to stdout, the rebuilt states (JSON Lines) to --states."""
    # What the replay is given is read first: one that cannot be read is refused with a
    # line saying which and why (exit 2), before anything is verified.
    try:
        checkpoints, public_key = _checkpoints(args.checkpoints) if args.checkpoints else ([], None)
        keyring = _key_file(args.keys) if args.keys else None
        if args.states is not None and args.states != "-":
            _writable(args.states, _inputs(args))
        export = _opened(args.export)
    except (KeyFileError, CannotRead) as exc:
        print(f"replay: {exc}", file=sys.stderr)
        return 2
    # Read as bytes: a line that is not UTF-8 is a problem on the report, by its number.
    try:
        with export as lines:
            report, aggregates = replay_export(
                lines,
                lambda service: service_mapper(service, keyring),
                checkpoints=checkpoints,
                public_key_pem=public_key,
                progress=_progress("verified and replayed"),
            )
    except OSError as exc:  # the file failed while it was read
        print(f"replay: cannot read the export {args.export}: {exc}", file=sys.stderr)
        return 2
    try:
        if args.states is not None:
            with _output(args.states) as out:
                write_states(aggregates, out, report)
        print(json.dumps(report.as_dict()), flush=True)
    except OSError as exc:  # a full disk, a closed pipe: said in one line, not a traceback
        print(f"replay: cannot write the states or the report: {exc}", file=sys.stderr)
        return 2
    return 0 if report.ok else 1


class CannotRead(Exception):
    """An input of the replay's that cannot be read as what it should be."""


def _checkpoints(directory: str) -> tuple[list[Checkpoint], bytes]:
    try:
        checkpoints, public_key = load_checkpoints(Path(directory))
        key = serialization.load_pem_public_key(public_key)
    except (OSError, ValueError, TypeError, RecursionError) as exc:
        raise CannotRead(f"cannot read the checkpoints in {directory}: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CannotRead(f"the public key in {directory} is not the Ed25519 key checkpoints use")
    return checkpoints, public_key


def _inputs(args: argparse.Namespace) -> list[Path]:
    """The files the replay reads, and those beside its checkpoints."""
    given = [Path(args.export), *([Path(args.keys)] if args.keys else [])]
    if args.checkpoints:
        # Every file in the directory, not only the two read: it may be a service's own,
        # with its signing key beside them (found by the outside tester).
        # Not a directory to read: the replay says so as it reads the checkpoints.
        with contextlib.suppress(OSError):
            given += [entry for entry in Path(args.checkpoints).iterdir() if entry.is_file()]
    return given


def _writable(path: str, inputs: list[Path]) -> None:
    """Found out before the replay, not after it, where the report was lost with the
    states (found by the outside tester: a directory given for them). Nothing is emptied
    yet, and a path that is one of the replay's inputs is refused: writing the states
    there destroyed the export or the officers' keys (found by the outside tester)."""
    target = Path(path)
    for read in inputs:
        try:
            same = target.samefile(read)
        except OSError:  # either does not exist (yet): not the same file
            same = False
        if same:
            raise CannotRead(f"the states would be written over an input, {read}")
    try:
        target.open("a").close()
    except OSError as exc:
        raise CannotRead(f"cannot write the states to {path}: {exc}") from exc


def _opened(path: str) -> BinaryIO:
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise CannotRead(f"cannot read the export {path}: {exc}") from exc


def _key_file(path: str) -> HeldKeys:
    try:
        document = json.loads(Path(path).read_text())
    # JSON nested past the interpreter's depth is refused as RecursionError, not ValueError.
    except (OSError, ValueError, RecursionError) as exc:
        raise KeyFileError(f"cannot read the key file {path}: {exc}") from exc
    return HeldKeys.from_export(document)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the moment with its offset, e.g. ...T00:00:00Z")
    return moment


def add_commands(sub: Any, services: tuple[str, ...]) -> None:
    exp = sub.add_parser("export", help="export a service's log as JSON Lines with hashes")
    exp.add_argument("service", choices=services)
    exp.add_argument("--officer", help="only the cases about this officer")
    exp.add_argument("--since", type=_moment, help="only events recorded at or after")
    exp.add_argument("--until", type=_moment, help="only events recorded at or before")
    exp.add_argument("--out", help="file to write (default: standard output)")
    exp.add_argument("--keys", help="also write the officers' keys to this file (sensitive)")
    exp.set_defaults(func=cmd_export)

    rep = sub.add_parser("replay", help="verify an export and rebuild its cases, offline")
    rep.add_argument("export", help="a file written by export")
    rep.add_argument("--checkpoints", help="a checkpoint directory (checkpoints, public key)")
    rep.add_argument("--states", help="file for the rebuilt states ('-': standard output)")
    rep.add_argument("--keys", help="a key file from export, to read personal data")
    rep.set_defaults(func=cmd_replay)
