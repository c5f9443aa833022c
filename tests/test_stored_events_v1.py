"""Events stored in the v1 form still read (tests/fixtures/stored_events_v1): the rows
each service's database held on 1 December 2026 go into fresh databases with plain
INSERTs, then every aggregate replays through today's application to the state the
history left it in, the read models rebuild from those rows alone, and the hash chain
over them still verifies. When event classes change (new fields, class versions and
upcasters, typed payloads, moved modules) this is what proves old history still reads."""

from __future__ import annotations

import functools
import importlib
import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import resolve_topic
from sqlalchemy import create_engine, select

from services.appeals.domain.appeal import Appeal
from services.appeals.domain.late_permission import LatePermission, late_permission_id
from services.appeals.projections import tables as appeals_tables
from services.postings.domain.batch import Batch
from services.postings.domain.delegation import Delegation
from services.postings.domain.establishment import Establishment, establishment_id
from services.postings.domain.kinds import (
    PostingKind,
    PostingState,
    Power,
    RestrictionSource,
    WelfareFactor,
)
from services.postings.domain.location import Location, location_aggregate_id
from services.postings.domain.officer import Officer, officer_aggregate_id
from services.postings.domain.panel import PanelSitting
from services.postings.domain.policy import POLICY_ID, PolicySettings
from services.postings.domain.posting import Posting
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.rules.s3_2_general_postings import Restriction
from services.postings.domain.unit import Unit, unit_id
from services.postings.domain.values import GeoPoint, PdrCycle
from services.postings.projections import tables as postings_tables
from services.roi.domain.commitment import Commitment
from services.roi.domain.designation import CourseDesignation
from services.roi.domain.values import DesignationReason, Quarter
from services.roi.projections import tables as roi_tables
from shared import migrate
from shared.api.feed import read_events
from shared.api.routes import Reading
from shared.checkpoints import CheckpointStore
from shared.disposal import PersonalDataDisposal, disposal_id
from shared.eventstore import LedgerApplication
from shared.identity import Principal
from shared.rebuild import rebuild_read_models
from shared.roles import Role
from shared.runtime import Runtime
from shared.settings import SETTINGS_BY_SERVICE
from shared.verify import verify_log
from tests.fixtures.stored_events_v1 import fixture_path, rows
from tests.support import pg

A = TypeVar("A", bound=Aggregate)
Load = Callable[[str], Runtime]


@functools.cache
def fixture(service: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fixture_path(service).read_text(encoding="utf-8"))
    return loaded


def case(service: str, name: str) -> UUID:
    return UUID(fixture(service)["cases"][name])


def open_runtime(service: str, url: str, audit_dir: Path) -> Runtime:
    """The service's runtime over a database, built as its composition root builds it
    (nothing started: no follower, checkpointer or job runs)."""
    settings = SETTINGS_BY_SERVICE[service](database_url=url, audit_dir=str(audit_dir))
    main = importlib.import_module(f"services.{service}.main")
    runtime: Runtime = main.build_runtime(settings)
    return runtime


def insert_fixture(service: str, url: str) -> None:
    engine = create_engine(url)
    try:
        rows.insert_all(engine, service, fixture(service))
    finally:
        engine.dispose()


@pytest.fixture
def load(sqlite_templates: dict[str, Path], tmp_path: Path) -> Iterator[Load]:
    """The service's fixture rows inserted into a fresh copy of its migrated SQLite
    database, and the service's runtime over them. SQLite alone keeps this to seconds; the
    rows load on PostgreSQL too (the last test)."""
    runtimes: list[Runtime] = []

    def load_service(service: str) -> Runtime:
        target = tmp_path / f"{service}.sqlite3"
        shutil.copy(sqlite_templates[service], target)
        url = f"sqlite:///{target}"
        insert_fixture(service, url)
        runtimes.append(open_runtime(service, url, tmp_path / f"audit-{service}"))
        return runtimes[-1]

    try:
        yield load_service
    finally:
        for runtime in runtimes:
            runtime.db.close()


