"""Delegations recorded by the Director of HR ('or appropriate delegate', L1800 3.1.1)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from services.postings.api.schemas import DecisionIn, DelegationIn, DelegationOut
from services.postings.api.views import delegation_out, delegation_view
from services.postings.commands import GrantDelegation, RelyOnDelegation, RevokeDelegation
from services.postings.domain.delegation import Delegation
from services.postings.domain.kinds import Power
from services.postings.handlers.authority import delegation_coverage
from services.postings.projections.tables import delegations
from shared import lengths
from shared.api.inputs import RequestBody
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.api.schemas import Day, PersonId
from shared.handling import Saved
from shared.roles import HR_ROLES, Role

READERS = (*HR_ROLES, Role.AUDITOR)


class CoverageOut(BaseModel):
    covers: bool
    violations: list[dict[str, Any]]


class RelianceIn(RequestBody):
    """A decision of another service that relies on the delegation."""

    model_config = ConfigDict(extra="forbid")
    power: Power
    actor_id: PersonId
    #: The record the decision is on, in the service that takes it.
    case_id: UUID


class RelianceOut(BaseModel):
    """The delegation relied on, and how many decisions now rely on it."""

    delegation_id: str
    uses: int


def _delegation(ctx: Reading, saved: Saved) -> DelegationOut:
    return delegation_view(ctx.session, str(saved.id))


def coverage(
    ctx: Reading,
    delegation_id: UUID,
    power: Power,
    actor_id: Annotated[str, Query(min_length=1, max_length=lengths.SUBJECT)],
    on: Day,
) -> CoverageOut:
    violations = delegation_coverage(
        ctx.runtime.application,  # type: ignore[arg-type]
        delegation_id=delegation_id,
        power=power,
        actor_id=actor_id,
        on=on,
    )
    return CoverageOut(covers=not violations, violations=[v.as_dict() for v in violations])


def _reliance(ctx: Reading, saved: Saved) -> RelianceOut:
    delegation: Delegation = ctx.runtime.application.load(saved.id, Delegation, what="delegation")
    return RelianceOut(delegation_id=str(saved.id), uses=delegation.uses)


def get_delegation(ctx: Reading, delegation_id: UUID) -> DelegationOut:
    return delegation_view(ctx.session, str(delegation_id))


def list_delegations(ctx: Reading, paging: Paging) -> Page[DelegationOut]:
    return fetch_page(
        ctx.session,
        select(delegations),
        order_by=[delegations.c.valid_from.desc(), delegations.c.id],
        paging=paging,
        convert=delegation_out,
    )


router = build_router(
    prefix="/delegations",
    tags=["delegations"],
    routes=[
        CommandRoute(
            "POST",
            "",
            name="grant_delegation",
            doc="The Director of HR delegates powers to a named person for a period, with "
            "rationale.",
            roles=(Role.DIRECTOR_OF_HR,),
            body=DelegationIn,
            make=build(GrantDelegation),
            answer=_delegation,
            response_model=DelegationOut,
            created=True,
            location=lambda saved, _: f"/delegations/{saved.id}",
            errors=(422,),
        ),
        CommandRoute(
            "POST",
            "/{delegation_id}/revocation",
            name="revoke_delegation",
            doc="Revoke a delegation (send If-Match with its ETag to guard against a "
            "concurrent change).",
            roles=(Role.DIRECTOR_OF_HR,),
            body=DecisionIn,
            path_params={"delegation_id": UUID},
            make=build(RevokeDelegation),
            record=lambda command: command.delegation_id,
            answer=_delegation,
            response_model=DelegationOut,
        ),
        CommandRoute(
            "POST",
            "/{delegation_id}/reliances",
            name="rely_on_delegation",
            doc="""Another service's decision taken as the Director of HR's delegate relies
            on this delegation (L1800 3.1.1; ROI's exceptional designations, 3.9.2): the use
            is recorded on it, once per case, so that no decision relies on a delegation
            after its revocation. One that does not cover the decision is a 422 naming
            DelegationMustCoverTheDecision, and nothing is recorded.""",
            roles=(Role.SERVICE,),
            body=RelianceIn,
            path_params={"delegation_id": UUID},
            make=build(RelyOnDelegation),
            record=lambda command: command.delegation_id,
            answer=_reliance,
            response_model=RelianceOut,
        ),
        QueryRoute(
            "/{delegation_id}/coverage",
            doc="""Does this delegation let ``actor_id`` exercise ``power`` on ``on`` (L1800
            3.1.1)? Other services ask before accepting a decision taken 'or appropriate
            delegate'.""",
            roles=(Role.SERVICE, *READERS),
            read=coverage,
            response_model=CoverageOut,
            errors=(422,),
        ),
        QueryRoute(
            "/{delegation_id}",
            doc="One delegation.",
            roles=READERS,
            read=get_delegation,
            response_model=DelegationOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "",
            doc="All delegations, newest period first.",
            roles=READERS,
            read=list_delegations,
            response_model=Page[DelegationOut],
            errors=(422,),
        ),
    ],
)
