"""Work on a large log, each step in its own process so its peak memory is its own:
``generate`` stores N events in postings' log through the application (sealed, chained,
indexed), ``rebuild`` rebuilds every read model from them, ``read`` reads the same rows in
order and nothing else (the ratio's floor), ``verify`` re-hashes the chain.

    python -m bench.bulk generate|rebuild|read|verify DATABASE_URL [N]"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select

from services.postings.application import PostingsApplication
from services.postings.domain.kinds import Rank, RestrictionSource
from services.postings.domain.officer import Officer
from services.postings.projections.projector import PostingsProjector
from services.postings.projections.tables import kernel, metadata
from shared.checkpoints import CheckpointStore
from shared.clock import SystemClock
from shared.db import Database
from shared.ledger import Decision
from shared.rebuild import rebuild_read_models
from shared.roles import Role
from shared.verify import verify_log

#: Events per officer: registered, then changes and restriction decisions by turns.
PER_OFFICER = 100
#: Officers saved per transaction while generating.
PER_TRANSACTION = 20


def _peak_mib() -> float:
    """This step's peak resident memory. Linux's ``ru_maxrss`` keeps the peak of the process
    before it ran this program (the benchmark's own, forked to start it), so the peak of
    this program's memory is read where the kernel keeps it (``VmHWM``)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(url: str, total: int) -> dict[str, Any]:
    """``total`` events across total/100 officers, without read models (the projector is
    off, as rebuilding them is what is measured next); the chain and audit index are kept."""
    app = PostingsApplication(Database(url), clock=SystemClock(), projector=None)
    clock = SystemClock()
    started = time.perf_counter()
    officers = max(1, total // PER_OFFICER)
    written = 0
    for first in range(0, officers, PER_TRANSACTION):
        batch = []
        for n in range(first, min(officers, first + PER_TRANSACTION)):
            officer = Officer.register(
                at=clock.now(),
                officer_id=f"B{n:06d}",
                name=f"Bench Officer {n}",
                rank=Rank.CONSTABLE,
                division="north",
                place_of_duty="maidstone",
                appointed_on=date(2020, 1, 6),
                home_town="Ashford",
                home=None,
                probation_ends_on=None,
                initial_training_complete=True,
                supervisor_id=None,
                skills=[],
                working_pattern="full_time",
                welfare_factors=[],
                actor_id="bench",
                actor_role=Role.HR_RESOURCE_PLANNING,
            )
            for i in range(PER_OFFICER - 1):
                if i % 2 == 0:
                    officer.change(
                        changes={"name": f"Bench Officer {n}/{i}"},
                        actor_id="bench",
                        actor_role=Role.HR_RESOURCE_PLANNING,
                        at=clock.now(),
                    )
                    continue
                decision = Decision(
                    rationale="Benchmark restriction",
                    actor_id="psd-bench",
                    actor_role=Role.PSD,
                    clause="L1800 3.2.2",
                )
                location = f"loc{i}"
                if (location, RestrictionSource.PROFESSIONAL_STANDARDS) in officer.restrictions:
                    officer.lift_restriction(
                        location=location,
                        source=RestrictionSource.PROFESSIONAL_STANDARDS,
                        decision=decision,
                        at=clock.now(),
                    )
                else:
                    officer.restrict(
                        location=location,
                        source=RestrictionSource.PROFESSIONAL_STANDARDS,
                        decision=decision,
                        at=clock.now(),
                    )
            batch.append(officer)
        with app.db.unit_of_work(write=True):
            app.store(*batch)
        written += PER_OFFICER * len(batch)
        if first % 1000 == 0:
            print(f"  generated {written} events", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    app.db.close()
    return {"events": written, "seconds": round(elapsed, 1), "per_second": round(written / elapsed)}


def rebuild(url: str) -> dict[str, Any]:
    app = PostingsApplication(Database(url), clock=SystemClock(), projector=PostingsProjector())
    started = time.perf_counter()
    replayed = rebuild_read_models(app, metadata, kernel)
    elapsed = time.perf_counter() - started
    app.db.close()
    return {"events": replayed, "seconds": round(elapsed, 1), "peak_mib": round(_peak_mib())}


def read(url: str) -> dict[str, Any]:
    """The same rows in the same order, fetched and nothing more: the floor for a rebuild."""
    engine = create_engine(url)
    started = time.perf_counter()
    count = 0
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=1000).execute(
            select(kernel.events).order_by(kernel.events.c.id)
        )
        for _ in result:
            count += 1
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"events": count, "seconds": round(elapsed, 1), "peak_mib": round(_peak_mib())}


def verify(url: str, audit_dir: str) -> dict[str, Any]:
    engine = create_engine(url)
    started = time.perf_counter()
    report = verify_log(engine, kernel, CheckpointStore(Path(audit_dir)), service="postings")
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {
        "events": report.events,
        "ok": report.ok,
        "seconds": round(elapsed, 1),
        "per_second": round(report.events / elapsed) if elapsed else None,
    }


def main(argv: list[str]) -> None:
    step, url = argv[0], argv[1]
    if step == "generate":
        out = generate(url, int(argv[2]))
    elif step == "rebuild":
        out = rebuild(url)
    elif step == "read":
        out = read(url)
    elif step == "verify":
        out = verify(url, argv[2])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
