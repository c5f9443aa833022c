"""What appeals publishes on its feed (version 1 of each), mapped from its events. Postings
follows ``Appeal.Decided``: an upheld appeal sets the posting decision aside.

Grounds, evidence and submissions are the appellant's and the hearing's own words: only
auditors read them on the feed; every other reader sees that they exist."""

from __future__ import annotations

from datetime import date
from typing import Literal

from services.appeals.domain.appeal import Appeal
from services.appeals.domain.appealable_decision import AppealableDecision
from services.appeals.domain.late_permission import LatePermission
from shared.contracts import (
    FULL_VIEW,
    REDACTED,
    Contract,
    ContractMap,
    DecisionV1,
    LegacyContract,
    LegacyDecision,
)
from shared.disposal import PersonalDataDisposal, publish_disposal
from shared.refusals import publish_refusals
from shared.roles import Role

contracts = ContractMap()
publish_disposal(contracts)
publish_refusals(contracts)


def _text(value: str, reader: Role) -> str:
    return value if reader in FULL_VIEW else REDACTED


class AppealLodgedV1(Contract):
    TYPE = "Appeal.Lodged"
    posting_id: str
    officer_id: str
    appellant_id: str
    appellant_role: str
    grounds: str
    deadline: date | None
    late_exception: bool


@contracts.maps(Appeal.Lodged, AppealLodgedV1)
def _lodged(event: Appeal.Lodged, reader: Role) -> AppealLodgedV1:
    return AppealLodgedV1(
        posting_id=str(event.posting_id),
        officer_id=event.officer_id,
        appellant_id=event.appellant_id,
        appellant_role=event.appellant_role.value,
        grounds=_text(event.grounds, reader),
        deadline=event.deadline,
        late_exception=event.late_exception,
    )


class AppealAssignedV1(Contract):
    TYPE = "Appeal.Assigned"
    hearer_id: str
    level: str
    decision: DecisionV1


@contracts.maps(Appeal.Assigned, AppealAssignedV1)
def _assigned(event: Appeal.Assigned, reader: Role) -> AppealAssignedV1:
    return AppealAssignedV1(
        hearer_id=event.hearer_id, level=event.level, decision=DecisionV1.of(event.decision)
    )


class AppealEvidenceAddedV1(Contract):
    TYPE = "Appeal.EvidenceAdded"
    kind: Literal["evidence", "submission"]
    content: str
    actor_id: str
    actor_role: str


@contracts.maps(Appeal.EvidenceAdded, AppealEvidenceAddedV1)
def _evidence(event: Appeal.EvidenceAdded, reader: Role) -> AppealEvidenceAddedV1:
    return AppealEvidenceAddedV1(
        kind=event.kind,
        content=_text(event.content, reader),
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class AppealDecidedV1(Contract):
    """The final outcome (L1800 3.10.1); postings sets the decision aside when upheld."""

    TYPE = "Appeal.Decided"
    posting_id: str
    outcome: Literal["upheld", "dismissed"]
    decision: DecisionV1


@contracts.maps(Appeal.Decided, AppealDecidedV1)
def _decided(event: Appeal.Decided, reader: Role) -> AppealDecidedV1:
    return AppealDecidedV1(
        posting_id=str(event.posting_id),
        outcome=event.outcome,
        decision=DecisionV1.of(event.decision),
    )


class AppealWithdrawnV1(Contract):
    TYPE = "Appeal.Withdrawn"
    actor_id: str
    actor_role: str


@contracts.maps(Appeal.Withdrawn, AppealWithdrawnV1)
def _withdrawn(event: Appeal.Withdrawn, reader: Role) -> AppealWithdrawnV1:
    return AppealWithdrawnV1(actor_id=event.actor_id, actor_role=event.actor_role.value)


class AppealClosedV1(Contract):
    TYPE = "Appeal.Closed"
    reason: Literal["posting_withdrawn", "posting_set_aside"]
    posting_event: int


@contracts.maps(Appeal.Closed, AppealClosedV1)
def _closed(event: Appeal.Closed, reader: Role) -> AppealClosedV1:
    return AppealClosedV1(reason=event.reason, posting_event=event.posting_event)


class LatePermissionGrantedV1(Contract):
    TYPE = "LatePermission.Granted"
    posting_id: str
    appellant_id: str
    decision: DecisionV1


@contracts.maps(LatePermission.Granted, LatePermissionGrantedV1)
def _late(event: LatePermission.Granted, reader: Role) -> LatePermissionGrantedV1:
    return LatePermissionGrantedV1(
        posting_id=str(event.posting_id),
        appellant_id=event.appellant_id,
        decision=DecisionV1.of(event.decision),
    )


class AppealableDecisionOpenedV1(Contract):
    TYPE = "AppealableDecision.Opened"
    posting_id: str


@contracts.maps(AppealableDecision.Opened, AppealableDecisionOpenedV1)
def _held(event: AppealableDecision.Opened, reader: Role) -> AppealableDecisionOpenedV1:
    return AppealableDecisionOpenedV1(posting_id=str(event.posting_id))


class AppealableDecisionAppealLodgedV1(Contract):
    TYPE = "AppealableDecision.AppealLodged"
    appeal_id: str
    appellant_id: str


@contracts.maps(AppealableDecision.AppealLodged, AppealableDecisionAppealLodgedV1)
def _appealed(
    event: AppealableDecision.AppealLodged, reader: Role
) -> AppealableDecisionAppealLodgedV1:
    return AppealableDecisionAppealLodgedV1(
        appeal_id=str(event.appeal_id), appellant_id=event.appellant_id
    )


class AppealableDecisionAppealGivenBackV1(Contract):
    TYPE = "AppealableDecision.AppealGivenBack"
    appeal_id: str
    appellant_id: str


@contracts.maps(AppealableDecision.AppealGivenBack, AppealableDecisionAppealGivenBackV1)
def _given_back(
    event: AppealableDecision.AppealGivenBack, reader: Role
) -> AppealableDecisionAppealGivenBackV1:
    return AppealableDecisionAppealGivenBackV1(
        appeal_id=str(event.appeal_id), appellant_id=event.appellant_id
    )


class AppealableDecisionEndedV1(Contract):
    """The decision was withdrawn or set aside: no appeal is taken against it any more."""

    TYPE = "AppealableDecision.Ended"
    status: Literal["withdrawn", "set_aside"]
    posting_event: int


@contracts.maps(AppealableDecision.Ended, AppealableDecisionEndedV1)
def _ended(event: AppealableDecision.Ended, reader: Role) -> AppealableDecisionEndedV1:
    return AppealableDecisionEndedV1(status=event.status, posting_event=event.posting_event)


class AppealDecidedV0(LegacyContract):
    """An outcome as served before contracts were versioned, for postings following an
    appeals feed not yet upgraded."""

    TYPE = "Appeal.Decided"
    posting_id: str
    outcome: str
    decision: LegacyDecision


__all__ = ["PersonalDataDisposal", "contracts"]
