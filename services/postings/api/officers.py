"""Officers: reference data (HR roles and the HR-system integration write it), their PDRs,
locations unsuitable for them, exceptions for them, and their notifications."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Query
from pydantic import BaseModel, RootModel
from sqlalchemy import select

from services.postings.api.access import (
    DELEGATES,
    DIRECTOR,
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
)
from services.postings.api.schemas import (
    DecisionIn,
    DelegatedDecisionIn,
    Home,
    NotificationOut,
    OfficerChangesIn,
    OfficerIn,
    OfficerOut,
    PdrIn,
    PersonalFileEntryOut,
    PolicyExceptionIn,
    PolicyExceptionOut,
    PreferencesIn,
    PreferencesOut,
    ProbationReviewIn,
    RestrictionIn,
    RestrictionList,
    RestrictionOut,
)
from services.postings.api.views import (
    exceptions_of,
    notifications_of,
    officer_out,
    officer_view,
    personal_file_of,
    restrictions_view,
)
from services.postings.commands import (
    ChangeOfficer,
    GrantHomeTownException,
    GrantPolicyException,
    LiftRestriction,
    RecordPdr,
    RegisterOfficer,
    RestrictLocation,
    ReviewProbation,
    StatePreferences,
    SupportRestrictionException,
)
from services.postings.domain.officer import Officer, OfficerChanges, officer_aggregate_id
from services.postings.domain.values import GeoPoint
from services.postings.projections.tables import officers
from shared import lengths
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.api.schemas import CodePath, OfficerIdPath
from shared.errors import NotFound
from shared.handling import Command, Saved
from shared.roles import HR_ROLES, Role

REFERENCE_WRITERS = (Role.HR_RESOURCE_PLANNING, Role.INTEGRATION)
OFFICER_ID = {"officer_id": OfficerIdPath}
RESTRICTION = {"officer_id": OfficerIdPath, "location": CodePath}


class ExceptionList(RootModel[list[PolicyExceptionOut]]):
    pass


def _point(home: Home | None) -> GeoPoint | None:
    return GeoPoint(home.lat, home.lon) if home is not None else None


def _register(body: OfficerIn) -> Command:
    return RegisterOfficer(**{**dict(body), "home": _point(body.home)})


def _change(body: OfficerChangesIn, *, officer_id: str) -> Command:
    given: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
    if "home" in given:
        given["home"] = _point(body.home)
    return ChangeOfficer(officer_id=officer_id, changes=cast(OfficerChanges, given))


def _officer(ctx: Reading, saved: Saved) -> OfficerOut:
    officer = ctx.runtime.application.load(saved.id, Officer, what="officer")
    return officer_view(ctx.session, officer.officer_id, ctx.caller)


def _restrictions(ctx: Reading, saved: Saved) -> RestrictionList:
    officer = ctx.runtime.application.load(saved.id, Officer, what="officer")
    return RestrictionList(restrictions_view(ctx.session, officer.officer_id, ctx.caller))


def _exceptions(ctx: Reading, saved: Saved) -> ExceptionList:
    officer = ctx.runtime.application.load(saved.id, Officer, what="officer")
    return ExceptionList(exceptions_of(ctx.session, officer.officer_id))


def _preferences_of(officer: Officer) -> PreferencesOut:
    stated = officer.preferences
    return PreferencesOut(
        officer_id=officer.officer_id,
        places=stated.places if stated else [],
        said=stated.said if stated else None,
        stated_at=stated.stated_at if stated else None,
        version=officer.version,
    )


def _preferences(ctx: Reading, saved: Saved) -> PreferencesOut:
    return _preferences_of(ctx.runtime.application.load(saved.id, Officer, what="officer"))


def get_preferences(ctx: Reading, officer_id: OfficerIdPath) -> PreferencesOut:
    # Read from the officer's own events: what they said last is what a compulsory
    # decision taken now would consider.
    officer = ctx.runtime.application.load(
        officer_aggregate_id(officer_id), Officer, what="officer", named=officer_id
    )
    return _preferences_of(officer)


def get_officer(ctx: Reading, officer_id: OfficerIdPath) -> OfficerOut:
    return officer_view(ctx.session, officer_id, ctx.caller)


class OfficerDivisionOut(BaseModel):
    """The division an officer serves in now: what another service asks before a person in
    a divisional role acts on the officer (L1 Data Security)."""

    officer_id: str
    division: str


def get_officer_division(ctx: Reading, officer_id: OfficerIdPath) -> OfficerDivisionOut:
    row = ctx.session.execute(
        select(officers.c.division).where(officers.c.officer_id == officer_id)
    ).first()
    if row is None:
        raise NotFound(f"officer {officer_id} not found")
    return OfficerDivisionOut(officer_id=officer_id, division=row.division)


def list_officers(
    ctx: Reading,
    paging: Paging,
    division: Annotated[str | None, Query(max_length=lengths.CODE)] = None,
) -> Page[OfficerOut]:
    caller = ctx.caller
    query = select(officers)
    if caller.role not in FORCE_WIDE_READERS:
        query = query.where(officers.c.division == caller.division)
    if division:
        query = query.where(officers.c.division == division)
    return fetch_page(
        ctx.session,
        query,
        order_by=[officers.c.officer_id],
        paging=paging,
        convert=lambda row: officer_out(row, caller),
    )


def list_restrictions(ctx: Reading, officer_id: OfficerIdPath) -> list[RestrictionOut]:
    return restrictions_view(ctx.session, officer_id, ctx.caller)


def read_personal_file(ctx: Reading, officer_id: OfficerIdPath) -> list[PersonalFileEntryOut]:
    officer_view(ctx.session, officer_id, ctx.caller)
    return personal_file_of(ctx.session, officer_id)


def list_exceptions(ctx: Reading, officer_id: OfficerIdPath) -> list[PolicyExceptionOut]:
    officer_view(ctx.session, officer_id, ctx.caller)
    return exceptions_of(ctx.session, officer_id)


def list_notifications(ctx: Reading, officer_id: OfficerIdPath) -> list[NotificationOut]:
    officer_view(ctx.session, officer_id, ctx.caller)
    return notifications_of(ctx.session, officer_id)


def _on_officer(
    method: str,
    path: str,
    name: str,
    doc: str,
    roles: tuple[Role, ...] | frozenset[Role],
    body: type[BaseModel] | None,
    make: Any,
    *,
    answer: Any = _officer,
    response_model: Any = OfficerOut,
    path_params: dict[str, Any] = OFFICER_ID,
    created: bool = False,
    errors: tuple[int, ...] = (404, 409, 422),
    delegated: tuple[Role, ...] = (),
) -> CommandRoute:
    """A command on one officer, answered with the officer's record as stored."""
    return CommandRoute(
        method,
        path,
        name=name,
        doc=doc,
        roles=tuple(roles),
        delegated=delegated,
        body=body,
        path_params=path_params,
        make=make,
        answer=answer,
        response_model=response_model,
        created=created,
        errors=errors,
        # Each of these changes the officer's own record (and the officer's ETag).
        record=lambda command: officer_aggregate_id(command.officer_id),
    )


