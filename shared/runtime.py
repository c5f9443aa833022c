"""What a running service is made of; built once by the service's composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared import ordering_timings
from shared.checkpointer import Checkpointer
from shared.clock import Clock
from shared.contracts import ContractMap
from shared.db import Database
from shared.eventstore import LedgerApplication
from shared.follower import Follower
from shared.handling import Handlers
from shared.identity import TokenVerifier
from shared.periodic import Periodic
from shared.settings import ServiceSettings
from shared.tables import KernelTables


@dataclass
class Runtime:
    settings: ServiceSettings
    db: Database
    tables: KernelTables
    application: LedgerApplication
    verifier: TokenVerifier
    clock: Clock
    #: What the service publishes on its feed and to auditors, and how.
    contracts: ContractMap
    #: Each command type's handler (built by the composition root).
    handlers: Handlers = field(default_factory=Handlers)
    followers: list[Follower] = field(default_factory=list)
    checkpointer: Checkpointer | None = None
    #: Jobs the service runs by itself every so often (e.g. postings' HR-system sync).
    jobs: list[Periodic] = field(default_factory=list)
    #: A service's own parts that its API needs beside the application (by name).
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.checkpointer is None:
            self.checkpointer = Checkpointer(
                settings=self.settings, db=self.db, kernel=self.tables, clock=self.clock
            )

    def start(self) -> None:
        ordering_timings.record_to(self.settings.ordering_timings_file)
        for follower in self.followers:
            follower.start()
        if self.checkpointer is not None:
            self.checkpointer.start()
        for job in self.jobs:
            job.start()

    def stop(self) -> None:
        for job in self.jobs:
            job.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        for follower in self.followers:
            follower.stop()
        ordering_timings.write_recorded()
        self.db.close()
