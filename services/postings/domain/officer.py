"""An officer as postings knows them: reference data written by HR and the HR-system
integration, each change an event; locations deemed unsuitable for them (L1800 3.2.2); and
their place of duty, changed by the postings that take effect."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.postings.domain.kinds import PostingKind, Rank, RestrictionSource, WelfareFactor
from services.postings.domain.rules.l1_2_4_exceptions import OneExceptionWaitingPerRule
from services.postings.domain.rules.s3_2_general_postings import (
    LocationIsRestrictedOnceBySource,
    Restriction,
)
from services.postings.domain.rules.s3_3_appointment import (
    HomeTownExceptionIsGrantedOnce,
    ProbationIsReviewedOnce,
)
from services.postings.domain.rules.s3_7_compulsory import StatedPreferencesNameEachPlaceOnce
from services.postings.domain.values import GeoPoint, PdrCycle
from shared.errors import NotFound, refuse_if
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


#: What an HR change may touch; anything else is refused by the API's schema.
class OfficerChanges(TypedDict, total=False):
    """The officer's details a change may carry: only those given, each with its own type
    (a change names what it changes; the rest stays as it was)."""

    name: str
    rank: Rank
    division: str
    home_town: str | None
    home: GeoPoint | None
    probation_ends_on: date | None
    initial_training_complete: bool
    supervisor_id: str | None
    skills: list[str]
    working_pattern: str
    welfare_factors: list[WelfareFactor]


#: What a change may name: the fields of OfficerChanges.
CHANGEABLE = frozenset(OfficerChanges.__annotations__)


@dataclass(frozen=True)
class StatedPreferences:
    """What the officer last said they would prefer, should they be posted compulsorily
    (L1800 3.7.2): places first choice first, in their own words, and when."""

    places: list[str]
    said: str
    stated_at: datetime
    #: The officer's version at which they said it.
    version: int


# Asked for each decision of the same officers again: a UUID is immutable, so one made
# before is handed out again (the cache is bounded: officer ids come from requests).
@functools.lru_cache(maxsize=16_384)
def officer_aggregate_id(officer_id: str) -> UUID:
    """One aggregate per force officer id, found again from the id alone (so a re-sync from
    the HR system lands on the same officer)."""
    return uuid5(NAMESPACE_URL, f"officer-postings:officer:{officer_id}")


class Officer(Aggregate):
    class Registered(Aggregate.Created):
        officer_id: str
        name: str
        rank: Rank
        division: str
        place_of_duty: str
        appointed_on: date
        home_town: str | None
        home: GeoPoint | None
        probation_ends_on: date | None
        initial_training_complete: bool
        supervisor_id: str | None
        skills: list[str]
        working_pattern: str
        welfare_factors: list[WelfareFactor]
        actor_id: str
        actor_role: Role
        #: The officer's postings are recorded on them as they open and close (version 2).
        tracks_postings: bool

        personal_fields: ClassVar[frozenset[str]] = frozenset(
            {"name", "home_town", "home", "welfare_factors"}
        )
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Registered before postings were recorded on the officer: which of theirs are
            # on their way is known only from the postings themselves.
            state["tracks_postings"] = False

    class DetailsChanged(Aggregate.Event):
        changes: OfficerChanges
        actor_id: str
        actor_role: Role

        personal_fields: ClassVar[frozenset[str]] = frozenset({"changes"})

        def apply(self, aggregate: Officer) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, value)

    class PdrRecorded(Aggregate.Event):
        """The officer's current annual PDR cycle, as the HR system holds it."""

        cycle: PdrCycle
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Officer) -> None:
            aggregate.pdr = self.cycle

    class LocationRestricted(DecisionEvent):
        """A location deemed unsuitable: the rationale of a Professional Standards marking
        is its confidential reason."""

        location: str
        source: RestrictionSource

        def apply(self, aggregate: Officer) -> None:
            aggregate.restrictions[(self.location, self.source)] = Restriction(
                self.location, self.source
            )

    class RestrictionLifted(DecisionEvent):
        """One restriction lifted by whoever recorded it: Professional Standards' marking
        and the officer's own request at the same location are separate (3.2.2)."""

        location: str
        source: RestrictionSource

        def apply(self, aggregate: Officer) -> None:
            aggregate.restrictions.pop((self.location, self.source), None)

    class RestrictionExceptionSupported(DecisionEvent):
        """Professional Standards or the Head of Resourcing supports posting the officer to
        a restricted location in exceptional circumstances (3.2.2); both must."""

        location: str
        #: What was decided (version 2): the restrictions at the location the support
        #: covers, by who recorded them (None in version 1: every one there at the time),
        #: and as whom it was given, Professional Standards or the Head of Resourcing.
        covers: list[RestrictionSource] | None
        supported_as: Role

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 covered every restriction at the location, as its decider's role.
            state["covers"] = None
            state["supported_as"] = state["decision"].actor_role

        def apply(self, aggregate: Officer) -> None:
            for key, old in list(aggregate.restrictions.items()):
                if old.location != self.location:
                    continue
                if self.covers is not None and old.source not in self.covers:
                    continue
                by_psd = old.supported_by_psd or self.supported_as is Role.PSD
                by_hor = old.supported_by_head_of_resourcing or (
                    self.supported_as is Role.HEAD_OF_RESOURCING
                )
                aggregate.restrictions[key] = Restriction(old.location, old.source, by_psd, by_hor)

    class PreferencesStated(DecisionEvent):
        """The officer states their preferences, which are sought and considered before a
        compulsory posting where possible (L1800 3.7.2): the places they would serve at,
        first choice first, and in the rationale what they say about them. A later
        statement replaces the one before; where an officer would rather serve is theirs
        to tell, so it is sealed with their key like the rest of their personal data."""

        places: list[str]

        personal_fields: ClassVar[frozenset[str]] = frozenset({"places"})

        def apply(self, aggregate: Officer) -> None:
            aggregate.preferences = StatedPreferences(
                places=list(self.places),
                said=self.decision.rationale,
                stated_at=self.timestamp,
                version=self.originator_version,
            )

    class HomeTownExceptionGranted(DecisionEvent):
        """The Director of HR (or delegate) determined exceptional circumstances allowing a
        divisional posting to the home town during probation (L1800 3.3.1)."""

        def apply(self, aggregate: Officer) -> None:
            aggregate.home_town_exception = True

    class ProbationReviewed(DecisionEvent):
        """At the end of probation HR Resource Planning reviews the divisional posting:
        confirmed, or changed by a new posting (L1800 3.3.1)."""

        outcome: str  # "confirmed" or "changed"

        def apply(self, aggregate: Officer) -> None:
            aggregate.probation_reviewed = True
            aggregate.review_outcome = self.outcome

    class PolicyExceptionGranted(DecisionEvent):
        """An HR policy owner sets a protocol rule aside for this officer's next case, with
        clear rationale (L1 2.4)."""

        rule: str

        def apply(self, aggregate: Officer) -> None:
            aggregate.exceptions[self.rule] = self.originator_version

    class PolicyExceptionApplied(Aggregate.Event):
        """The exception was relied on by a decision: it served its one case."""

        rule: str
        case: str

        def apply(self, aggregate: Officer) -> None:
            aggregate.exceptions.pop(self.rule, None)

    class PlaceOfDutyChanged(Aggregate.Event):
        """A posting took effect."""

        location: str
        division: str
        posting_id: UUID

        def apply(self, aggregate: Officer) -> None:
            aggregate.place_of_duty = self.location
            aggregate.division = self.division
            if aggregate.open_posting == self.posting_id:
                aggregate.open_posting = None

    class PostingOpened(Aggregate.Event):
        """A posting decision for the officer is on its way. The officer owns the rule that
        one is on its way at a time (L1800 3.1.1): a second decision at once meets this
        one at the officer's version."""

        posting_id: UUID
        kind: PostingKind

        def apply(self, aggregate: Officer) -> None:
            aggregate.open_posting = self.posting_id
            aggregate.postings_decided += 1
            if self.kind is PostingKind.APPOINTMENT:
                aggregate.appointment_posted_here = True

    class PostingClosed(Aggregate.Event):
        """The posting on its way ended before it took effect: withdrawn, or set aside on
        appeal."""

        posting_id: UUID
        #: "withdrawn" or "set_aside".
        why: str

        def apply(self, aggregate: Officer) -> None:
            if aggregate.open_posting == self.posting_id:
                aggregate.open_posting = None

    def __init__(
        self,
        *,
        officer_id: str,
        name: str,
        rank: Rank,
        division: str,
        place_of_duty: str,
        appointed_on: date,
        home_town: str | None,
        home: GeoPoint | None,
        probation_ends_on: date | None,
        initial_training_complete: bool,
        supervisor_id: str | None,
        skills: list[str],
        working_pattern: str,
        welfare_factors: list[WelfareFactor],
        actor_id: str,
        actor_role: Role,
        tracks_postings: bool,
    ) -> None:
        self.officer_id = officer_id
        self.name = name
        self.rank = rank
        self.division = division
        self.place_of_duty = place_of_duty
        self.appointed_on = appointed_on
        self.home_town = home_town
        self.home = home
        self.probation_ends_on = probation_ends_on
        self.initial_training_complete = initial_training_complete
        self.supervisor_id = supervisor_id
        self.skills = skills
        self.working_pattern = working_pattern
        self.welfare_factors = welfare_factors
        self.pdr: PdrCycle | None = None
        #: Keyed by (location, source): a Professional Standards marking and the officer's own
        #: request at one location are recorded, lifted and kept apart (3.2.2).
        self.restrictions: dict[tuple[str, RestrictionSource], Restriction] = {}
        self.preferences: StatedPreferences | None = None
        self.home_town_exception = False
        self.probation_reviewed = False
        self.review_outcome: str | None = None
        #: Unused L1 2.4 exceptions: rule -> the version that granted it.
        self.exceptions: dict[str, int] = {}
        #: Whether the officer's postings are recorded on them (registered at version 2).
        self.tracks_postings = tracks_postings
        #: The posting on its way, if any (L1800 3.1.1), and how many were decided here.
        self.open_posting: UUID | None = None
        self.postings_decided = 0
        self.appointment_posted_here = False

    def snapshot_state(self) -> dict[str, Any]:
        """The fields a snapshot keeps (shared.snapshots): the restrictions as a list, since
        JSON keys are text and these are (location, source) pairs."""
        state = dict(vars(self))
        state["restrictions"] = list(self.restrictions.values())
        return state

    @staticmethod
    def state_from_snapshot(state: dict[str, Any]) -> dict[str, Any]:
        restrictions: list[Restriction] = state["restrictions"]
        return {**state, "restrictions": {(r.location, r.source): r for r in restrictions}}

    @classmethod
    def register(cls, *, at: datetime, **details: Any) -> Officer:
        return cls._create(
            cls.Registered,
            id=officer_aggregate_id(details["officer_id"]),
            timestamp=at,
            tracks_postings=True,
            **details,
        )

    def change(
        self, *, changes: OfficerChanges, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        unknown = set(changes) - CHANGEABLE
        if unknown:
            raise ValueError(f"not changeable: {sorted(unknown)}")
        really = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if really:
            self.trigger_event(
                self.DetailsChanged,
                timestamp=at,
                changes=really,
                actor_id=actor_id,
                actor_role=actor_role,
            )

    def record_pdr(self, *, cycle: PdrCycle, actor_id: str, actor_role: Role, at: datetime) -> None:
        if cycle != self.pdr:
            self.trigger_event(
                self.PdrRecorded,
                timestamp=at,
                cycle=cycle,
                actor_id=actor_id,
                actor_role=actor_role,
            )

    def restrict(
        self, *, location: str, source: RestrictionSource, decision: Decision, at: datetime
    ) -> None:
        if (location, source) in self.restrictions:
            LocationIsRestrictedOnceBySource.refuse(
                f"{location} is already restricted for {self.officer_id}"
            )
        self.trigger_event(
            self.LocationRestricted,
            timestamp=at,
            decision=decision,
            location=location,
            source=source,
        )

    def restricted_at(self, location: str) -> list[Restriction]:
        return [r for r in self.restrictions.values() if r.location == location]

    def lift_restriction(
        self, *, location: str, source: RestrictionSource, decision: Decision, at: datetime
    ) -> None:
        if (location, source) not in self.restrictions:
            raise NotFound(f"there is no such restriction of {location} for {self.officer_id}")
        self.trigger_event(
            self.RestrictionLifted,
            timestamp=at,
            decision=decision,
            location=location,
            source=source,
        )

    def support_exception(self, *, location: str, decision: Decision, at: datetime) -> None:
        if not self.restricted_at(location):
            raise NotFound(f"{location} is not restricted for {self.officer_id}")
        # The support is for posting the officer to this location: it covers every
        # restriction there now, whoever recorded it, and says so.
        covers = sorted(
            (r.source for r in self.restrictions.values() if r.location == location),
            key=lambda source: source.value,
        )
        self.trigger_event(
            self.RestrictionExceptionSupported,
            timestamp=at,
            decision=decision,
            location=location,
            covers=covers,
            supported_as=decision.actor_role,
        )

    def state_preferences(self, *, places: list[str], decision: Decision, at: datetime) -> None:
        """Record what the officer says; saying again exactly what they said last time is
        already recorded, so it changes nothing."""
        refuse_if(StatedPreferencesNameEachPlaceOnce.check(places=places))
        stated = self.preferences
        if stated is not None and (stated.places, stated.said) == (places, decision.rationale):
            return
        self.trigger_event(self.PreferencesStated, timestamp=at, decision=decision, places=places)

    def grant_home_town_exception(self, *, decision: Decision, at: datetime) -> None:
        if self.home_town_exception:
            HomeTownExceptionIsGrantedOnce.refuse(
                f"{self.officer_id} already has a home-town exception"
            )
        self.trigger_event(self.HomeTownExceptionGranted, timestamp=at, decision=decision)

    def review_probation(self, *, outcome: str, decision: Decision, at: datetime) -> None:
        if self.probation_reviewed:
            ProbationIsReviewedOnce.refuse(
                f"{self.officer_id}'s probation posting was already reviewed"
            )
        self.trigger_event(self.ProbationReviewed, timestamp=at, decision=decision, outcome=outcome)

    def grant_exception(self, *, rule: str, decision: Decision, at: datetime) -> None:
        if rule in self.exceptions:
            OneExceptionWaitingPerRule.refuse(
                f"an exception to {rule} for {self.officer_id} is already waiting"
            )
        self.trigger_event(self.PolicyExceptionGranted, timestamp=at, decision=decision, rule=rule)

    def apply_exception(self, *, rule: str, case: str, at: datetime) -> None:
        self.trigger_event(self.PolicyExceptionApplied, timestamp=at, rule=rule, case=case)

    def move_to(self, *, location: str, division: str, posting_id: UUID, at: datetime) -> None:
        self.trigger_event(
            self.PlaceOfDutyChanged,
            timestamp=at,
            location=location,
            division=division,
            posting_id=posting_id,
        )

    def open_a_posting(self, *, posting_id: UUID, kind: PostingKind, at: datetime) -> None:
        self.trigger_event(self.PostingOpened, timestamp=at, posting_id=posting_id, kind=kind)

    def close_the_posting(self, *, posting_id: UUID, why: str, at: datetime) -> None:
        if self.open_posting == posting_id:
            self.trigger_event(self.PostingClosed, timestamp=at, posting_id=posting_id, why=why)
