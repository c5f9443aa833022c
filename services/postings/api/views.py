"""Read models as each caller may see them. Confidential parts are removed here, in one
place: welfare and health factors for HR roles only (L1800 3.1.3); Professional Standards
reasons for psd and head_of_resourcing only (3.2.2); home and travel for HR roles and the
officer themself."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.postings.api.access import ensure_may_see
from services.postings.api.schemas import (
    DelegationOut,
    Home,
    LocationOut,
    NotificationOut,
    OfficerOut,
    PersonalFileEntryOut,
    PolicyExceptionOut,
    PolicyOut,
    PostingOut,
    RestrictionOut,
    SittingOut,
    TransferRequestOut,
)
from services.postings.domain.kinds import WelfareFactor
from services.postings.domain.policy import DEFAULT_NOTICE_DAYS
from services.postings.projections.projector import decided_row
from services.postings.projections.tables import (
    delegations,
    locations,
    notifications,
    officers,
    panel_sittings,
    personal_file,
    policy_exceptions,
    policy_settings,
    postings,
    restrictions,
    transfer_requests,
)
from shared.errors import NotFound
from shared.identity import Principal
from shared.roles import HR_ROLES, Role

#: Who sees why Professional Standards restricted a location (L1800 3.2.2).
PSD_REASON_READERS = frozenset({Role.PSD, Role.HEAD_OF_RESOURCING})
#: Fact sections that reveal home, welfare or where the officer would rather serve: HR
#: roles only.
HR_ONLY_FACTS = ("travel", "welfare", "preferences_stated")
#: A posting's details that are the officer's own words or wishes: HR roles and the
#: officer themself only.
OFFICERS_OWN_DETAILS = ("welfare_request", "preferences")


def _one(session: Session, query: Any, what: str) -> dict[str, Any]:
    row = session.execute(query).first()
    if row is None:
        raise NotFound(f"{what} not found")
    values: dict[str, Any] = row._asdict()
    return values


def officer_out(row: dict[str, Any], caller: Principal) -> OfficerOut:
    values = dict(row)
    values["skills"] = json.loads(values["skills"])
    welfare = json.loads(values.pop("welfare_factors"))
    lat, lon = values.pop("home_lat"), values.pop("home_lon")
    home_town = values.pop("home_town")
    out = OfficerOut.model_validate(values)
    if caller.role in HR_ROLES or caller.is_officer(out.officer_id):
        out.home_town = home_town
        out.home = Home(lat=lat, lon=lon) if lat is not None else None
    if caller.role in HR_ROLES:
        out.welfare_factors = [WelfareFactor(w) for w in welfare]
    elif not caller.is_officer(out.officer_id):
        # Part-time or flexible working is a welfare factor (L1800 3.1.3): HR roles only.
        out.working_pattern = None
    return out


def officer_view(session: Session, officer_id: str, caller: Principal) -> OfficerOut:
    row = _one(
        session,
        select(officers).where(officers.c.officer_id == officer_id),
        f"officer {officer_id}",
    )
    ensure_may_see(caller, officer_id=officer_id, division=row["division"])
    return officer_out(row, caller)


def restriction_out(row: dict[str, Any], caller: Principal) -> RestrictionOut:
    if caller.role in PSD_REASON_READERS:
        return RestrictionOut(
            location=row["location"],
            source=row["source"],
            reason=row["reason"],
            supported_by_psd=row["supported_by_psd"],
            supported_by_head_of_resourcing=row["supported_by_head_of_resourcing"],
        )
    return RestrictionOut(location=row["location"])


def restrictions_view(session: Session, officer_id: str, caller: Principal) -> list[RestrictionOut]:
    officer_view(session, officer_id, caller)  # existence and ownership
    rows = session.execute(
        select(restrictions)
        .where(restrictions.c.officer_id == officer_id)
        .order_by(restrictions.c.location, restrictions.c.source)
    ).all()
    shown = [restriction_out(r._asdict(), caller) for r in rows]
    if caller.role in PSD_REASON_READERS:
        return shown
    # Everyone else sees one "restricted" per location: two entries would tell them that
    # Professional Standards marked a location the officer also asked about.
    return list({r.location: r for r in shown}.values())


def posting_out(row: dict[str, Any], caller: Principal) -> PostingOut:
    values = dict(row)
    values["details"] = json.loads(values["details"])
    # The officer's welfare request (3.3.1) and their preferences (3.7.2) speak of their
    # circumstances: HR roles and the officer themself only.
    if caller.role not in HR_ROLES and not caller.is_officer(values["officer_id"]):
        for private in OFFICERS_OWN_DETAILS:
            if private in values["details"]:
                values["details"][private] = None
    facts = json.loads(values["facts"])
    if caller.role not in HR_ROLES:
        facts = {k: v for k, v in facts.items() if k not in HR_ONLY_FACTS}
    values["facts"] = facts
    values.pop("date_confirmed_at", None)
    values.pop("decided_seq", None)
    values.pop("from_division", None)
    return PostingOut.model_validate(values)


def posting_view(session: Session, posting_id: str, caller: Principal) -> PostingOut:
    row = decided_row(session, posting_id) or _one(
        session, select(postings).where(postings.c.id == posting_id), f"posting {posting_id}"
    )
    ensure_may_see(
        caller,
        officer_id=row["officer_id"],
        division=row["division"],
        decided_by=row["decided_by"],
        from_division=row["from_division"],
    )
    return posting_out(row, caller)


def location_view(session: Session, code: str) -> LocationOut:
    row = _one(session, select(locations).where(locations.c.code == code), f"location {code}")
    return LocationOut.model_validate(row)


def policy_view(session: Session) -> PolicyOut:
    row = session.execute(select(policy_settings)).first()
    if row is None:
        return PolicyOut(travel_limit_km=None, notice_days=DEFAULT_NOTICE_DAYS, version=0)
    return PolicyOut.model_validate(row._asdict())


def delegation_out(row: dict[str, Any]) -> DelegationOut:
    values = dict(row)
    values["powers"] = json.loads(values["powers"])
    values["revoked"] = bool(values["revoked"])
    return DelegationOut.model_validate(values)


def delegation_view(session: Session, delegation_id: str) -> DelegationOut:
    query = select(delegations).where(delegations.c.id == delegation_id)
    return delegation_out(_one(session, query, f"delegation {delegation_id}"))


def sitting_view(session: Session, sitting_id: str) -> SittingOut:
    query = select(panel_sittings).where(panel_sittings.c.id == sitting_id)
    return SittingOut.model_validate(_one(session, query, f"panel sitting {sitting_id}"))


def notification_out(row: dict[str, Any]) -> NotificationOut:
    values = dict(row)
    values.pop("id", None)
    values["recipients"] = json.loads(values["recipients"])
    return NotificationOut.model_validate(values)


def request_out(row: dict[str, Any], caller: Principal) -> TransferRequestOut:
    values = dict(row)
    if values["grounds"] == "welfare" and not may_read_welfare_reasons(caller, values):
        values["reasons"] = "[welfare grounds: HR, the officer and their SLT only]"
    values.pop("submitted_seq", None)
    values["roles_sought"] = json.loads(values["roles_sought"])
    values["locations_sought"] = json.loads(values["locations_sought"])
    return TransferRequestOut.model_validate(values)


def request_view(session: Session, request_id: str, caller: Principal) -> TransferRequestOut:
    query = select(transfer_requests).where(transfer_requests.c.id == request_id)
    row = _one(session, query, f"request {request_id}")
    ensure_may_see(caller, officer_id=row["officer_id"], division=row["division"])
    return request_out(row, caller)


def may_read_welfare_reasons(caller: Principal, row: dict[str, Any]) -> bool:
    """Welfare grounds (L1800 3.5.1, 3.1.3): HR roles, the officer and their own SLT."""
    return (
        caller.role in HR_ROLES
        or caller.is_officer(row["officer_id"])
        or (caller.role is Role.SLT and caller.serves_in(row["division"]))
    )


def personal_file_of(session: Session, officer_id: str) -> list[PersonalFileEntryOut]:
    rows = session.execute(
        select(personal_file)
        .where(personal_file.c.officer_id == officer_id)
        .order_by(personal_file.c.id)
    ).all()
    return [PersonalFileEntryOut.model_validate(r._asdict()) for r in rows]


def notifications_of(session: Session, officer_id: str) -> list[NotificationOut]:
    rows = session.execute(
        select(notifications)
        .where(notifications.c.officer_id == officer_id)
        .order_by(notifications.c.notified_at)
    ).all()
    return [notification_out(r._asdict()) for r in rows]


def exceptions_of(session: Session, officer_id: str) -> list[PolicyExceptionOut]:
    rows = session.execute(
        select(policy_exceptions)
        .where(policy_exceptions.c.officer_id == officer_id)
        .order_by(policy_exceptions.c.granted_version)
    ).all()
    return [PolicyExceptionOut.model_validate(r._asdict()) for r in rows]
