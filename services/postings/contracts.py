"""What postings publishes on its feed (version 1 of each), mapped from its events.
Appeals follows the posting decisions (``Posting.Decided``), the notification that starts
the officer's 14 days to appeal (``Posting.OfficerNotified``), and the decision's end
before any appeal is heard (``Posting.Withdrawn``, ``Posting.SetAside``).

Confidential parts are withheld here, in the mapping, for every reader but auditors: the
reason behind a Professional Standards restriction and who recorded it (L1800 3.2.2);
welfare and health factors, part-time or flexible working (one of them), the officer's home
and home town and the travel facts that reveal them (3.1.3); and the reasons of a 1068 on
welfare grounds and the SLT's reasons for supporting or declining any 1068 (3.5.1, 3.5.3),
which speak of the officer's circumstances."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from services.postings.domain.batch import Batch
from services.postings.domain.delegation import Delegation
from services.postings.domain.establishment import Establishment
from services.postings.domain.location import Location
from services.postings.domain.officer import Officer
from services.postings.domain.panel import PanelSitting
from services.postings.domain.policy import PolicySettings
from services.postings.domain.posting import Posting, notification_started_window
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.unit import Unit
from shared.contracts import (
    FULL_VIEW,
    REDACTED,
    Contract,
    ContractMap,
    DecisionV1,
    LegacyContract,
    LegacyDecision,
)
from shared.disposal import publish_disposal
from shared.envelope import jsonable
from shared.ledger import Decision
from shared.refusals import publish_refusals
from shared.roles import Role

contracts = ContractMap()
publish_disposal(contracts)
publish_refusals(contracts)

#: Decision facts that reveal the officer's home, welfare factors or stated preferences.
_CONFIDENTIAL_FACTS = ("welfare", "travel", "preferences_stated")
#: An officer's details that are personal or a welfare factor: auditors only on the feed.
_CONFIDENTIAL_DETAILS = ("welfare_factors", "working_pattern", "home", "home_town")


def _decision(
    decision: Decision, reader: Role, *, confidential_rationale: bool = False
) -> DecisionV1:
    """A decision as ``reader`` may see it: for all but auditors, without the facts that
    reveal home or welfare, and without a confidential rationale."""
    if reader in FULL_VIEW:
        return DecisionV1.of(decision)
    published = DecisionV1.of(decision, rationale=REDACTED if confidential_rationale else None)
    facts = {k: (REDACTED if k in _CONFIDENTIAL_FACTS else v) for k, v in published.facts.items()}
    return published.model_copy(update={"facts": facts})


class _Acted(Contract):
    """Events that record who acted (not a decision)."""

    actor_id: str
    actor_role: str


# -- officers ----------------------------------------------------------------------------


class OfficerRegisteredV1(_Acted):
    TYPE = "Officer.Registered"
    officer_id: str
    name: str
    rank: str
    division: str
    place_of_duty: str
    appointed_on: date
    home_town: str | None
    home: dict[str, float] | str | None
    probation_ends_on: date | None
    initial_training_complete: bool
    supervisor_id: str | None
    skills: list[str]
    working_pattern: str
    welfare_factors: list[str] | str


@contracts.maps(Officer.Registered, OfficerRegisteredV1)
def _registered(event: Officer.Registered, reader: Role) -> OfficerRegisteredV1:
    full = reader in FULL_VIEW
    return OfficerRegisteredV1(
        officer_id=event.officer_id,
        name=event.name,
        rank=event.rank.value,
        division=event.division,
        place_of_duty=event.place_of_duty,
        appointed_on=event.appointed_on,
        home_town=event.home_town if full or event.home_town is None else REDACTED,
        home=jsonable(event.home) if full or event.home is None else REDACTED,
        probation_ends_on=event.probation_ends_on,
        initial_training_complete=event.initial_training_complete,
        supervisor_id=event.supervisor_id,
        skills=list(event.skills),
        working_pattern=event.working_pattern if full else REDACTED,
        welfare_factors=[w.value for w in event.welfare_factors] if full else REDACTED,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class OfficerDetailsChangedV1(_Acted):
    TYPE = "Officer.DetailsChanged"
    changes: dict[str, Any]


@contracts.maps(Officer.DetailsChanged, OfficerDetailsChangedV1)
def _changed(event: Officer.DetailsChanged, reader: Role) -> OfficerDetailsChangedV1:
    changes = jsonable(event.changes)
    if reader not in FULL_VIEW:
        for name in _CONFIDENTIAL_DETAILS:
            if name in changes:
                changes[name] = REDACTED
    return OfficerDetailsChangedV1(
        changes=changes, actor_id=event.actor_id, actor_role=event.actor_role.value
    )


class OfficerPdrRecordedV1(_Acted):
    TYPE = "Officer.PdrRecorded"
    due_on: date
    completed_on: date | None


@contracts.maps(Officer.PdrRecorded, OfficerPdrRecordedV1)
def _pdr(event: Officer.PdrRecorded, reader: Role) -> OfficerPdrRecordedV1:
    return OfficerPdrRecordedV1(
        due_on=event.cycle.due_on,
        completed_on=event.cycle.completed_on,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class OfficerLocationRestrictedV1(Contract):
    TYPE = "Officer.LocationRestricted"
    location: str
    #: Who recorded it (Professional Standards or the officer): auditors only.
    source: str
    decision: DecisionV1


@contracts.maps(Officer.LocationRestricted, OfficerLocationRestrictedV1)
def _restricted(event: Officer.LocationRestricted, reader: Role) -> OfficerLocationRestrictedV1:
    return OfficerLocationRestrictedV1(
        location=event.location,
        source=event.source.value if reader in FULL_VIEW else REDACTED,
        decision=_decision(event.decision, reader, confidential_rationale=True),
    )


class OfficerRestrictionLiftedV1(Contract):
    TYPE = "Officer.RestrictionLifted"
    location: str
    source: str
    decision: DecisionV1


@contracts.maps(Officer.RestrictionLifted, OfficerRestrictionLiftedV1)
def _lifted(event: Officer.RestrictionLifted, reader: Role) -> OfficerRestrictionLiftedV1:
    return OfficerRestrictionLiftedV1(
        location=event.location,
        source=event.source.value if reader in FULL_VIEW else REDACTED,
        decision=_decision(event.decision, reader, confidential_rationale=True),
    )


class OfficerRestrictionExceptionSupportedV1(Contract):
    TYPE = "Officer.RestrictionExceptionSupported"
    location: str
    decision: DecisionV1


@contracts.maps(Officer.RestrictionExceptionSupported, OfficerRestrictionExceptionSupportedV1)
def _exception_supported(
    event: Officer.RestrictionExceptionSupported, reader: Role
) -> OfficerRestrictionExceptionSupportedV1:
    return OfficerRestrictionExceptionSupportedV1(
        location=event.location,
        decision=_decision(event.decision, reader, confidential_rationale=True),
    )


class OfficerPreferencesStatedV1(Contract):
    TYPE = "Officer.PreferencesStated"
    #: Where the officer would prefer to serve, and (the rationale) why: their own to tell,
    #: so auditors only; withheld from every other reader.
    places: list[str] | str
    decision: DecisionV1


@contracts.maps(Officer.PreferencesStated, OfficerPreferencesStatedV1)
def _preferences(event: Officer.PreferencesStated, reader: Role) -> OfficerPreferencesStatedV1:
    return OfficerPreferencesStatedV1(
        places=list(event.places) if reader in FULL_VIEW else REDACTED,
        decision=_decision(event.decision, reader, confidential_rationale=True),
    )


class OfficerHomeTownExceptionGrantedV1(Contract):
    TYPE = "Officer.HomeTownExceptionGranted"
    decision: DecisionV1


@contracts.maps(Officer.HomeTownExceptionGranted, OfficerHomeTownExceptionGrantedV1)
def _home_town(
    event: Officer.HomeTownExceptionGranted, reader: Role
) -> OfficerHomeTownExceptionGrantedV1:
    return OfficerHomeTownExceptionGrantedV1(
        decision=_decision(event.decision, reader, confidential_rationale=True)
    )


class OfficerProbationReviewedV1(Contract):
    TYPE = "Officer.ProbationReviewed"
    outcome: str
    decision: DecisionV1


@contracts.maps(Officer.ProbationReviewed, OfficerProbationReviewedV1)
def _reviewed(event: Officer.ProbationReviewed, reader: Role) -> OfficerProbationReviewedV1:
    return OfficerProbationReviewedV1(
        outcome=event.outcome, decision=_decision(event.decision, reader)
    )


class OfficerPolicyExceptionGrantedV1(Contract):
    TYPE = "Officer.PolicyExceptionGranted"
    rule: str
    decision: DecisionV1


@contracts.maps(Officer.PolicyExceptionGranted, OfficerPolicyExceptionGrantedV1)
def _policy_exception(
    event: Officer.PolicyExceptionGranted, reader: Role
) -> OfficerPolicyExceptionGrantedV1:
    return OfficerPolicyExceptionGrantedV1(
        rule=event.rule, decision=_decision(event.decision, reader, confidential_rationale=True)
    )


class OfficerPolicyExceptionAppliedV1(Contract):
    TYPE = "Officer.PolicyExceptionApplied"
    rule: str
    case: str


@contracts.maps(Officer.PolicyExceptionApplied, OfficerPolicyExceptionAppliedV1)
def _policy_exception_applied(
    event: Officer.PolicyExceptionApplied, reader: Role
) -> OfficerPolicyExceptionAppliedV1:
    return OfficerPolicyExceptionAppliedV1(rule=event.rule, case=event.case)


class OfficerPlaceOfDutyChangedV1(Contract):
    TYPE = "Officer.PlaceOfDutyChanged"
    location: str
    division: str
    posting_id: str


@contracts.maps(Officer.PlaceOfDutyChanged, OfficerPlaceOfDutyChangedV1)
def _place_changed(event: Officer.PlaceOfDutyChanged, reader: Role) -> OfficerPlaceOfDutyChangedV1:
    return OfficerPlaceOfDutyChangedV1(
        location=event.location, division=event.division, posting_id=str(event.posting_id)
    )


class OfficerPostingOpenedV1(Contract):
    """A posting for the officer is on its way (L1800 3.1.1: one at a time)."""

    TYPE = "Officer.PostingOpened"
    posting_id: str
    kind: str


@contracts.maps(Officer.PostingOpened, OfficerPostingOpenedV1)
def _posting_opened(event: Officer.PostingOpened, reader: Role) -> OfficerPostingOpenedV1:
    return OfficerPostingOpenedV1(posting_id=str(event.posting_id), kind=event.kind.value)


class OfficerPostingClosedV1(Contract):
    """The posting on its way ended before it took effect: withdrawn or set aside."""

    TYPE = "Officer.PostingClosed"
    posting_id: str
    why: str


@contracts.maps(Officer.PostingClosed, OfficerPostingClosedV1)
def _posting_closed(event: Officer.PostingClosed, reader: Role) -> OfficerPostingClosedV1:
    return OfficerPostingClosedV1(posting_id=str(event.posting_id), why=event.why)


# -- postings ----------------------------------------------------------------------------


class PostingDecidedV1(Contract):
    """A posting decision of any kind (L1800 3.3-3.8): what appeals may be lodged against."""

    TYPE = "Posting.Decided"
    kind: str
    officer_id: str
    division: str
    from_location: str
    to_location: str
    posting_date: date | None
    details: dict[str, Any]
    decision: DecisionV1


@contracts.maps(Posting.Decided, PostingDecidedV1)
def _posting_decided(event: Posting.Decided, reader: Role) -> PostingDecidedV1:
    details = jsonable(event.details) if event.details is not None else {}
    # The officer's welfare request and their preferences: auditors only on the feed.
    for private in ("welfare_request", "preferences"):
        if details.get(private) and reader not in FULL_VIEW:
            details[private] = REDACTED
    return PostingDecidedV1(
        kind=event.kind.value,
        officer_id=event.officer_id,
        division=event.division,
        from_location=event.from_location,
        to_location=event.to_location,
        posting_date=event.posting_date,
        details=details,
        decision=_decision(event.decision, reader),
    )


class PostingDateConfirmedV1(Contract):
    TYPE = "Posting.DateConfirmed"
    posting_date: date
    sitting_id: str | None
    decision: DecisionV1


@contracts.maps(Posting.DateConfirmed, PostingDateConfirmedV1)
def _date_confirmed(event: Posting.DateConfirmed, reader: Role) -> PostingDateConfirmedV1:
    return PostingDateConfirmedV1(
        posting_date=event.posting_date,
        sitting_id=str(event.sitting_id) if event.sitting_id else None,
        decision=_decision(event.decision, reader),
    )


class PostingDeferredV1(Contract):
    TYPE = "Posting.Deferred"
    sitting_id: str
    decision: DecisionV1


@contracts.maps(Posting.Deferred, PostingDeferredV1)
def _deferred(event: Posting.Deferred, reader: Role) -> PostingDeferredV1:
    return PostingDeferredV1(
        sitting_id=str(event.sitting_id), decision=_decision(event.decision, reader)
    )


class PostingDelayedV1(Contract):
    TYPE = "Posting.Delayed"
    posting_date: date
    decision: DecisionV1


@contracts.maps(Posting.Delayed, PostingDelayedV1)
def _delayed(event: Posting.Delayed, reader: Role) -> PostingDelayedV1:
    return PostingDelayedV1(
        posting_date=event.posting_date, decision=_decision(event.decision, reader)
    )


class PostingNoticeShortenedV1(_Acted):
    TYPE = "Posting.NoticeShortenedByAgreement"
    agreed_days: int


@contracts.maps(Posting.NoticeShortenedByAgreement, PostingNoticeShortenedV1)
def _shorter_notice(
    event: Posting.NoticeShortenedByAgreement, reader: Role
) -> PostingNoticeShortenedV1:
    return PostingNoticeShortenedV1(
        agreed_days=event.agreed_days, actor_id=event.actor_id, actor_role=event.actor_role.value
    )


class PostingOfficerNotifiedV1(_Acted):
    """The decision given to its recipients. ``starts_appeal_window`` is the outcome
    recorded at the time: this notification started the officer's 14 days to appeal
    (L1800 3.10.1). It is null only for notifications recorded before that outcome was
    kept; for those, ``window_started`` applies the rule of that time."""

    TYPE = "Posting.OfficerNotified"
    notified_at: datetime
    recipients: list[str]
    content: str
    starts_appeal_window: bool | None

    def window_started(self, *, officer_id: str, already_notified: bool) -> bool:
        return notification_started_window(
            self.starts_appeal_window,
            officer_id=officer_id,
            recipients=self.recipients,
            already_notified=already_notified,
        )


@contracts.maps(Posting.OfficerNotified, PostingOfficerNotifiedV1)
def _notified(event: Posting.OfficerNotified, reader: Role) -> PostingOfficerNotifiedV1:
    return PostingOfficerNotifiedV1(
        notified_at=event.notified_at,
        recipients=list(event.recipients),
        content=event.content,
        starts_appeal_window=event.starts_appeal_window,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class PostingMovedV1(Contract):
    TYPE = "Posting.Moved"
    moved_on: date
    decision: DecisionV1


@contracts.maps(Posting.Moved, PostingMovedV1)
def _moved(event: Posting.Moved, reader: Role) -> PostingMovedV1:
    return PostingMovedV1(moved_on=event.moved_on, decision=_decision(event.decision, reader))


class PostingSetAsideV1(Contract):
    """An upheld appeal set the decision aside: cancelled before the move, or reopened for
    reconsideration after it (L1800 3.10.1)."""

    TYPE = "Posting.SetAside"
    appeal_id: str
    effect: str
    decision: DecisionV1


@contracts.maps(Posting.SetAside, PostingSetAsideV1)
def _set_aside(event: Posting.SetAside, reader: Role) -> PostingSetAsideV1:
    return PostingSetAsideV1(
        appeal_id=str(event.appeal_id),
        effect=event.effect,
        decision=_decision(event.decision, reader),
    )


class PostingWithdrawnV1(Contract):
    """Withdrawn before it took effect (L1800 3.1.1): an open appeal against it closes."""

    TYPE = "Posting.Withdrawn"
    decision: DecisionV1


@contracts.maps(Posting.Withdrawn, PostingWithdrawnV1)
def _withdrawn(event: Posting.Withdrawn, reader: Role) -> PostingWithdrawnV1:
    return PostingWithdrawnV1(decision=_decision(event.decision, reader))


# -- reference data and structure ---------------------------------------------------------


class LocationRegisteredV1(_Acted):
    TYPE = "Location.Registered"
    code: str
    name: str
    division: str
    town: str
    lat: float
    lon: float
    kind: str


@contracts.maps(Location.Registered, LocationRegisteredV1)
def _location(event: Location.Registered, reader: Role) -> LocationRegisteredV1:
    return LocationRegisteredV1(
        code=event.code,
        name=event.name,
        division=event.division,
        town=event.town,
        lat=event.point.lat,
        lon=event.point.lon,
        kind=event.kind,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class UnitRegisteredV1(_Acted):
    TYPE = "Unit.Registered"
    code: str
    name: str
    kind: str
    head_id: str | None


@contracts.maps(Unit.Registered, UnitRegisteredV1)
def _unit(event: Unit.Registered, reader: Role) -> UnitRegisteredV1:
    return UnitRegisteredV1(
        code=event.code,
        name=event.name,
        kind=event.kind,
        head_id=event.head_id,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class UnitHeadChangedV1(_Acted):
    TYPE = "Unit.HeadChanged"
    code: str
    head_id: str | None


@contracts.maps(Unit.HeadChanged, UnitHeadChangedV1)
def _unit_head(event: Unit.HeadChanged, reader: Role) -> UnitHeadChangedV1:
    return UnitHeadChangedV1(
        code=event.code,
        head_id=event.head_id,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class EstablishmentStartedV1(Contract):
    TYPE = "Establishment.Started"
    division: str


@contracts.maps(Establishment.Started, EstablishmentStartedV1)
def _establishment(event: Establishment.Started, reader: Role) -> EstablishmentStartedV1:
    return EstablishmentStartedV1(division=event.division)


class EstablishmentTargetSetV1(_Acted):
    TYPE = "Establishment.TargetSet"
    division: str
    category: str
    key: str
    target: int


@contracts.maps(Establishment.TargetSet, EstablishmentTargetSetV1)
def _target(event: Establishment.TargetSet, reader: Role) -> EstablishmentTargetSetV1:
    return EstablishmentTargetSetV1(
        division=event.division,
        category=event.category,
        key=event.key,
        target=event.target,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class PolicySettingsStartedV1(Contract):
    TYPE = "PolicySettings.Started"


@contracts.maps(PolicySettings.Started, PolicySettingsStartedV1)
def _policy(event: PolicySettings.Started, reader: Role) -> PolicySettingsStartedV1:
    return PolicySettingsStartedV1()


class TravelLimitSetV1(Contract):
    TYPE = "PolicySettings.TravelLimitSet"
    limit_km: float
    decision: DecisionV1


@contracts.maps(PolicySettings.TravelLimitSet, TravelLimitSetV1)
def _travel_limit(event: PolicySettings.TravelLimitSet, reader: Role) -> TravelLimitSetV1:
    return TravelLimitSetV1(limit_km=event.limit_km, decision=_decision(event.decision, reader))


class NoticePeriodSetV1(Contract):
    TYPE = "PolicySettings.NoticePeriodSet"
    days: int
    decision: DecisionV1


@contracts.maps(PolicySettings.NoticePeriodSet, NoticePeriodSetV1)
def _notice_period(event: PolicySettings.NoticePeriodSet, reader: Role) -> NoticePeriodSetV1:
    return NoticePeriodSetV1(days=event.days, decision=_decision(event.decision, reader))


# -- delegations, panel, 1068s, batches ------------------------------------------------


class DelegationGrantedV1(Contract):
    TYPE = "Delegation.Granted"
    delegate_id: str
    powers: list[str]
    valid_from: date
    valid_to: date
    decision: DecisionV1


@contracts.maps(Delegation.Granted, DelegationGrantedV1)
def _delegation(event: Delegation.Granted, reader: Role) -> DelegationGrantedV1:
    return DelegationGrantedV1(
        delegate_id=event.delegate_id,
        powers=[p.value for p in event.powers],
        valid_from=event.valid_from,
        valid_to=event.valid_to,
        decision=_decision(event.decision, reader),
    )


class DelegationRevokedV1(Contract):
    TYPE = "Delegation.Revoked"
    decision: DecisionV1


@contracts.maps(Delegation.Revoked, DelegationRevokedV1)
def _revoked(event: Delegation.Revoked, reader: Role) -> DelegationRevokedV1:
    return DelegationRevokedV1(decision=_decision(event.decision, reader))


class DelegationExercisedV1(Contract):
    """A decision relied on the delegation; the decision names it in turn."""

    TYPE = "Delegation.Exercised"
    power: str
    case_id: str
    decided_by: str


@contracts.maps(Delegation.Exercised, DelegationExercisedV1)
def _exercised(event: Delegation.Exercised, reader: Role) -> DelegationExercisedV1:
    return DelegationExercisedV1(
        power=event.power.value, case_id=str(event.case_id), decided_by=event.decided_by
    )


class PanelSittingScheduledV1(_Acted):
    TYPE = "PanelSitting.Scheduled"
    sits_on: date


@contracts.maps(PanelSitting.Scheduled, PanelSittingScheduledV1)
def _sitting(event: PanelSitting.Scheduled, reader: Role) -> PanelSittingScheduledV1:
    return PanelSittingScheduledV1(
        sits_on=event.sits_on, actor_id=event.actor_id, actor_role=event.actor_role.value
    )


class PanelOutcomeRecordedV1(Contract):
    TYPE = "PanelSitting.OutcomeRecorded"
    posting_id: str
    outcome: str


@contracts.maps(PanelSitting.OutcomeRecorded, PanelOutcomeRecordedV1)
def _outcome(event: PanelSitting.OutcomeRecorded, reader: Role) -> PanelOutcomeRecordedV1:
    return PanelOutcomeRecordedV1(posting_id=str(event.posting_id), outcome=event.outcome)


class PanelSittingClosedV1(_Acted):
    TYPE = "PanelSitting.Closed"


@contracts.maps(PanelSitting.Closed, PanelSittingClosedV1)
def _closed(event: PanelSitting.Closed, reader: Role) -> PanelSittingClosedV1:
    return PanelSittingClosedV1(actor_id=event.actor_id, actor_role=event.actor_role.value)


class TransferRequestSubmittedV1(_Acted):
    TYPE = "TransferRequest.Submitted"
    officer_id: str
    division: str
    grounds: str
    #: On welfare grounds: auditors only on the feed (L1800 3.5.1, 3.1.3).
    reasons: str
    roles_sought: list[str]
    locations_sought: list[str]


@contracts.maps(TransferRequest.Submitted, TransferRequestSubmittedV1)
def _submitted(event: TransferRequest.Submitted, reader: Role) -> TransferRequestSubmittedV1:
    welfare = event.grounds == "welfare" and reader not in FULL_VIEW
    return TransferRequestSubmittedV1(
        officer_id=event.officer_id,
        division=event.division,
        grounds=event.grounds,
        reasons=REDACTED if welfare else event.reasons,
        roles_sought=list(event.roles_sought),
        locations_sought=list(event.locations_sought),
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class TransferRequestSupportedV1(Contract):
    TYPE = "TransferRequest.Supported"
    decision: DecisionV1


@contracts.maps(TransferRequest.Supported, TransferRequestSupportedV1)
def _supported(event: TransferRequest.Supported, reader: Role) -> TransferRequestSupportedV1:
    return TransferRequestSupportedV1(
        decision=_decision(event.decision, reader, confidential_rationale=True)
    )


class TransferRequestDeclinedV1(Contract):
    TYPE = "TransferRequest.Declined"
    decision: DecisionV1


@contracts.maps(TransferRequest.Declined, TransferRequestDeclinedV1)
def _declined(event: TransferRequest.Declined, reader: Role) -> TransferRequestDeclinedV1:
    return TransferRequestDeclinedV1(
        decision=_decision(event.decision, reader, confidential_rationale=True)
    )


class TransferRequestFulfilledV1(Contract):
    TYPE = "TransferRequest.Fulfilled"
    posting_id: str


@contracts.maps(TransferRequest.Fulfilled, TransferRequestFulfilledV1)
def _fulfilled(event: TransferRequest.Fulfilled, reader: Role) -> TransferRequestFulfilledV1:
    return TransferRequestFulfilledV1(posting_id=str(event.posting_id))


class BatchResultV1(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    officer_id: str
    posting_id: str | None = None
    refused: list[dict[str, Any]] | None = None


class BatchDecidedV1(Contract):
    """A larger-scale migration decided as one (L1800 3.1.3). Its results name many
    officers and the reasons each was refused: auditors only on the feed."""

    TYPE = "Batch.Decided"
    results: list[BatchResultV1] | str
    decision: DecisionV1


@contracts.maps(Batch.Decided, BatchDecidedV1)
def _batch(event: Batch.Decided, reader: Role) -> BatchDecidedV1:
    return BatchDecidedV1(
        results=(
            [BatchResultV1.model_validate(jsonable(r)) for r in event.results]
            if reader in FULL_VIEW
            else REDACTED
        ),
        decision=_decision(event.decision, reader),
    )


# -- as served before contracts were versioned (version 0), for consumers of a feed that is
#    not yet upgraded: only what appeals reads of them ----------------------------------


class PostingDecidedV0(LegacyContract):
    TYPE = "Posting.Decided"
    kind: str
    officer_id: str
    division: str
    decision: LegacyDecision


class PostingOfficerNotifiedV0(LegacyContract):
    """A notification before its outcome was kept: read with the rule of that time."""

    TYPE = "Posting.OfficerNotified"
    notified_at: datetime
    recipients: list[str]

    def window_started(self, *, officer_id: str, already_notified: bool) -> bool:
        return notification_started_window(
            None,
            officer_id=officer_id,
            recipients=self.recipients,
            already_notified=already_notified,
        )


class PostingWithdrawnV0(LegacyContract):
    TYPE = "Posting.Withdrawn"


class PostingSetAsideV0(LegacyContract):
    TYPE = "Posting.SetAside"
