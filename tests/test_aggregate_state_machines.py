"""Hypothesis state machines over the aggregates whose sequences matter most (a posting and
an appeal): any sequence of commands, refused or not, leaves versions contiguous, a refused
command changes nothing, and replaying the stored events rebuilds exactly the live state.
Bounded here; ``HYPOTHESIS_PROFILE=long`` runs many more examples on demand."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from services.appeals.application import AppealsApplication
from services.appeals.domain.appeal import Appeal
from services.postings.application import PostingsApplication
from services.postings.domain.kinds import PostingKind
from services.postings.domain.posting import Posting
from shared.errors import DomainError
from shared.ledger import Decision
from shared.roles import Role

settings.register_profile("bounded", max_examples=60, stateful_step_count=15, deadline=None)
settings.register_profile("long", max_examples=2000, stateful_step_count=40, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
days = st.integers(min_value=0, max_value=400)


def decision(actor: str = "dhr", role: Role = Role.DIRECTOR_OF_HR) -> Decision:
    return Decision(rationale="Because", actor_id=actor, actor_role=role, clause="L1800 3.7.1")


class Replayable(RuleBasedStateMachine):
    """What every aggregate machine checks after each step."""

    mapper: Any
    aggregate: Any

    def __init__(self) -> None:
        super().__init__()
        self.stored: list[Any] = []
        self.clock = START

    def now(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    def attempt(self, command: Any) -> None:
        """Run a command; a refusal must leave the aggregate exactly as it was."""
        before, version = dict(vars(self.aggregate)), self.aggregate.version
        try:
            command()
        except DomainError:
            assert self.aggregate.version == version
            assert {k: v for k, v in vars(self.aggregate).items() if k != "_pending_events"} == {
                k: v for k, v in before.items() if k != "_pending_events"
            }
        self.collect()

    def collect(self) -> None:
        self.stored += [self.mapper.to_stored_event(e) for e in self.aggregate.collect_events()]

    @invariant()
    def versions_are_contiguous(self) -> None:
        assert [s.originator_version for s in self.stored] == list(range(1, len(self.stored) + 1))

    @invariant()
    def replay_equals_live_state(self) -> None:
        rebuilt = None
        for stored in self.stored:
            rebuilt = self.mapper.to_domain_event(stored).mutate(rebuilt)
        public = {k: v for k, v in vars(self.aggregate).items() if k != "_pending_events"}
        assert {k: v for k, v in vars(rebuilt).items() if k != "_pending_events"} == public


class PostingMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = Posting.decide(
            decision=decision(),
            kind=PostingKind.COMPULSORY,
            officer_id="K100",
            division="north",
            from_location="maidstone",
            to_location="tonbridge",
            details={"notice_days": 28},
            at=self.now(),
        )
        self.collect()

    @rule(offset=days)
    def confirm_date(self, offset: int) -> None:
        self.attempt(
            lambda: self.aggregate.confirm_date(
                posting_date=date(2026, 11, 22) + timedelta(days=offset),
                sitting_id=uuid4(),
                decision=decision("panel-chair", Role.DEPLOYMENT_PANEL),
                at=self.now(),
            )
        )

    @rule(offset=days)
    def delay(self, offset: int) -> None:
        self.attempt(
            lambda: self.aggregate.delay(
                posting_date=date(2026, 11, 22) + timedelta(days=offset),
                decision=decision("hr", Role.HR_RESOURCE_PLANNING),
                at=self.now(),
            )
        )

    @rule(agreed=st.integers(min_value=0, max_value=60))
    def agree_shorter_notice(self, agreed: int) -> None:
        self.attempt(
            lambda: self.aggregate.agree_shorter_notice(
                agreed_days=agreed, actor_id="K100", actor_role=Role.OFFICER, at=self.now()
            )
        )

    @rule(to_officer=st.booleans())
    def notify(self, to_officer: bool) -> None:
        self.attempt(
            lambda: self.aggregate.notify_officer(
                recipients=["K100"] if to_officer else ["slt-north"],
                content="You are posted",
                actor_id="hr",
                actor_role=Role.HR_RESOURCE_PLANNING,
                at=self.now(),
            )
        )

    @rule()
    def move(self) -> None:
        self.attempt(
            lambda: self.aggregate.move(
                moved_on=self.aggregate.posting_date or date(2026, 11, 22),
                decision=decision("hr", Role.HR_RESOURCE_PLANNING),
                at=self.now(),
            )
        )

    @rule()
    def withdraw(self) -> None:
        self.attempt(
            lambda: self.aggregate.withdraw(
                decision=decision("hr", Role.HR_RESOURCE_PLANNING), at=self.now()
            )
        )

    @rule()
    def set_aside(self) -> None:
        self.attempt(
            lambda: self.aggregate.set_aside(
                appeal_id=uuid4(),
                decision=decision("hearer", Role.DIVISIONAL_COMMANDER),
                at=self.now(),
            )
        )

    @invariant()
    def a_move_happens_once_and_never_after_withdrawal_or_set_aside(self) -> None:
        kinds = [s.topic.rsplit(".", 1)[-1] for s in self.stored]
        assert kinds.count("Moved") <= 1
        if "Moved" in kinds:
            first_end = min(
                (i for i, k in enumerate(kinds) if k in ("Withdrawn", "SetAside")),
                default=len(kinds),
            )
            assert kinds.index("Moved") < first_end


class AppealMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = AppealsApplication.offline_mapper()
        self.aggregate = Appeal.lodge(
            posting_id=uuid4(),
            officer_id="K100",
            appellant_id="K100",
            appellant_role=Role.OFFICER,
            grounds="My caring responsibilities",
            deadline=date(2026, 12, 6),
            late_exception=False,
            at=self.now(),
        )
        self.collect()

    @rule(hearer=st.sampled_from(["ch-supt-south", "ch-supt-east"]))
    def assign(self, hearer: str) -> None:
        self.attempt(
            lambda: self.aggregate.assign(
                hearer_id=hearer,
                level="Chief superintendent",
                decision=decision("hor", Role.HEAD_OF_RESOURCING),
                at=self.now(),
            )
        )

    @rule(actor=st.sampled_from(["ch-supt-south", "ch-supt-east", "hor"]), upheld=st.booleans())
    def decide(self, actor: str, upheld: bool) -> None:
        self.attempt(
            lambda: self.aggregate.decide(
                outcome="upheld" if upheld else "dismissed",
                decision=decision(actor, Role.DIVISIONAL_COMMANDER),
                at=self.now(),
            )
        )

    @rule(by_appellant=st.booleans())
    def withdraw(self, by_appellant: bool) -> None:
        self.attempt(
            lambda: self.aggregate.withdraw(
                actor_id="K100" if by_appellant else "K101",
                actor_role=Role.OFFICER,
                at=self.now(),
            )
        )

    @invariant()
    def the_appeal_decision_is_final(self) -> None:
        kinds = [s.topic.rsplit(".", 1)[-1] for s in self.stored]
        assert kinds.count("Decided") + kinds.count("Withdrawn") <= 1
        if "Decided" in kinds or "Withdrawn" in kinds:
            end = max(i for i, k in enumerate(kinds) if k in ("Decided", "Withdrawn"))
            assert end == len(kinds) - 1


TestPostingSequences = PostingMachine.TestCase
TestAppealSequences = AppealMachine.TestCase