router = build_router(
    prefix="/officers",
    tags=["officers"],
    routes=[
        CommandRoute(
            "POST",
            "",
            name="register_officer",
            doc="Register an officer's reference data.",
            roles=REFERENCE_WRITERS,
            body=OfficerIn,
            make=_register,
            answer=_officer,
            response_model=OfficerOut,
            created=True,
            location=lambda _, command: f"/officers/{command.officer_id}",
            errors=(409, 422),
        ),
        _on_officer(
            "PATCH",
            "/{officer_id}",
            "change_officer",
            "Change an officer's reference data: only the fields given, each change an event.",
            REFERENCE_WRITERS,
            OfficerChangesIn,
            _change,
        ),
        _on_officer(
            "PUT",
            "/{officer_id}/pdr",
            "record_pdr",
            "Record the officer's current annual PDR: when due and, once done, when completed.",
            REFERENCE_WRITERS,
            PdrIn,
            build(RecordPdr),
            errors=(404, 409, 422),
        ),
        QueryRoute(
            "/{officer_id}/division",
            doc="""The division an officer serves in now, for the services that let divisional
            roles act on their own division's officers only (ROI's local release case).""",
            roles=(Role.SERVICE,),
            read=get_officer_division,
            response_model=OfficerDivisionOut,
            errors=(404,),
        ),
        QueryRoute(
            "/{officer_id}",
            doc="""An officer's reference data: officers see their own, divisional roles their
            division. Welfare factors are shown to HR roles only.""",
            roles=tuple(OFFICER_RECORD_READERS),
            read=get_officer,
            response_model=OfficerOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "",
            doc="Officers by id; divisional roles see their own division only.",
            roles=(*FORCE_WIDE_READERS, *DIVISIONAL_READERS),
            read=list_officers,
            response_model=Page[OfficerOut],
            errors=(422,),
        ),
        # -- unsuitable locations (L1800 3.2.2) --------------------------------------------
        _on_officer(
            "POST",
            "/{officer_id}/restrictions",
            "restrict_location",
            """Professional Standards marks a location unsuitable (the rationale is its
            confidential reason), or the officer asks not to be posted there (L1800 3.2.2).""",
            (Role.PSD, Role.OFFICER),
            RestrictionIn,
            build(RestrictLocation),
            answer=_restrictions,
            response_model=list[RestrictionOut],
            created=True,
        ),
        _on_officer(
            "POST",
            "/{officer_id}/restrictions/{location}/lifting",
            "lift_restriction",
            "Lift a restriction: by Professional Standards for theirs, the officer for their own.",
            (Role.PSD, Role.OFFICER),
            DecisionIn,
            build(LiftRestriction),
            answer=_restrictions,
            response_model=list[RestrictionOut],
            path_params=RESTRICTION,
            errors=(404, 409, 422),
        ),
        _on_officer(
            "POST",
            "/{officer_id}/restrictions/{location}/exception-support",
            "support_exception",
            """Support a posting to a restricted location in exceptional circumstances; it
            needs both Professional Standards and the Head of Resourcing (L1800 3.2.2).""",
            (Role.PSD, Role.HEAD_OF_RESOURCING),
            DecisionIn,
            build(SupportRestrictionException),
            answer=_restrictions,
            response_model=list[RestrictionOut],
            path_params=RESTRICTION,
            errors=(404, 409, 422),
        ),
        # -- preferences before a compulsory posting (L1800 3.7.2) ------------------------
        _on_officer(
            "PUT",
            "/{officer_id}/preferences",
            "state_preferences",
            """The officer states where they would prefer to serve, should they be posted
            compulsorily: places of duty, first choice first, and why (L1800 3.7.2). A new
            statement replaces the last; the Director of HR considers it when deciding.""",
            (Role.OFFICER,),
            PreferencesIn,
            build(StatePreferences),
            answer=_preferences,
            response_model=PreferencesOut,
        ),
        QueryRoute(
            "/{officer_id}/preferences",
            doc="""What the officer last said they would prefer (L1800 3.7.2): the officer
            themself, HR roles, who decide compulsory postings, and auditors.""",
            roles=(Role.OFFICER, *HR_ROLES, Role.AUDITOR),
            read=get_preferences,
            response_model=PreferencesOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "/{officer_id}/restrictions",
            doc="Restricted locations; only psd and head_of_resourcing see the source and reason.",
            roles=tuple(OFFICER_RECORD_READERS),
            read=list_restrictions,
            response_model=list[RestrictionOut],
            errors=(404,),
        ),
        _on_officer(
            "POST",
            "/{officer_id}/home-town-exception",
            "grant_home_town_exception",
            """The Director of HR, or a delegate naming their delegation, allows a
            probationer's divisional posting to their home town in exceptional
            circumstances (L1800 3.3.1).""",
            DIRECTOR,
            DelegatedDecisionIn,
            build(GrantHomeTownException),
            delegated=DELEGATES,
        ),
        _on_officer(
            "POST",
            "/{officer_id}/probation-review",
            "review_probation",
            """At the end of probation, confirm the divisional posting or record that it
            changes (then decide the new divisional posting) (L1800 3.3.1).""",
            (Role.HR_RESOURCE_PLANNING,),
            ProbationReviewIn,
            build(ReviewProbation),
        ),
        QueryRoute(
            "/{officer_id}/personal-file",
            doc="Entries on the officer's personal file (a declined 1068 and its reasons, 3.5.3).",
            roles=(Role.OFFICER, *HR_ROLES, Role.AUDITOR),
            read=read_personal_file,
            response_model=list[PersonalFileEntryOut],
            errors=(404,),
        ),
        _on_officer(
            "POST",
            "/{officer_id}/exceptions",
            "grant_exception",
            """An HR policy owner sets a protocol rule aside for this officer's next case,
            with clear rationale (L1 2.4); the check it sets aside then passes, citing it.""",
            (Role.HR_POLICY_OWNER,),
            PolicyExceptionIn,
            build(GrantPolicyException),
            answer=_exceptions,
            response_model=list[PolicyExceptionOut],
            created=True,
        ),
        QueryRoute(
            "/{officer_id}/exceptions",
            doc="Exceptions granted for this officer and the case each served.",
            roles=(*HR_ROLES, Role.AUDITOR),
            read=list_exceptions,
            response_model=list[PolicyExceptionOut],
            errors=(404,),
        ),
        QueryRoute(
            "/{officer_id}/notifications",
            doc="What the officer was told, and when (written confirmations, reasoning given).",
            roles=tuple(OFFICER_RECORD_READERS),
            read=list_notifications,
            response_model=list[NotificationOut],
            errors=(404,),
        ),
    ],
)
