"""Command-line runs of the HR-system integration: ``./dev hr-sync [--full]`` and
``./dev hr-deliver``, against the configured tenant (``POSTINGS_HR_*``)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from services.postings.main import build_runtime
from shared.settings import PostingsSettings


def _run(what: str, full: bool = False) -> int:
    runtime = build_runtime(PostingsSettings())
    try:
        hr = runtime.extras["hr_system"]
        now = datetime.now(tz=UTC)
        report = hr.sync(now=now, full=full) if what == "sync" else hr.deliver(now=now)
    finally:
        runtime.db.close()
    print(json.dumps(report.as_dict()))
    return 1 if report.problems else 0


def cmd_sync(args: argparse.Namespace) -> int:
    return _run("sync", full=args.full)


def cmd_deliver(_: argparse.Namespace) -> int:
    return _run("deliver")


def add_commands(sub: Any) -> None:
    sync = sub.add_parser("hr-sync", help="read officers and PDRs from the HR system now")
    sync.add_argument("--full", action="store_true", help="everything, not what changed")
    sync.set_defaults(func=cmd_sync)
    deliver = sub.add_parser("hr-deliver", help="write due posting outcomes to the HR system")
    deliver.set_defaults(func=cmd_deliver)
