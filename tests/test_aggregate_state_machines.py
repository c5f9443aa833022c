"""Hypothesis state machines over every aggregate of the three services: any sequence of
commands, refused or not, leaves versions contiguous, a refused command changes nothing,
and replaying the stored events rebuilds exactly the live state. Aggregates with a single
event (a location, a course designation, a late-appeal permission, a batch) are checked
for the same on their creation. Bounded here; ``HYPOTHESIS_PROFILE=long`` runs many more
examples on demand."""

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
from services.appeals.domain.late_permission import LatePermission
from services.postings.application import PostingsApplication
from services.postings.domain.batch import Batch, BatchOutcome
from services.postings.domain.delegation import Delegation
from services.postings.domain.details import CompulsoryDetails
from services.postings.domain.establishment import Establishment
from services.postings.domain.kinds import PostingKind, Power, Rank, RestrictionSource
from services.postings.domain.location import Location
from services.postings.domain.officer import Officer
from services.postings.domain.panel import PanelSitting
from services.postings.domain.policy import PolicySettings
from services.postings.domain.posting import Posting
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.unit import Unit
from services.postings.domain.values import GeoPoint, PdrCycle
from services.roi.application import RoiApplication
from services.roi.domain.commitment import Commitment
from services.roi.domain.designation import CourseDesignation
from services.roi.domain.values import DesignationReason, Quarter
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
            details=CompulsoryDetails(notice_days=28),
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


HR_ACTOR: dict[str, Any] = {"actor_id": "hr", "actor_role": Role.HR_RESOURCE_PLANNING}
LOCATIONS = st.sampled_from(["dover", "ashford", "tonbridge"])
DAY = date(2026, 11, 22)


class OfficerMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = Officer.register(
            at=self.now(),
            officer_id="K100",
            name="Kim Officer",
            rank=Rank.CONSTABLE,
            division="north",
            place_of_duty="maidstone",
            appointed_on=date(2020, 1, 6),
            home_town="Ashford",
            home=GeoPoint(51.1465, 0.8750),
            probation_ends_on=None,
            initial_training_complete=True,
            supervisor_id="S1",
            skills=[],
            working_pattern="full_time",
            welfare_factors=[],
            **HR_ACTOR,
        )
        self.collect()

    @rule(
        name=st.sampled_from(["Kim Officer", "Kim Renamed"]),
        rank=st.sampled_from(list(Rank)),
        skills=st.lists(st.sampled_from(["taser", "firearms", "dog"]), max_size=2),
    )
    def change(self, name: str, rank: Rank, skills: list[str]) -> None:
        changes = {"name": name, "rank": rank, "skills": skills}
        self.attempt(lambda: self.aggregate.change(changes=changes, at=self.now(), **HR_ACTOR))

    @rule(due=days, done=st.booleans())
    def record_pdr(self, due: int, done: bool) -> None:
        cycle = PdrCycle(DAY + timedelta(days=due), DAY if done else None)
        self.attempt(lambda: self.aggregate.record_pdr(cycle=cycle, at=self.now(), **HR_ACTOR))

    @rule(location=LOCATIONS, source=st.sampled_from(list(RestrictionSource)))
    def restrict(self, location: str, source: RestrictionSource) -> None:
        self.attempt(
            lambda: self.aggregate.restrict(
                location=location, source=source, decision=decision("psd", Role.PSD), at=self.now()
            )
        )

    @rule(location=LOCATIONS, source=st.sampled_from(list(RestrictionSource)))
    def lift(self, location: str, source: RestrictionSource) -> None:
        self.attempt(
            lambda: self.aggregate.lift_restriction(
                location=location, source=source, decision=decision("psd", Role.PSD), at=self.now()
            )
        )

    @rule(location=LOCATIONS)
    def support_exception(self, location: str) -> None:
        self.attempt(
            lambda: self.aggregate.support_exception(
                location=location, decision=decision("psd", Role.PSD), at=self.now()
            )
        )

    @rule()
    def grant_home_town_exception(self) -> None:
        self.attempt(
            lambda: self.aggregate.grant_home_town_exception(decision=decision(), at=self.now())
        )

    @rule(outcome=st.sampled_from(["confirmed", "changed"]))
    def review_probation(self, outcome: str) -> None:
        self.attempt(
            lambda: self.aggregate.review_probation(
                outcome=outcome, decision=decision("hr", Role.HR_RESOURCE_PLANNING), at=self.now()
            )
        )

    @rule(rule_name=st.sampled_from(["PdrMustBeCompletedBeforeTheMove", "TravelLimit"]))
    def grant_and_use_exception(self, rule_name: str) -> None:
        self.attempt(
            lambda: self.aggregate.grant_exception(
                rule=rule_name, decision=decision("policy", Role.HR_POLICY_OWNER), at=self.now()
            )
        )
        self.attempt(
            lambda: self.aggregate.apply_exception(rule=rule_name, case="a move", at=self.now())
        )

    @rule(location=LOCATIONS)
    def move_to(self, location: str) -> None:
        self.attempt(
            lambda: self.aggregate.move_to(
                location=location, division="east", posting_id=uuid4(), at=self.now()
            )
        )


class DelegationMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = Delegation.grant(
            decision=decision(),
            delegate_id="hor",
            powers=[Power.COMPULSORY_POSTING, Power.TRAVEL_LIMIT],
            valid_from=DAY,
            valid_to=DAY + timedelta(days=90),
            at=self.now(),
        )
        self.collect()

    @rule()
    def revoke(self) -> None:
        self.attempt(lambda: self.aggregate.revoke(decision=decision(), at=self.now()))


class PanelSittingMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.postings = [uuid4() for _ in range(3)]
        self.aggregate = PanelSitting.schedule(
            sits_on=DAY, actor_id="panel-chair", actor_role=Role.DEPLOYMENT_PANEL, at=self.now()
        )
        self.collect()

    @rule(which=st.integers(min_value=0, max_value=2), confirmed=st.booleans())
    def record_outcome(self, which: int, confirmed: bool) -> None:
        self.attempt(
            lambda: self.aggregate.record_outcome(
                posting_id=self.postings[which],
                outcome="date_confirmed" if confirmed else "deferred",
                at=self.now(),
            )
        )

    @rule()
    def close(self) -> None:
        self.attempt(
            lambda: self.aggregate.close(
                actor_id="panel-chair", actor_role=Role.DEPLOYMENT_PANEL, at=self.now()
            )
        )


class TransferRequestMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = TransferRequest.submit(
            officer_id="K100",
            division="north",
            grounds="career",
            reasons="To broaden my experience",
            roles_sought=["response"],
            locations_sought=["dover"],
            actor_id="K100",
            actor_role=Role.OFFICER,
            at=self.now(),
        )
        self.collect()

    @rule()
    def support(self) -> None:
        self.attempt(
            lambda: self.aggregate.support(
                decision=decision("cmdr", Role.DIVISIONAL_COMMANDER), at=self.now()
            )
        )

    @rule()
    def decline(self) -> None:
        self.attempt(
            lambda: self.aggregate.decline(
                decision=decision("cmdr", Role.DIVISIONAL_COMMANDER), at=self.now()
            )
        )

    @rule()
    def fulfil(self) -> None:
        self.attempt(lambda: self.aggregate.fulfil(posting_id=uuid4(), at=self.now()))


class UnitMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = Unit.register(
            code="tsg",
            name="Tactical support",
            kind="unit",
            head_id=None,
            at=self.now(),
            **HR_ACTOR,
        )
        self.collect()

    @rule(head=st.sampled_from([None, "insp-1", "insp-2"]))
    def change_head(self, head: str | None) -> None:
        self.attempt(lambda: self.aggregate.change_head(head_id=head, at=self.now(), **HR_ACTOR))


class EstablishmentMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = Establishment.start(division="north", at=self.now())
        self.collect()

    @rule(
        key=st.sampled_from(["constable", "sergeant"]),
        figure=st.integers(min_value=0, max_value=500),
    )
    def set_target(self, key: str, figure: int) -> None:
        self.attempt(
            lambda: self.aggregate.set_target(
                category="rank", key=key, target=figure, at=self.now(), **HR_ACTOR
            )
        )


class PolicyMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = PostingsApplication.offline_mapper()
        self.aggregate = PolicySettings.start(at=self.now())
        self.collect()

    @rule(limit=st.floats(min_value=1, max_value=200, allow_nan=False))
    def set_travel_limit(self, limit: float) -> None:
        self.attempt(
            lambda: self.aggregate.set_travel_limit(
                limit_km=limit, decision=decision(), at=self.now()
            )
        )

    @rule(notice=st.integers(min_value=0, max_value=90))
    def set_notice_period(self, notice: int) -> None:
        self.attempt(
            lambda: self.aggregate.set_notice_period(
                days=notice, decision=decision(), at=self.now()
            )
        )


