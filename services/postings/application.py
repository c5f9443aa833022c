"""The postings application: its event store and the records its handlers load. What each
command does is in services.postings.handlers."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import func, select

from services.postings.domain.batch import BatchOutcome, Refusal
from services.postings.domain.delegation import Delegation
from services.postings.domain.details import DETAIL_TYPES
from services.postings.domain.kinds import (
    NoticeMeans,
    PostingKind,
    PostingState,
    Power,
    Rank,
    RestrictionSource,
    WelfareFactor,
)
from services.postings.domain.location import Location, location_aggregate_id
from services.postings.domain.officer import Officer, StatedPreferences, officer_aggregate_id
from services.postings.domain.panel import PanelSitting
from services.postings.domain.policy import POLICY_ID, PolicySettings
from services.postings.domain.posting import Posting
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.rules.s3_1_general import PdrOf, PlaceOfDutyIsRegistered
from services.postings.domain.rules.s3_2_general_postings import Restriction
from services.postings.domain.unit import Unit, unit_id
from services.postings.domain.values import GeoPoint, PdrCycle
from services.postings.projections.tables import kernel as postings_kernel
from services.postings.projections.tables import officers as officers_table
from services.postings.projections.tables import postings as postings_table
from shared.errors import NotFound
from shared.eventstore import LedgerApplication

#: A posting on its way: decided, not yet taken effect, withdrawn or set aside.
OPEN_STATES = (PostingState.AWAITING_DATE.value, PostingState.DATE_CONFIRMED.value)


#: Key in ``Session.info``: the policy settings as this unit of work read them.
_POLICY = "postings.policy"


class PostingsApplication(LedgerApplication):
    name = "Postings"  # the event table is postings_events
    kernel = postings_kernel
    domain_enums: ClassVar[tuple[type[Any], ...]] = (
        NoticeMeans,
        PostingKind,
        PostingState,
        Power,
        Rank,
        RestrictionSource,
        WelfareFactor,
    )
    domain_values: ClassVar[tuple[type[Any], ...]] = (
        GeoPoint,
        PdrCycle,
        BatchOutcome,
        Refusal,
        *DETAIL_TYPES,
        # Held in an officer's snapshot, not in events.
        Restriction,
        StatedPreferences,
    )

    # -- the records -------------------------------------------------------------------------

    #: The records every decision reads and few change (shared.reference_records).
    reference_kinds = (PolicySettings, Location, Unit, Delegation)

    #: An officer gains events for as long as they serve (shared.snapshots).
    snapshot_kinds = (Officer,)

    def officer(self, officer_id: str) -> Officer:
        record_id = officer_aggregate_id(officer_id)
        if self.serialised(record_id):
            self.keyring.read_to_write(officer_id)
        return self.load(record_id, Officer, what="officer", named=officer_id)

    def officer_to_change(self, officer_id: str, *also: UUID) -> Officer:
        """The officer's record for a command that changes it, after this unit of work has
        queued behind any other changing it (and the records ``also`` changed with it): a
        burst of commands on one officer waits its turn rather than losing the race on the
        record's version until it gives up with a 409."""
        self.serialise_on(officer_aggregate_id(officer_id), *also)
        return self.officer(officer_id)

    def location(self, code: str, *, field: str | None = None) -> Location:
        """A registered place of duty. Named by a command's ``field``, one that is not
        registered breaks PlaceOfDutyIsRegistered (a 422 naming the field and the code
        sent); otherwise it is not found (404)."""
        try:
            return self.load(location_aggregate_id(code), Location, what="location", named=code)
        except NotFound:
            if field is None:
                raise
            PlaceOfDutyIsRegistered.refuse(
                f"no place of duty {code!r} is registered", field=field, details={"code": code}
            )

    def posting(self, posting_id: UUID) -> Posting:
        return self.load(posting_id, Posting, what="posting")

    def sitting(self, sitting_id: UUID) -> PanelSitting:
        return self.load(sitting_id, PanelSitting, what="panel sitting")

    def transfer_request(self, request_id: UUID) -> TransferRequest:
        return self.load(request_id, TransferRequest, what="request")

    def delegation(self, delegation_id: UUID) -> Delegation:
        return self.load(delegation_id, Delegation, what="delegation")

    def unit(self, code: str) -> Unit | None:
        try:
            return self.load(unit_id(code), Unit, what="unit", named=code)
        except NotFound:
            return None

    def policy(self) -> PolicySettings:
        # One read, not "is it there?" and then a second to load it: every decision asks,
        # and some twice (the notice period, then the placement checks), so a unit of work
        # keeps what it read; a change it stores is made on that same object.
        kept: dict[str, PolicySettings] = (
            self.db.sessions().info.setdefault(_POLICY, {})
            if self.db.sessions.registry.has()
            else {}
        )
        if "policy" not in kept:
            try:
                kept["policy"] = self.load(POLICY_ID, PolicySettings, what="policy settings")
            except NotFound:
                kept["policy"] = PolicySettings.start(at=self.clock.now())
        return kept["policy"]

    # -- what the read models say -------------------------------------------------------------

    def subordinate_pdrs(self, supervisor_id: str) -> list[PdrOf]:
        """Each subordinate's PDR as the HR system last gave it (a fact of the move)."""
        rows = self.db.sessions().execute(
            select(
                officers_table.c.officer_id,
                officers_table.c.pdr_due_on,
                officers_table.c.pdr_completed_on,
            ).where(officers_table.c.supervisor_id == supervisor_id)
        )
        return [
            PdrOf(
                r.officer_id,
                PdrCycle(r.pdr_due_on, r.pdr_completed_on) if r.pdr_due_on else None,
            )
            for r in rows
        ]

    def postings_before_tracking(self, officer_id: str) -> tuple[UUID | None, int, bool]:
        """For an officer registered before postings were recorded on the officer: the
        posting on its way, how many were decided, and whether one was on appointment, as
        the postings themselves say. Once the officer records its postings (every officer
        registered since), it answers this itself, and its version guards it."""
        column = postings_table.c
        session = self.db.sessions()
        open_posting = session.execute(
            select(column.id)
            .where(column.officer_id == officer_id, column.state.in_(OPEN_STATES))
            .order_by(column.decided_seq, column.id)
            .limit(1)
        ).scalar()
        decided = session.execute(
            select(func.count()).where(column.officer_id == officer_id)
        ).scalar_one()
        on_appointment = session.execute(
            select(func.count()).where(
                column.officer_id == officer_id, column.kind == PostingKind.APPOINTMENT.value
            )
        ).scalar_one()
        return (UUID(open_posting) if open_posting else None, decided, on_appointment > 0)