def get(app: LedgerApplication, aggregate_id: UUID, kind: type[A]) -> A:
    return app.load(aggregate_id, kind, what=kind.__name__)


def events_of(app: LedgerApplication, aggregate_id: UUID) -> list[Any]:
    """An aggregate's events as today's classes read them back, oldest first."""
    return list(app.events.get(aggregate_id))


def rebuilt(runtime: Runtime, service: str) -> int:
    """Rebuild the read models from the stored rows, as ``./dev rebuild`` does."""
    return rebuild_read_models(
        runtime.application, migrate.service_metadata(service), runtime.tables
    )


def read(runtime: Runtime, table: Any, key: Any, value: str) -> dict[str, Any]:
    with runtime.db.unit_of_work(write=False) as session:
        row = session.execute(select(table).where(key == value)).mappings().one()
    return dict(row)


def replays_every_aggregate(app: LedgerApplication, service: str) -> None:
    """Every aggregate in the fixture loads, to the last version stored for it."""
    last: dict[str, int] = {}
    for row in fixture(service)["events"]:
        last[row["originator_id"]] = max(
            last.get(row["originator_id"], 0), row["originator_version"]
        )

    with app.db.unit_of_work(write=False):
        for aggregate_id, version in last.items():
            assert app.repository.get(UUID(aggregate_id)).version == version

    assert len(last) == {"postings": 55, "appeals": 6, "roi": 7}[service]


def chain_verifies(runtime: Runtime, service: str, tmp_path: Path) -> None:
    """Re-hashing the inserted rows gives the stored chain: the bytes came back exact."""
    report = verify_log(
        runtime.db.engine,
        runtime.tables,
        CheckpointStore(tmp_path / f"no-checkpoints-{service}"),
        service=service,
    )
    assert report.ok, report.as_dict()
    assert report.events == len(fixture(service)["events"])
    assert report.head == fixture(service)["chain"][-1]["chain_hash"]


def test_every_stored_topic_still_names_an_event_class() -> None:
    for service in migrate.SERVICES:
        for row in fixture(service)["events"]:
            event_class = resolve_topic(row["topic"])
            assert issubclass(event_class, Aggregate.Event), row["topic"]


def test_a_feed_read_for_a_type_asks_for_every_topic_its_events_were_stored_under() -> None:
    """A class moved since (LatePermission, out of appeal.py) keeps its old topic in the
    log: a read filtered by type that missed it would pass over those events for good."""
    for service in migrate.SERVICES:
        contracts = importlib.import_module(f"services.{service}.contracts").contracts
        for row in fixture(service)["events"]:
            published = contracts.model_of(resolve_topic(row["topic"])).TYPE
            assert row["topic"] in contracts.topics_of([published]), (service, row["topic"])


def test_the_feed_read_for_a_moved_class_type_gives_its_events_stored_before_the_move(
    load: Load,
) -> None:
    runtime = load("appeals")
    auditor = Principal(subject="auditor", role=Role.AUDITOR)
    stored = [
        row["topic"]
        for row in fixture("appeals")["events"]
        if resolve_topic(row["topic"]) is LatePermission.Granted
    ]
    assert stored == ["services.appeals.domain.appeal:LatePermission.Granted"]

    with runtime.db.unit_of_work(write=False) as session:
        ctx = Reading(session=session, caller=auditor, runtime=runtime)
        whole = read_events(ctx, after=0, limit=1000)
        filtered = read_events(ctx, after=0, limit=1000, types="LatePermission.Granted")

    granted = [i for i in whole.items if i.type == "LatePermission.Granted"]
    assert len(granted) == 1
    assert filtered.items == granted
    assert filtered.last_id == whole.last_id


@pytest.mark.parametrize("service", migrate.SERVICES)
def test_every_stored_aggregate_replays_to_its_last_version(load: Load, service: str) -> None:
    replays_every_aggregate(load(service).application, service)


