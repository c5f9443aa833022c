"""The published feed contracts (issue 13, point 5): every event of a service is mapped to a
versioned model explicitly, what is published validates against that model, redaction
happens in the mapping, and a consumer reads only the versions it knows."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from services.appeals.projections.tables import posting_decisions
from shared.contracts import (
    FULL_VIEW,
    REDACTED,
    Contract,
    ContractMap,
    UnknownContractVersion,
    parse_item,
)
from shared.disposal import PersonalDataDisposal
from shared.envelope import jsonable, to_envelope
from shared.refusals import Refusal
from shared.roles import Role
from shared.settings import AppealsSettings
from tests.support.feeds import feed_postings
from tests.test_event_roundtrip import EXAMPLES, SERVICE_OF

SERVICES = ("postings", "appeals", "roi")


def contracts_of(service: str) -> ContractMap:
    contracts: ContractMap = importlib.import_module(f"services.{service}.contracts").contracts
    return contracts


def examples_of(service: str) -> dict[type[Any], Any]:
    return {cls: event for cls, (app, event) in EXAMPLES.items() if SERVICE_OF[app] == service}


@pytest.mark.parametrize("service", SERVICES)
def test_every_event_of_a_service_has_exactly_its_published_model(service: str) -> None:
    # Every service records disposals and refusals; the examples hold those events under
    # one of them.
    kernel = {PersonalDataDisposal.Decided, Refusal.Recorded}
    mapped = set(contracts_of(service).event_classes())
    assert kernel <= mapped
    assert mapped - kernel == set(examples_of(service)) - kernel


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("reader", [Role.AUDITOR, Role.SERVICE, Role.INTEGRATION])
def test_what_is_published_validates_against_its_model(service: str, reader: Role) -> None:
    contracts = contracts_of(service)
    for event_class, event in examples_of(service).items():
        item = contracts.publish(7, event, reader).model_dump(mode="json")
        model = contracts.model_of(event_class)
        assert (item["type"], item["schema_version"]) == (model.TYPE, model.VERSION)
        parsed = parse_item(item, [model])
        assert isinstance(parsed, model), event_class
        assert item["originator_id"] == str(event.originator_id)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_confidential_parts_are_withheld_in_the_mapping_for_all_but_auditors() -> None:
    contracts = contracts_of("postings")
    from services.postings.domain.officer import Officer
    from services.postings.domain.posting import Posting

    restricted = examples_of("postings")[Officer.LocationRestricted]
    for reader, shown in ((Role.AUDITOR, True), (Role.SERVICE, False)):
        data = contracts.publish(1, restricted, reader).data
        assert (data["decision"]["rationale"] != REDACTED) is shown
        assert (data["source"] != REDACTED) is shown
    stated = examples_of("postings")[Officer.PreferencesStated]
    for reader, shown in ((Role.AUDITOR, True), (Role.SERVICE, False)):
        data = contracts.publish(1, stated, reader).data
        assert (data["places"] != REDACTED) is shown
        assert (data["decision"]["rationale"] != REDACTED) is shown
    decided = examples_of("postings")[Posting.Decided]
    for reader in (Role.SERVICE, Role.INTEGRATION):
        details = contracts.publish(1, decided, reader).data["details"]
        assert all(
            details[k] == REDACTED for k in ("welfare_request", "preferences") if details.get(k)
        )
        facts = contracts.publish(1, decided, reader).data["decision"]["facts"]
        assert all(
            facts[k] == REDACTED for k in ("welfare", "travel", "preferences_stated") if k in facts
        )
    assert Role.AUDITOR in FULL_VIEW


def test_a_consumer_skips_types_it_does_not_follow_and_stops_at_versions_it_does_not_know() -> None:
    class Known(Contract):
        TYPE = "Thing.Happened"
        what: str

    assert parse_item({"type": "Other.Thing", "data": {}}, [Known]) is None
    known = parse_item(
        {"type": "Thing.Happened", "schema_version": 1, "data": {"what": "x"}}, [Known]
    )
    assert isinstance(known, Known)
    with pytest.raises(UnknownContractVersion):
        parse_item({"type": "Thing.Happened", "schema_version": 2, "data": {}}, [Known])
    # No version: served before contracts were versioned (version 0).
    with pytest.raises(UnknownContractVersion):
        parse_item({"type": "Thing.Happened", "data": {"what": "x"}}, [Known])
    # Strict both ways: a field the model does not know is a change the contract tests see.
    with pytest.raises(ValueError, match="extra"):
        parse_item(
            {"type": "Thing.Happened", "schema_version": 1, "data": {"what": "x", "new": 1}},
            [Known],
        )


def test_nothing_confidential_is_a_leaf_of_a_redacted_item() -> None:
    """Every welfare factor in the examples is gone from what a service reads."""
    contracts = contracts_of("postings")
    for event in examples_of("postings").values():
        data = contracts.publish(1, event, Role.SERVICE).data
        assert "primary_carer" not in _leaves(data)


def test_appeals_reads_a_postings_feed_not_yet_upgraded(appeals_settings: AppealsSettings) -> None:
    """Before contracts, a feed served each event's own attributes with no version: appeals
    reads those (version 0) too, so it may be upgraded before postings."""
    from services.postings.domain.posting import Posting

    decided = examples_of("postings")[Posting.Decided]
    notified = examples_of("postings")[Posting.OfficerNotified]
    posting_id = str(decided.originator_id)
    old = [to_envelope(1, decided), {**to_envelope(2, notified), "originator_id": posting_id}]
    for item in old:
        # The outcome of a notification was not kept then.
        item["data"].pop("starts_appeal_window", None)
    feed_postings(appeals_settings, [jsonable(item) for item in old])
    engine = create_engine(appeals_settings.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(posting_decisions).where(posting_decisions.c.posting_id == posting_id)
            ).one()
    finally:
        engine.dispose()
    assert (row.officer_id, row.kind, row.status) == ("K100", "compulsory", "in_force")
    assert row.notified_at is not None  # the first notification that reached the officer
