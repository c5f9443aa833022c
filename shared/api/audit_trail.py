"""The auditor's read-only view of a service's decision history: search decisions by
officer, clause, decider, kind and date; a case's history with its hashes; a case's state
as it stood at any past moment (issue 6; L1 record keeping)."""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, select

from shared import lengths
from shared.api.feed import EventEnvelope
from shared.api.kept_acts import KEY_HELD, kept_acts
from shared.api.pagination import Page, PageParams, PageQuery, Paging
from shared.api.routes import Operating, OperationRoute, QueryRoute, Reading, build_router
from shared.api.schemas import Moment
from shared.audit_trail import case_history, case_state_at
from shared.roles import Role
from shared.runtime import Runtime


class AuditAct(BaseModel):
    """One act on the record: a decision, an act that decides nothing (a notification, an
    appeal lodged, a PDR recorded, an enrolment) or a refused command."""

    service: str
    position: int
    occurred_at: str
    type: str
    outcome: Literal["decided", "recorded", "refused"]
    case_id: str
    case_type: str
    case_version: int
    officer_id: str | None
    kind: str | None
    actor_id: str
    actor_role: str
    clause: str | None
    #: A decision as recorded: rationale, actor, role, delegation, clause, facts.
    decision: dict[str, Any] | None
    #: The act as the service publishes it to the reader's role (confidential parts
    #: withheld as the feed withholds them).
    act: dict[str, Any]
    leaf_hash: str


class CaseEvent(EventEnvelope):
    leaf_hash: str
    chain_hash: str


class CaseState(BaseModel):
    case_id: str
    case_type: str
    as_at: str
    version: int
    latest_version: int
    created_on: str
    modified_on: str
    state: dict[str, Any]