@pytest.mark.parametrize("service", migrate.SERVICES)
def test_the_hash_chain_over_the_stored_rows_still_verifies(
    load: Load, service: str, tmp_path: Path
) -> None:
    chain_verifies(load(service), service, tmp_path)


# -- postings ---------------------------------------------------------------------------------


def posting(app: LedgerApplication, name: str) -> Posting:
    return get(app, case("postings", name), Posting)


def test_postings_history_replays_to_where_it_left_each_case(load: Load) -> None:
    app = load("postings").application
    with app.db.unit_of_work(write=False):
        k100 = get(app, officer_aggregate_id("K100"), Officer)
        # Sealed personal data opens with the stored keys; a disposed officer's does not.
        assert (k100.name, k100.home, k100.welfare_factors) == (
            "Alex Smith",
            GeoPoint(51.1465, 0.875),
            [WelfareFactor.PRIMARY_CARER],
        )
        assert (k100.place_of_duty, k100.pdr) == ("tonbridge", PdrCycle(date(2026, 12, 15)))
        assert k100.restrictions == {
            ("dover", RestrictionSource.PROFESSIONAL_STANDARDS): Restriction(
                "dover", RestrictionSource.PROFESSIONAL_STANDARDS, True, True
            )
        }
        assert k100.exceptions == {}  # granted, then used by the move
        k900 = get(app, officer_aggregate_id("K900"), Officer)
        assert (k900.name, k900.home_town, k900.appointed_on) == (
            "[disposed]",
            "[disposed]",
            date(1990, 1, 8),
        )
        assert get(app, officer_aggregate_id("R2"), Officer).home_town_exception is True
        assert get(app, officer_aggregate_id("R3"), Officer).review_outcome == "confirmed"

        states = {
            "redeployment": PostingState.RECONSIDERATION,
            "compulsory_moved": PostingState.MOVED,
            "compulsory_set_aside": PostingState.CANCELLED,
            "notice_shortened": PostingState.MOVED,
            "selection_moved": PostingState.MOVED,
            "selection_delayed": PostingState.DATE_CONFIRMED,
            "best_interests_deferred": PostingState.DATE_CONFIRMED,
            "officer_request": PostingState.AWAITING_DATE,
            "senior_compulsory": PostingState.DATE_CONFIRMED,
            "senior_selection": PostingState.AWAITING_DATE,
            "college_R1": PostingState.MOVED,
            "divisional_R1": PostingState.WITHDRAWN,
            "divisional_R2": PostingState.DATE_CONFIRMED,
        }
        assert {name: posting(app, name).state for name in states} == states
        assert posting(app, "redeployment").moved_on == date(2026, 11, 16)
        assert posting(app, "notice_shortened").agreed_notice_days == 14
        assert posting(app, "selection_delayed").posting_date == date(2027, 1, 11)
        assert getattr(posting(app, "compulsory_moved").details, "preferences", None) == [
            "tonbridge",
            "ashford",
        ]
        assert posting(app, "selection_moved").notified_at == datetime(
            2026, 11, 2, 10, 10, tzinfo=UTC
        )
        assert posting(app, "senior_selection").kind is PostingKind.SENIOR_LEADERSHIP
        assert getattr(posting(app, "officer_request").details, "request_id", None) == str(
            case("postings", "request_fulfilled")
        )
        decided = events_of(app, case("postings", "compulsory_set_aside"))[0]
        assert decided.decision.delegation_id == case("postings", "delegation_in_force")
        assert decided.decision.rationale == "Dover response strength is under establishment"
        released = events_of(app, case("postings", "compulsory_after_roi_release"))[0]
        assert released.decision.facts["roi"]["bound"] is False

        requests = ("request_fulfilled", "request_declined")
        assert [get(app, case("postings", n), TransferRequest).state for n in requests] == [
            "fulfilled",
            "declined",
        ]
        closed = get(app, case("postings", "sitting_closed"), PanelSitting)
        assert closed.closed is True
        assert closed.outcomes[case("postings", "best_interests_deferred")] == "deferred"
        assert get(app, case("postings", "delegation_revoked"), Delegation).revoked is True
        assert get(app, case("postings", "delegation_in_force"), Delegation).powers == [
            Power.COMPULSORY_POSTING,
            Power.EXCEPTIONAL_ROI,
        ]
        policy = get(app, POLICY_ID, PolicySettings)
        assert (policy.travel_limit_km, policy.notice_days) == (60.0, 28)
        assert get(app, unit_id("south"), Unit).head_id == "ch-supt-south"
        assert get(app, establishment_id("south"), Establishment).targets == {
            ("rank", "constable"): 3
        }
        assert get(app, location_aggregate_id("college"), Location).kind == "college"
        batch = get(app, case("postings", "batch"), Batch)
        # The v1 mappings come back as typed outcomes; the refusal keeps the id it had then.
        assert [r.refused[0].rule if r.refused else None for r in batch.results] == [
            None,
            None,
            "MustExist",
        ]
        disposal = get(app, disposal_id("K900"), PersonalDataDisposal)
        assert disposal.retention_ended_on == date(2026, 11, 30)


