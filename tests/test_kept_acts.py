"""The auditor's acts kept as built (shared.api.kept_acts): a page read again decodes
nothing and says the same; an officer's disposal, made by another process, is seen at the
next read (nothing kept outlives the key); an act is kept per reader's role; and an index
row that says otherwise has its act built again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import update

from services.postings.commands import RestrictLocation
from shared.api.audit_trail import DecisionFilter, decisions_page
from shared.api.kept_acts import KeptActs
from shared.api.pagination import PageParams
from shared.disposal import DisposeOfPersonalData
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime
from shared.sealing import DISPOSED
from tests.support.runtimes import Decoded, constable, places, send

DIRECTOR = Principal("dhr", Role.DIRECTOR_OF_HR)
PSD = Principal("psd-1", Role.PSD)
REASON = "A matter under investigation at Ashford"


def restricted_officer(runtime: Runtime) -> None:
    places(runtime, "maidstone", "ashford")
    constable(runtime)
    send(runtime, RestrictLocation("K100", "ashford", REASON), PSD)


def page(
    runtime: Runtime, reader: Role = Role.AUDITOR, where: DecisionFilter | None = None
) -> list[dict[str, Any]]:
    where = where or DecisionFilter(officer_id="K100")
    found = decisions_page(runtime, where, PageParams(limit=100, offset=0), reader=reader)
    return [act.model_dump() for act in found.items]


def restriction(acts: list[dict[str, Any]]) -> dict[str, Any]:
    [found] = [a for a in acts if a["type"] == "Officer.LocationRestricted"]
    return found


def test_a_page_read_again_decodes_nothing_and_says_the_same(
    two_processes: tuple[Runtime, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, _ = two_processes
    restricted_officer(runtime)
    decoded = Decoded(monkeypatch, runtime)
    first = page(runtime)
    assert decoded.count == len(first) >= 2
    assert restriction(first)["decision"]["rationale"] == REASON
    assert page(runtime) == first
    assert decoded.count == len(first)


@pytest.mark.parametrize(
    "where",
    # One officer's page reads whether their key exists with its rows; any other page asks.
    [DecisionFilter(officer_id="K100"), DecisionFilter(actor_id=PSD.subject)],
    ids=["officer", "actor"],
)
def test_a_disposal_by_another_process_is_seen_at_the_next_read(
    two_processes: tuple[Runtime, Runtime], where: DecisionFilter
) -> None:
    """The act kept holds the PSD's reason opened with the officer's key: once the key is
    destroyed (here by the other process) it is not given again."""
    reader, disposer = two_processes
    restricted_officer(reader)
    assert restriction(page(reader, where=where))["decision"]["rationale"] == REASON
    send(disposer, DisposeOfPersonalData("K100", date(2026, 1, 31), "Retention period ended"))
    after = page(reader, where=where)
    assert restriction(after)["decision"]["rationale"] == DISPOSED
    assert REASON not in repr(after)


def test_an_act_is_kept_for_each_readers_role(
    two_processes: tuple[Runtime, Runtime],
) -> None:
    """Each role reads the act as built for it: what another role was given is not."""
    runtime, fresh = two_processes
    restricted_officer(runtime)
    page(runtime, Role.AUDITOR)
    for role in (Role.HR_RESOURCE_PLANNING, Role.OFFICER):
        fresh.extras["kept_acts"] = KeptActs()  # builds every act anew
        assert page(runtime, role) == page(fresh, role)


def test_an_index_row_that_says_otherwise_has_its_act_built_again(
    two_processes: tuple[Runtime, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit index is a read model, rebuilt from the log: where a row no longer says
    what the act kept repeats of it, the act is built again from its event."""
    runtime, _ = two_processes
    restricted_officer(runtime)
    first = page(runtime)
    table = runtime.tables.audit_decisions
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(
            update(table)
            .where(table.c.event_type == "Officer.LocationRestricted")
            .values(clause="L1800 3.2.2 (rebuilt)")
        )
    decoded = Decoded(monkeypatch, runtime)
    again = page(runtime)
    assert decoded.count == 1
    assert restriction(again)["clause"] == "L1800 3.2.2 (rebuilt)"
    assert [a for a in again if a["type"] != "Officer.LocationRestricted"] == [
        a for a in first if a["type"] != "Officer.LocationRestricted"
    ]
