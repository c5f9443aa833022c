"""Every event type round-trips through the store unchanged: dates, enums, value objects
and the decision record come back as the same types with the same values."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

import services
from services.appeals.application import AppealsApplication
from services.appeals.domain.appeal import Appeal
from services.appeals.domain.appealable_decision import AppealableDecision
from services.appeals.domain.late_permission import LatePermission
from services.postings.application import PostingsApplication
from services.postings.domain.batch import Batch, BatchOutcome, Refusal
from services.postings.domain.delegation import Delegation
from services.postings.domain.details import CompulsoryDetails
from services.postings.domain.establishment import Establishment
from services.postings.domain.kinds import (
    NoticeMeans,
    PostingKind,
    Power,
    Rank,
    RestrictionSource,
    WelfareFactor,
)
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
from services.roi.domain.course_record import CourseRecord
from services.roi.domain.designation import CourseDesignation
from services.roi.domain.values import DesignationReason, Quarter
from shared import refusals
from shared.clock import FixedClock
from shared.db import Database
from shared.disposal import PersonalDataDisposal
from shared.eventstore import LedgerApplication
from shared.ledger import Decision
from shared.roles import Role

AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
SERVICE_OF: dict[type[LedgerApplication], str] = {
    PostingsApplication: "postings",
    AppealsApplication: "appeals",
    RoiApplication: "roi",
}
DECISION = Decision(
    rationale="Cover for the night-time economy team",
    actor_id="cmdr-north",
    actor_role=Role.DIVISIONAL_COMMANDER,
    clause="L1800 3.6.1",
    facts={"pdr_due": "2027-02-01", "distance_km": 12.5, "outstanding": ["K2"], "ok": True},
    delegation_id=uuid4(),
    effective_date=date(2027, 1, 10),
    correlation_id="req-1",
    supersedes=uuid4(),
)


def make(event_class: type[Any], **values: Any) -> Any:
    """Build an event as the aggregate would (the library's metaclass makes its __init__)."""
    return event_class(**values)


def base(event_class: type[Any], version: int = 1) -> dict[str, Any]:
    return {"originator_id": uuid4(), "originator_version": version, "timestamp": AT}


def created(event_class: type[Any], owner: type[Aggregate]) -> dict[str, Any]:
    return {**base(event_class), "originator_topic": get_topic(owner)}


EXAMPLES: dict[type[Any], tuple[type[LedgerApplication], Any]] = {
    Officer.Registered: (
        PostingsApplication,
        make(
            Officer.Registered,
            **created(Officer.Registered, Officer),
            officer_id="K100",
            name="Alex Smith",
            rank=Rank.SERGEANT,
            division="north",
            place_of_duty="maidstone",
            appointed_on=date(2019, 9, 1),
            home_town="Ashford",
            home=GeoPoint(51.1465, 0.875),
            probation_ends_on=date(2021, 9, 1),
            initial_training_complete=True,
            supervisor_id="K001",
            skills=["taser", "public_order"],
            working_pattern="part_time",
            welfare_factors=[WelfareFactor.PRIMARY_CARER],
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
            tracks_postings=True,
        ),
    ),
    Officer.DetailsChanged: (
        PostingsApplication,
        make(
            Officer.DetailsChanged,
            **base(Officer.DetailsChanged, 2),
            changes={
                "rank": Rank.INSPECTOR,
                "home": GeoPoint(51.2, 0.5),
                "probation_ends_on": date(2022, 1, 1),
                "welfare_factors": [WelfareFactor.DISABILITY],
            },
            actor_id="sf",
            actor_role=Role.INTEGRATION,
        ),
    ),
    Officer.PdrRecorded: (
        PostingsApplication,
        make(
            Officer.PdrRecorded,
            **base(Officer.PdrRecorded, 3),
            cycle=PdrCycle(date(2027, 2, 1), date(2027, 1, 20)),
            actor_id="sf",
            actor_role=Role.INTEGRATION,
        ),
    ),
    Officer.LocationRestricted: (
        PostingsApplication,
        make(
            Officer.LocationRestricted,
            **base(Officer.LocationRestricted, 4),
            decision=DECISION,
            location="dover",
            source=RestrictionSource.PROFESSIONAL_STANDARDS,
        ),
    ),
    Officer.RestrictionExceptionSupported: (
        PostingsApplication,
        make(
            Officer.RestrictionExceptionSupported,
            **base(Officer.RestrictionExceptionSupported, 5),
            decision=DECISION,
            location="dover",
            covers=[RestrictionSource.PROFESSIONAL_STANDARDS, RestrictionSource.OFFICER_REQUEST],
            supported_as=Role.PSD,
        ),
    ),
    Officer.RestrictionLifted: (
        PostingsApplication,
        make(
            Officer.RestrictionLifted,
            **base(Officer.RestrictionLifted, 6),
            decision=DECISION,
            location="dover",
            source=RestrictionSource.OFFICER_REQUEST,
        ),
    ),
    Officer.PreferencesStated: (
        PostingsApplication,
        make(
            Officer.PreferencesStated,
            **base(Officer.PreferencesStated, 7),
            decision=DECISION,
            places=["dover", "ashford"],
        ),
    ),
    Officer.HomeTownExceptionGranted: (
        PostingsApplication,
        make(
            Officer.HomeTownExceptionGranted,
            **base(Officer.HomeTownExceptionGranted, 7),
            decision=DECISION,
        ),
    ),
    Officer.PlaceOfDutyChanged: (
        PostingsApplication,
        make(
            Officer.PlaceOfDutyChanged,
            **base(Officer.PlaceOfDutyChanged, 8),
            location="dover",
            division="south",
            posting_id=uuid4(),
        ),
    ),
    Officer.PostingOpened: (
        PostingsApplication,
        make(
            Officer.PostingOpened,
            **base(Officer.PostingOpened, 9),
            posting_id=uuid4(),
            kind=PostingKind.COMPULSORY,
        ),
    ),
    Officer.PostingClosed: (
        PostingsApplication,
        make(
            Officer.PostingClosed,
            **base(Officer.PostingClosed, 10),
            posting_id=uuid4(),
            why="withdrawn",
        ),
    ),
    Officer.ProbationReviewed: (
        PostingsApplication,
        make(
            Officer.ProbationReviewed,
            **base(Officer.ProbationReviewed, 9),
            decision=DECISION,
            outcome="confirmed",
        ),
    ),
    Officer.PolicyExceptionGranted: (
        PostingsApplication,
        make(
            Officer.PolicyExceptionGranted,
            **base(Officer.PolicyExceptionGranted, 10),
            decision=DECISION,
            rule="PdrMustBeCompletedBeforeTheMove",
        ),
    ),
    Officer.PolicyExceptionApplied: (
        PostingsApplication,
        make(
            Officer.PolicyExceptionApplied,
            **base(Officer.PolicyExceptionApplied, 11),
            rule="PdrMustBeCompletedBeforeTheMove",
            case="move under posting x",
        ),
    ),
    Batch.Decided: (
        PostingsApplication,
        make(
            Batch.Decided,
            **created(Batch.Decided, Batch),
            decision=DECISION,
            results=[
                BatchOutcome("K100", posting_id=str(uuid4())),
                BatchOutcome(
                    "K101",
                    refused=[Refusal(rule="LocationMustNotBeUnsuitable", message="restricted")],
                ),
            ],
        ),
    ),
    Unit.Registered: (
        PostingsApplication,
        make(
            Unit.Registered,
            **created(Unit.Registered, Unit),
            code="north",
            name="North Division",
            kind="division",
            head_id="cmdr-north",
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
        ),
    ),
    Unit.HeadChanged: (
        PostingsApplication,
        make(
            Unit.HeadChanged,
            **base(Unit.HeadChanged, 2),
            code="north",
            head_id=None,
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
        ),
    ),
    Establishment.Started: (
        PostingsApplication,
        make(
            Establishment.Started, **created(Establishment.Started, Establishment), division="north"
        ),
    ),
    Establishment.TargetSet: (
        PostingsApplication,
        make(
            Establishment.TargetSet,
            **base(Establishment.TargetSet, 2),
            division="north",
            category="skill",
            key="taser",
            target=12,
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
        ),
    ),
    TransferRequest.Submitted: (
        PostingsApplication,
        make(
            TransferRequest.Submitted,
            **created(TransferRequest.Submitted, TransferRequest),
            officer_id="K100",
            division="north",
            grounds="welfare",
            reasons="Closer to an ill parent",
            roles_sought=["response"],
            locations_sought=["ashford"],
            actor_id="K100",
            actor_role=Role.OFFICER,
        ),
    ),
    TransferRequest.Supported: (
        PostingsApplication,
        make(TransferRequest.Supported, **base(TransferRequest.Supported, 2), decision=DECISION),
    ),
    TransferRequest.Declined: (
        PostingsApplication,
        make(TransferRequest.Declined, **base(TransferRequest.Declined, 2), decision=DECISION),
    ),
    TransferRequest.Fulfilled: (
        PostingsApplication,
        make(TransferRequest.Fulfilled, **base(TransferRequest.Fulfilled, 3), posting_id=uuid4()),
    ),
    Location.Registered: (
        PostingsApplication,
        make(
            Location.Registered,
            **created(Location.Registered, Location),
            code="dover",
            name="Dover police station",
            division="south",
            town="Dover",
            point=GeoPoint(51.1279, 1.3134),
            kind="station",
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
        ),
    ),
    PolicySettings.Started: (
        PostingsApplication,
        make(PolicySettings.Started, **created(PolicySettings.Started, PolicySettings)),
    ),
    PolicySettings.TravelLimitSet: (
        PostingsApplication,
        make(
            PolicySettings.TravelLimitSet,
            **base(PolicySettings.TravelLimitSet, 2),
            decision=DECISION,
            limit_km=40.5,
        ),
    ),
    PolicySettings.NoticePeriodSet: (
        PostingsApplication,
        make(
            PolicySettings.NoticePeriodSet,
            **base(PolicySettings.NoticePeriodSet, 3),
            decision=DECISION,
            days=21,
        ),
    ),
    PanelSitting.Scheduled: (
        PostingsApplication,
        make(
            PanelSitting.Scheduled,
            **created(PanelSitting.Scheduled, PanelSitting),
            sits_on=date(2027, 1, 5),
            actor_id="panel",
            actor_role=Role.DEPLOYMENT_PANEL,
        ),
    ),
    PanelSitting.OutcomeRecorded: (
        PostingsApplication,
        make(
            PanelSitting.OutcomeRecorded,
            **base(PanelSitting.OutcomeRecorded, 2),
            posting_id=uuid4(),
            outcome="deferred",
        ),
    ),
    PanelSitting.Closed: (
        PostingsApplication,
        make(
            PanelSitting.Closed,
            **base(PanelSitting.Closed, 3),
            actor_id="panel",
            actor_role=Role.DEPLOYMENT_PANEL,
        ),
    ),
    Posting.DateConfirmed: (
        PostingsApplication,
        make(
            Posting.DateConfirmed,
            **base(Posting.DateConfirmed, 3),
            decision=DECISION,
            posting_date=date(2027, 2, 1),
            sitting_id=uuid4(),
        ),
    ),
    Posting.Deferred: (
        PostingsApplication,
        make(Posting.Deferred, **base(Posting.Deferred, 3), decision=DECISION, sitting_id=uuid4()),
    ),
    Posting.Delayed: (
        PostingsApplication,
        make(
            Posting.Delayed,
            **base(Posting.Delayed, 4),
            decision=DECISION,
            posting_date=date(2027, 3, 1),
        ),
    ),
    Posting.NoticeShortenedByAgreement: (
        PostingsApplication,
        make(
            Posting.NoticeShortenedByAgreement,
            **base(Posting.NoticeShortenedByAgreement, 5),
            agreed_days=14,
            actor_id="K100",
            actor_role=Role.OFFICER,
        ),
    ),
    Posting.Moved: (
        PostingsApplication,
        make(Posting.Moved, **base(Posting.Moved, 6), decision=DECISION, moved_on=date(2027, 3, 1)),
    ),
    Delegation.Granted: (
        PostingsApplication,
        make(
            Delegation.Granted,
            **created(Delegation.Granted, Delegation),
            decision=DECISION,
            delegate_id="dep-director",
            powers=[Power.COMPULSORY_POSTING, Power.TRAVEL_LIMIT],
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 6, 30),
        ),
    ),
    Delegation.Revoked: (
        PostingsApplication,
        make(Delegation.Revoked, **base(Delegation.Revoked, 2), decision=DECISION),
    ),
    Delegation.Exercised: (
        PostingsApplication,
        make(
            Delegation.Exercised,
            **base(Delegation.Exercised, 3),
            power=Power.COMPULSORY_POSTING,
            case_id=uuid4(),
            decided_by="hr-1",
        ),
    ),
    Posting.Decided: (
        PostingsApplication,
        make(
            Posting.Decided,
            **created(Posting.Decided, Posting),
            decision=DECISION,
            kind=PostingKind.COMPULSORY,
            officer_id="K100",
            division="north",
            from_location="maidstone",
            to_location="tonbridge",
            posting_date=None,
            details=CompulsoryDetails(preferences=["ashford"], notice_days=28),
        ),
    ),
    Posting.OfficerNotified: (
        PostingsApplication,
        make(
            Posting.OfficerNotified,
            **base(Posting.OfficerNotified, 2),
            notified_at=AT,
            recipients=["K100", "slt-north"],
            content="You are re-deployed",
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
            starts_appeal_window=True,
            how=NoticeMeans.LETTER,
        ),
    ),
    Posting.SetAside: (
        PostingsApplication,
        make(
            Posting.SetAside,
            **base(Posting.SetAside, 7),
            decision=DECISION,
            appeal_id=uuid4(),
            effect="cancelled",
        ),
    ),
    Posting.Withdrawn: (
        PostingsApplication,
        make(Posting.Withdrawn, **base(Posting.Withdrawn, 8), decision=DECISION),
    ),
    Appeal.Lodged: (
        AppealsApplication,
        make(
            Appeal.Lodged,
            **created(Appeal.Lodged, Appeal),
            posting_id=uuid4(),
            officer_id="K100",
            appellant_id="K100",
            appellant_role=Role.OFFICER,
            grounds="My caring responsibilities were not considered",
            deadline=date(2026, 12, 6),
            late_exception=False,
        ),
    ),
    Appeal.Assigned: (
        AppealsApplication,
        make(
            Appeal.Assigned,
            **base(Appeal.Assigned, 2),
            decision=DECISION,
            hearer_id="ch-supt",
            level="Chief superintendent",
        ),
    ),
    Appeal.EvidenceAdded: (
        AppealsApplication,
        make(
            Appeal.EvidenceAdded,
            **base(Appeal.EvidenceAdded, 3),
            kind="submission",
            content="Letter from my GP",
            actor_id="K100",
            actor_role=Role.OFFICER,
        ),
    ),
    Appeal.Decided: (
        AppealsApplication,
        make(
            Appeal.Decided,
            **base(Appeal.Decided, 4),
            decision=DECISION,
            posting_id=uuid4(),
            outcome="upheld",
        ),
    ),
    Appeal.Withdrawn: (
        AppealsApplication,
        make(
            Appeal.Withdrawn, **base(Appeal.Withdrawn, 3), actor_id="K100", actor_role=Role.OFFICER
        ),
    ),
    Appeal.Closed: (
        AppealsApplication,
        make(Appeal.Closed, **base(Appeal.Closed, 2), reason="posting_withdrawn", posting_event=42),
    ),
    AppealableDecision.Opened: (
        AppealsApplication,
        make(
            AppealableDecision.Opened,
            **created(AppealableDecision.Opened, AppealableDecision),
            posting_id=uuid4(),
        ),
    ),
    AppealableDecision.AppealLodged: (
        AppealsApplication,
        make(
            AppealableDecision.AppealLodged,
            **base(AppealableDecision.AppealLodged, 2),
            appeal_id=uuid4(),
            appellant_id="K100",
        ),
    ),
    AppealableDecision.AppealGivenBack: (
        AppealsApplication,
        make(
            AppealableDecision.AppealGivenBack,
            **base(AppealableDecision.AppealGivenBack, 3),
            appeal_id=uuid4(),
            appellant_id="K100",
        ),
    ),
    AppealableDecision.Ended: (
        AppealsApplication,
        make(
            AppealableDecision.Ended,
            **base(AppealableDecision.Ended, 4),
            status="withdrawn",
            posting_event=42,
        ),
    ),
    LatePermission.Granted: (
        AppealsApplication,
        make(
            LatePermission.Granted,
            **created(LatePermission.Granted, LatePermission),
            decision=DECISION,
            posting_id=uuid4(),
            appellant_id="K100",
        ),
    ),
    Commitment.Enrolled: (
        RoiApplication,
        make(
            Commitment.Enrolled,
            **created(Commitment.Enrolled, Commitment),
            officer_id="K100",
            designation_id=uuid4(),
            course_code="DET-1",
            starts_on=date(2027, 1, 4),
            ends_on=date(2027, 3, 26),
            period_months=18,
            actor_id="ld-1",
            actor_role=Role.HEAD_OF_L_AND_D,
            planned_period_ends_on=date(2028, 9, 26),
        ),
    ),
    CourseRecord.Opened: (
        RoiApplication,
        make(
            CourseRecord.Opened,
            **created(CourseRecord.Opened, CourseRecord),
            officer_id="K100",
            course_code="DET-1",
        ),
    ),
    CourseRecord.CommitmentStarted: (
        RoiApplication,
        make(
            CourseRecord.CommitmentStarted,
            **base(CourseRecord.CommitmentStarted, 2),
            commitment_id=uuid4(),
        ),
    ),
    Commitment.NoticeRecorded: (
        RoiApplication,
        make(
            Commitment.NoticeRecorded,
            **base(Commitment.NoticeRecorded, 2),
            notified_on=date(2026, 12, 1),
            actor_id="ld-1",
            actor_role=Role.HEAD_OF_L_AND_D,
            binds=True,
        ),
    ),
    Commitment.Completed: (
        RoiApplication,
        make(
            Commitment.Completed,
            **base(Commitment.Completed, 3),
            completed_on=date(2027, 3, 26),
            actor_id="sf",
            actor_role=Role.INTEGRATION,
            period_ends_on=date(2028, 9, 26),
            binds=True,
        ),
    ),
    Commitment.Ended: (
        RoiApplication,
        make(Commitment.Ended, **base(Commitment.Ended, 3), decision=DECISION, reason="withdrawn"),
    ),
    Commitment.LocalCaseMade: (
        RoiApplication,
        make(
            Commitment.LocalCaseMade,
            **base(Commitment.LocalCaseMade, 4),
            decision=DECISION,
            to_location="dover",
        ),
    ),
    Commitment.Released: (
        RoiApplication,
        make(
            Commitment.Released,
            **base(Commitment.Released, 5),
            decision=DECISION,
            to_location="dover",
            route="local",
        ),
    ),
    CourseDesignation.Designated: (
        RoiApplication,
        make(
            CourseDesignation.Designated,
            **created(CourseDesignation.Designated, CourseDesignation),
            decision=DECISION,
            course_code="DET-1",
            title="Detective training",
            quarter=Quarter(2027, 1),
            reasons=[DesignationReason.HIGH_COST, DesignationReason.SCARCE_SKILL],
            proposed_by=[Role.HEAD_OF_L_AND_D, Role.HEAD_OF_RESOURCING],
            period_months=18,
            exceptional=False,
        ),
    ),
    PersonalDataDisposal.Decided: (
        PostingsApplication,
        make(
            PersonalDataDisposal.Decided,
            **created(PersonalDataDisposal.Decided, PersonalDataDisposal),
            officer_id="K100",
            retention_ended_on=date(2032, 3, 31),
            decision=Decision(
                rationale="HR Disposal Schedule: six years after leaving",
                actor_id="hpo-1",
                actor_role=Role.HR_POLICY_OWNER,
                clause="L1 Retention & Disposal of Records",
            ),
        ),
    ),
    refusals.Refusal.Recorded: (
        PostingsApplication,
        make(
            refusals.Refusal.Recorded,
            **created(refusals.Refusal.Recorded, refusals.Refusal),
            asked="DecideRedeployment",
            status=422,
            rule="PdrMustBeCompletedBeforeTheMove",
            clause="L1800 3.1.4",
            message="K100's PDR due 2027-02-01 is not completed",
            reasons=[
                refusals.RefusedBecause(
                    message="K100's PDR due 2027-02-01 is not completed",
                    rule="PdrMustBeCompletedBeforeTheMove",
                    clause="L1800 3.1.4",
                    field="officer_id",
                    details={"outstanding": [{"officer_id": "K100", "due_on": "2027-02-01"}]},
                )
            ],
            officer_id="K100",
            case_id=uuid4(),
            actor_id="cmdr-north",
            actor_role=Role.DIVISIONAL_COMMANDER,
            correlation_id="req-9",
        ),
    ),
}