def test_postings_read_models_rebuild_from_the_stored_rows(load: Load) -> None:
    runtime = load("postings")
    t = postings_tables

    assert rebuilt(runtime, "postings") == len(fixture("postings")["events"])

    k100 = read(runtime, t.officers, t.officers.c.officer_id, "K100")
    assert (k100["name"], k100["place_of_duty"], k100["pdr_due_on"]) == (
        "Alex Smith",
        "tonbridge",
        date(2026, 12, 15),
    )
    assert read(runtime, t.officers, t.officers.c.officer_id, "K900")["name"] == "[disposed]"
    moved = str(case("postings", "compulsory_moved"))
    row = read(runtime, t.postings, t.postings.c.id, moved)
    assert (row["state"], row["moved_on"], row["clause"]) == (
        "moved",
        date(2026, 11, 30),
        "L1800 3.7.1",
    )
    used = read(runtime, t.policy_exceptions, t.policy_exceptions.c.officer_id, "K100")
    assert used["used_for"] == f"move under posting {moved}"
    declined = read(runtime, t.personal_file, t.personal_file.c.officer_id, "K104")
    assert declined["summary"] == "Response is below strength until the spring intake"
    set_aside = read(
        runtime, t.postings, t.postings.c.id, str(case("postings", "compulsory_set_aside"))
    )
    assert set_aside["state"] == "cancelled"


# -- appeals ----------------------------------------------------------------------------------


def test_appeals_history_replays_to_each_outcome(load: Load) -> None:
    app = load("appeals").application
    with app.db.unit_of_work(write=False):
        appeals = {
            name: get(app, case("appeals", name), Appeal) for name in fixture("appeals")["cases"]
        }
        assert {name: (a.state, a.outcome) for name, a in appeals.items()} == {
            "withdrawn": ("withdrawn", None),
            "upheld_before_move": ("decided", "upheld"),
            "upheld_after_move": ("decided", "upheld"),
            "dismissed": ("decided", "dismissed"),
            "late_with_permission": ("lodged", None),
        }
        assert appeals["dismissed"].hearer_id == "ch-supt-south"
        assert appeals["dismissed"].posting_id == case("postings", "compulsory_moved")
        events = events_of(app, case("appeals", "upheld_before_move"))
        assert [e.content for e in events if isinstance(e, Appeal.EvidenceAdded)] == [
            "Welfare record from OH",
            "Letter from my GP",
        ]
        assert events[0].grounds == "My caring duties were ignored"
        late = appeals["late_with_permission"]
        (lodged,) = events_of(app, case("appeals", "late_with_permission"))
        assert lodged.late_exception is True
        assert lodged.deadline == date(2026, 11, 16)
        permission = get(app, late_permission_id(late.posting_id, "K110"), LatePermission)
        assert permission.appellant_id == "K110"