class CommitmentMachine(Replayable):
    def __init__(self) -> None:
        super().__init__()
        self.mapper = RoiApplication.offline_mapper()
        self.aggregate = Commitment.enrol(
            officer_id="K100",
            designation_id=uuid4(),
            course_code="DET-1",
            starts_on=DAY,
            ends_on=DAY + timedelta(days=30),
            period_months=18,
            actor_id="ld",
            actor_role=Role.HEAD_OF_L_AND_D,
            at=self.now(),
        )
        self.collect()

    @rule(offset=days)
    def record_notice(self, offset: int) -> None:
        self.attempt(
            lambda: self.aggregate.record_notice(
                notified_on=DAY + timedelta(days=offset),
                actor_id="ld",
                actor_role=Role.HEAD_OF_L_AND_D,
                at=self.now(),
            )
        )

    @rule(offset=days)
    def complete(self, offset: int) -> None:
        self.attempt(
            lambda: self.aggregate.complete(
                completed_on=DAY + timedelta(days=offset),
                actor_id="ld",
                actor_role=Role.HEAD_OF_L_AND_D,
                at=self.now(),
            )
        )

    @rule()
    def end(self) -> None:
        self.attempt(
            lambda: self.aggregate.end(reason="left the course", decision=decision(), at=self.now())
        )

    @rule(location=LOCATIONS)
    def make_local_case(self, location: str) -> None:
        self.attempt(
            lambda: self.aggregate.make_local_case(
                to_location=location, decision=decision(), at=self.now()
            )
        )

    @rule(location=LOCATIONS, route=st.sampled_from(["director", "local"]))
    def release(self, location: str, route: str) -> None:
        self.attempt(
            lambda: self.aggregate.release(
                to_location=location, route=route, decision=decision(), at=self.now()
            )
        )


def _created_only() -> list[tuple[Any, Any]]:
    """Aggregates with one event, each with the mapper of its service."""
    at = START
    return [
        (
            PostingsApplication.offline_mapper(),
            Location.register(
                code="dover",
                name="Dover police station",
                division="east",
                town="Dover",
                point=GeoPoint(51.126, 1.313),
                kind="station",
                at=at,
                **HR_ACTOR,
            ),
        ),
        (
            PostingsApplication.offline_mapper(),
            Batch.decide(
                decision=decision(), results=[BatchOutcome("K100", posting_id="p-1")], at=at
            ),
        ),
        (
            RoiApplication.offline_mapper(),
            CourseDesignation.designate(
                decision=decision("ld", Role.HEAD_OF_L_AND_D),
                course_code="DET-1",
                title="Detective training",
                quarter=Quarter(2027, 1),
                reasons=[DesignationReason.HIGH_COST],
                proposed_by=[Role.HEAD_OF_RESOURCING, Role.HEAD_OF_L_AND_D],
                period_months=18,
                at=at,
            ),
        ),
        (
            AppealsApplication.offline_mapper(),
            LatePermission.grant(
                decision=decision("hor", Role.HEAD_OF_RESOURCING),
                posting_id=uuid4(),
                appellant_id="K100",
                at=at,
            ),
        ),
    ]


def test_aggregates_with_one_event_replay_to_their_live_state() -> None:
    for mapper, aggregate in _created_only():
        stored = [mapper.to_stored_event(e) for e in aggregate.collect_events()]
        assert [s.originator_version for s in stored] == [1]
        rebuilt = mapper.to_domain_event(stored[0]).mutate(None)
        public = {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
        assert {k: v for k, v in vars(rebuilt).items() if k != "_pending_events"} == public


TestPostingSequences = PostingMachine.TestCase
TestAppealSequences = AppealMachine.TestCase
TestOfficerSequences = OfficerMachine.TestCase
TestDelegationSequences = DelegationMachine.TestCase
TestPanelSittingSequences = PanelSittingMachine.TestCase
TestTransferRequestSequences = TransferRequestMachine.TestCase
TestUnitSequences = UnitMachine.TestCase
TestEstablishmentSequences = EstablishmentMachine.TestCase
TestPolicySequences = PolicyMachine.TestCase
TestCommitmentSequences = CommitmentMachine.TestCase