def all_event_classes() -> set[type[Any]]:
    """Every event class defined on an aggregate in services/ or the kernel (so a new one
    without an example fails this test rather than going unchecked)."""
    found: set[type[Any]] = set()
    names = [m.name for m in pkgutil.walk_packages(services.__path__, "services.")]
    for name in [*names, "shared.disposal", "shared.refusals"]:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Aggregate) and value is not Aggregate:
                for attr in vars(value).values():
                    # Each aggregate also gets generated Event/Created bases; they are never
                    # triggered, so only the explicitly named event classes count.
                    if (
                        isinstance(attr, type)
                        and issubclass(attr, Aggregate.Event)
                        and attr.__name__ not in {"Event", "Created"}
                    ):
                        found.add(attr)
    return found


def test_every_event_type_has_an_example() -> None:
    assert all_event_classes() == set(EXAMPLES)


def _same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    assert vars(a) == vars(b)
    for name, value in vars(a).items():
        assert type(getattr(b, name)) is type(value), name


@pytest.mark.parametrize("event_class", list(EXAMPLES), ids=lambda c: c.__qualname__)
def test_event_round_trips_through_the_mapper(
    event_class: type[Any], sqlite_templates: dict[str, Any], tmp_path: Any
) -> None:
    app_class, event = EXAMPLES[event_class]
    service = SERVICE_OF[app_class]
    target = tmp_path / "x.sqlite3"
    shutil.copy(sqlite_templates[service], target)
    app = app_class(Database(f"sqlite:///{target}"), clock=FixedClock(AT))

    with app.db.unit_of_work(write=True):  # the officer's key is made on first use
        stored = app.mapper.to_stored_event(event)
        restored: Any = app.mapper.to_domain_event(stored)

    _same(event, restored)
    if hasattr(event, "decision"):
        _same(event.decision, restored.decision)