class DecisionFilter(BaseModel):
    """Which acts to list, as code asks (the timeline): by the fields' names, and a name
    that is not one is refused rather than ignored. The query gives it as
    ``DecisionQuery``."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True
    )

    officer_id: str | None = Field(None, max_length=lengths.OFFICER_ID)
    clause: str | None = Field(None, max_length=lengths.CLAUSE, description="e.g. L1800 3.7.1")
    actor_id: str | None = Field(None, max_length=lengths.SUBJECT, description="Who decided")
    kind: str | None = Field(None, max_length=lengths.KEYWORD, description="Kind of case")
    type: str | None = Field(None, max_length=lengths.EVENT_TYPE, description="Event type")
    outcome: Literal["decided", "recorded", "refused"] | None = Field(
        None, description="Decisions, acts that decide nothing, or refused commands"
    )
    case_id: UUID | None = None
    decided_from: Moment | None = Field(None, alias="from")
    decided_to: Moment | None = Field(None, alias="to")


class DecisionQuery(DecisionFilter):
    """The filter as the query gives it, validated in one pass (FastAPI validated eleven
    parameters one by one): by the documented names alone (``from``, ``to``), so that no
    second spelling of one filter is taken, and a parameter that is not one is ignored, as
    on every endpoint (the paging's among them)."""

    model_config = ConfigDict(extra="ignore", validate_by_name=False)


def search_decisions(
    ctx: Operating, paging: Paging, where: Annotated[DecisionQuery, Query()]
) -> Page[AuditAct]:
    return decisions_page(ctx.runtime, where, paging, reader=ctx.caller.role)


def decisions_page(
    runtime: Runtime, where: DecisionFilter, paging: PageParams, *, reader: Role
) -> Page[AuditAct]:
    """One page of this service's acts matching ``where``, oldest first, as ``reader`` may
    read them."""
    values = {
        name: str(value) if isinstance(value, UUID) else value
        for name, value in where.model_dump().items()
        if value is not None
    }
    with runtime.db.unit_of_work(write=False) as session:
        rows = _decisions_query(runtime, frozenset(values)).read(
            session, paging, lambda r: r, values
        )
        # Each act from its stored event (the index names it by record and version, as it
        # is written before the log numbers it), or as built before (shared.api.kept_acts).
        acts = kept_acts(runtime).acts(
            session, runtime, rows.items, reader, lambda act: AuditAct(**act)
        )
    return Page(
        items=acts,
        limit=rows.limit,
        offset=rows.offset,
        total=rows.total,
    )


def _decisions_query(runtime: Runtime, given: frozenset[str]) -> PageQuery:
    """The page statement for the filters ``given`` (by ``DecisionFilter``'s field names),
    their values bound when it is read: built once for each set of filters a service is
    asked, and kept (a few: the timeline's officer alone, and the auditor's searches)."""
    kept: dict[frozenset[str], PageQuery] = runtime.extras.setdefault("decision_pages", {})
    if (found := kept.get(given)) is not None:
        return found
    index = runtime.tables.audit_decisions
    # One officer's acts (their timeline): whether their key still exists rides on the
    # page's rows, for the acts kept as built, where it was one more statement. One
    # parameter, of the index's type, for both places the officer is asked.
    officer = bindparam("officer_id", type_=index.c.officer_id.type)
    query = (
        select(index)
        if "officer_id" not in given
        else select(index, runtime.application.keyring.held_of(officer).label(KEY_HELD))
    )
    for name, column in _FILTERED_BY.items():
        if name in given:
            column_of = getattr(index.c, column)
            query = query.where(column_of == (officer if name == "officer_id" else bindparam(name)))
    for name, within in _RANGES.items():
        if name in given:
            query = query.where(within(index.c.occurred_at, bindparam(name)))
    made = PageQuery(query, [index.c.recorded_seq, index.c.record_id, index.c.record_version])
    # Two threads making one shape at once make it twice; either is the same statement.
    return kept.setdefault(given, made)


#: The index's column each filter matches exactly, by the filter's name.
_FILTERED_BY = {
    "officer_id": "officer_id",
    "clause": "clause",
    "actor_id": "actor_id",
    "kind": "kind",
    "type": "event_type",
    "outcome": "outcome",
    "case_id": "case_id",
}
#: The filters that bound when an act was done, by the filter's name.
_RANGES = {"decided_from": operator.ge, "decided_to": operator.le}

# A filter of DecisionFilter's that no statement applied would be ignored: the search would
# answer more than was asked for.
if DecisionFilter.model_fields.keys() != _FILTERED_BY.keys() | _RANGES.keys():
    raise RuntimeError("every filter of the auditor's search names what it filters")


def history(ctx: Reading, case_id: UUID) -> list[CaseEvent]:
    runtime = ctx.runtime
    return [
        CaseEvent(**e)
        for e in case_history(ctx.session, runtime.application, runtime.tables, case_id)
    ]


def state_as_at(
    ctx: Reading,
    case_id: UUID,
    at: Annotated[Moment | None, Query(description="The moment; now when omitted")] = None,
) -> CaseState:
    runtime = ctx.runtime
    moment = at if at is not None else runtime.clock.now()
    return CaseState(
        **case_state_at(ctx.session, runtime.application, runtime.tables, case_id, moment)
    )


router = build_router(
    prefix="/audit",
    tags=["audit"],
    routes=[
        OperationRoute(
            "GET",
            "/decisions",
            doc="""Decisions in this service's log, in the order they were taken, each read
            from the stored event: rationale, actor, role, delegation, clause and the facts
            relied on.""",
            roles=(Role.AUDITOR,),
            run=search_decisions,
            response_model=Page[AuditAct],
            errors=(422,),
            expensive=True,
        ),
        QueryRoute(
            "/cases/{case_id}",
            doc="""Every event of one case (a posting, an officer, an appeal, a
            commitment...), in order, with its leaf and chain hashes.""",
            roles=(Role.AUDITOR,),
            read=history,
            response_model=list[CaseEvent],
            errors=(404,),
        ),
        QueryRoute(
            "/cases/{case_id}/state",
            doc="The case as it stood at ``at``, rebuilt by replaying its events recorded by then.",
            roles=(Role.AUDITOR,),
            read=state_as_at,
            response_model=CaseState,
            errors=(404, 422),
            expensive=True,
        ),
    ],
)