def test_appeals_read_models_rebuild_from_the_stored_rows(load: Load) -> None:
    runtime = load("appeals")
    t = appeals_tables

    assert rebuilt(runtime, "appeals") == len(fixture("appeals")["events"])

    upheld = read(runtime, t.appeals, t.appeals.c.id, str(case("appeals", "upheld_before_move")))
    assert (upheld["state"], upheld["outcome"], upheld["posting_kind"]) == (
        "decided",
        "upheld",
        "compulsory",
    )
    assert upheld["outcome_rationale"] == "Welfare factors were not considered (L1800 3.1.3)"
    with runtime.db.unit_of_work(write=False) as session:
        items = session.execute(select(t.appeal_items.c.kind).order_by(t.appeal_items.c.id))
        assert list(items.scalars()) == ["evidence", "submission"]
        # Postings' decisions as appeals learnt them are kept through a rebuild.
        known = session.execute(select(t.posting_decisions.c.posting_id)).scalars().all()
        assert len(known) == len(fixture("appeals")["kept_tables"]["posting_decisions"])


# -- roi --------------------------------------------------------------------------------------


def test_roi_history_replays_to_each_commitments_period(load: Load) -> None:
    app = load("roi").application
    with app.db.unit_of_work(write=False):
        commitments = {
            name: get(app, case("roi", name), Commitment)
            for name in fixture("roi")["cases"]
            if name not in ("quarterly_designation", "exceptional_designation")
        }
        assert {name: (c.state, c.period_ends_on) for name, c in commitments.items()} == {
            "released_by_panel": ("completed", date(2028, 4, 23)),
            "released_locally": ("completed", date(2028, 4, 23)),
            "withdrawn": ("withdrawn", None),
            "not_completed": ("not_completed", None),
            "still_to_start": ("enrolled", date(2029, 3, 26)),
        }
        assert commitments["released_by_panel"].released_for == "dover"
        assert commitments["released_by_panel"].binds is True
        assert commitments["released_locally"].local_case == "ashford"
        assert commitments["still_to_start"].binds is False  # never told of the ROI
        local = events_of(app, case("roi", "released_locally"))[-1]
        assert (local.route, local.decision.rationale) == (
            "local",
            "Signed off: the skill stays in the force",
        )
        quarterly = get(app, case("roi", "quarterly_designation"), CourseDesignation)
        assert (quarterly.quarter, quarterly.reasons) == (
            Quarter(2026, 4),
            [DesignationReason.HIGH_COST, DesignationReason.SCARCE_SKILL],
        )
        (exceptional,) = events_of(app, case("roi", "exceptional_designation"))
        assert exceptional.decision.clause == "L1800 3.9.2"
        assert exceptional.decision.delegation_id == case("postings", "delegation_in_force")


def test_roi_read_models_rebuild_from_the_stored_rows(load: Load) -> None:
    runtime = load("roi")
    t = roi_tables

    assert rebuilt(runtime, "roi") == len(fixture("roi")["events"])

    released = read(
        runtime, t.commitments, t.commitments.c.id, str(case("roi", "released_by_panel"))
    )
    assert (released["period_ends_on"], released["released_for"], released["release_route"]) == (
        date(2028, 4, 23),
        "dover",
        "force_resourcing_panel",
    )
    assert released["release_rationale"] == "Dover major crime team cannot wait"
    marine = read(
        runtime, t.designations, t.designations.c.id, str(case("roi", "exceptional_designation"))
    )
    assert (marine["exceptional"], marine["period_months"]) == (True, 24)


# -- the same rows on PostgreSQL --------------------------------------------------------------


@pytest.mark.usefixtures("pg_templates")
def test_the_stored_rows_load_and_replay_on_postgresql_too(tmp_path: Path) -> None:
    for service in migrate.SERVICES:
        url = pg.clone(service)
        try:
            insert_fixture(service, url)
            runtime = open_runtime(service, url, tmp_path / f"audit-{service}")
            try:
                replays_every_aggregate(runtime.application, service)
                chain_verifies(runtime, service, tmp_path)
                assert rebuilt(runtime, service) == len(fixture(service)["events"])
            finally:
                runtime.db.close()
        finally:
            pg.drop(url)