def test_personal_data_is_sealed_in_the_stored_form(
    sqlite_templates: dict[str, Any], tmp_path: Any
) -> None:
    """What ADR 0003 marks personal, and a decision's rationale and facts, are stored
    sealed with the officer's key; the rest stays readable in the stored bytes."""
    target = tmp_path / "x.sqlite3"
    shutil.copy(sqlite_templates["postings"], target)
    app = PostingsApplication(Database(f"sqlite:///{target}"), clock=FixedClock(AT))
    _, registered = EXAMPLES[Officer.Registered]
    _, decided = EXAMPLES[Posting.Decided]
    with app.db.unit_of_work(write=True):
        officer_bytes = app.mapper.to_stored_event(registered).state
        posting_bytes = app.mapper.to_stored_event(decided).state

    for personal in (b"Alex Smith", b"Ashford", b"primary_carer"):
        assert personal not in officer_bytes
    assert b"maidstone" in officer_bytes
    assert b"K100" in officer_bytes
    assert b"night-time economy" not in posting_bytes  # the rationale
    assert b"distance_km" not in posting_bytes  # the facts
    assert b"L1800 3.6.1" in posting_bytes
    assert b"cmdr-north" in posting_bytes


def test_events_round_trip_through_the_real_store(database_urls: dict[str, str]) -> None:
    """Stored and read back on SQLite and PostgreSQL alike."""
    apps: dict[type[LedgerApplication], LedgerApplication] = {
        PostingsApplication: PostingsApplication(
            Database(database_urls["postings"]), clock=FixedClock(AT)
        ),
        RoiApplication: RoiApplication(Database(database_urls["roi"]), clock=FixedClock(AT)),
        AppealsApplication: AppealsApplication(
            Database(database_urls["appeals"]), clock=FixedClock(AT)
        ),
    }
    for app_class, event in EXAMPLES.values():
        app = apps[app_class]
        with app.db.unit_of_work(write=True):
            app.events.put([event])
        with app.db.unit_of_work(write=False):
            (restored,) = list(app.events.get(event.originator_id))
        _same(event, restored)
    for app in apps.values():
        app.db.close()


def test_decoding_never_re_runs_todays_rules(
    sqlite_templates: dict[str, Any], tmp_path: Any
) -> None:
    """An event stored under an older, laxer rule still replays."""
    target = tmp_path / "x.sqlite3"
    shutil.copy(sqlite_templates["postings"], target)
    app = PostingsApplication(Database(f"sqlite:///{target}"), clock=FixedClock(AT))
    _, event = EXAMPLES[Delegation.Revoked]
    stored = app.mapper.to_stored_event(event)
    lax = stored.state.replace(b"L1800 3.6.1", b"clause 9")
    restored: Any = app.mapper.to_domain_event(type(stored)(**{**vars(stored), "state": lax}))

    assert restored.decision.clause == "clause 9"
    assert isinstance(restored.originator_id, UUID)
