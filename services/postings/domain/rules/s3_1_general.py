"""L1800 3.1, general considerations: the normal place of duty and the Director of HR's
final say (3.1.1), the balance of welfare considerations (3.1.3), and a current PDR before
any move (3.1.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from services.postings.domain.kinds import Power, WelfareFactor
from services.postings.domain.values import PdrCycle
from shared.errors import Violation
from shared.rules.base import Rule

if TYPE_CHECKING:
    from services.postings.domain.delegation import Delegation

#: 'due (or will become due within 60 days either side of the likely posting date)'.
PDR_WINDOW = timedelta(days=60)


class OneOpenPostingAtATime(Rule):
    """An officer has one normal place of duty (L1800 3.1.1), so one posting at a time is on
    its way: a second waits until the first has taken effect, been withdrawn or been set
    aside. Owned by the Officer aggregate, which records each posting opened and closed, so
    two decisions at once meet at its version."""

    clause = "L1800 3.1.1"

    @classmethod
    def check(cls, *, open_posting: UUID | None) -> list[Violation]:
        if open_posting is not None:
            return cls.broken(
                "the officer already has a posting on its way; withdraw it first",
                field="officer_id",
                details={"open_postings": [str(open_posting)]},
            )
        return []


class RecordIsRegisteredOnce(Rule):
    """An officer, a place of duty (L1800 3.1.1: a police station or other establishment)
    and a division or department is each registered once, found again from its own code
    (a deterministic id), so two registrations at once leave one."""

    clause = "L1800 3.1.1"
    conflict = True


class PostingNamesRegisteredOfficerAndPlace(Rule):
    """A posting is of a registered officer to a registered place of duty (L1800 3.1.1): in
    a batch, one that names neither is refused on its own while the rest stand."""

    clause = "L1800 3.1.1"


class PlaceOfDutyIsRegistered(Rule):
    """The normal place of duty is a police station or other police establishment (L1800
    3.1.1): an officer is registered at, posted to, restricted from or asks for a place of
    duty that is registered, named by its code."""

    clause = "L1800 3.1.1"


class PostingMustChangePlaceOfDuty(Rule):
    """A posting moves the officer to a new place of duty (L1800 3.1.1: the normal place of
    duty is a police station or other establishment)."""

    clause = "L1800 3.1.1"

    @classmethod
    def check(cls, *, current: str, proposed: str) -> list[Violation]:
        if current == proposed:
            return cls.broken(f"the officer already serves at {current}", field="to_location")
        return []


class PostingIsWithdrawnBeforeItTakesEffect(Rule):
    """The Director of HR's decision is final (L1800 3.1.1) and can be withdrawn only before
    it takes effect: a posting moved, set aside or already withdrawn stays as it is."""

    clause = "L1800 3.1.1"
    conflict = True


class PostingIsCarriedForwardOnlyWhileOnItsWay(Rule):
    """A posting is dated, delayed, notice-shortened or moved only while it is on its way
    (L1800 3.1.1): once it has taken effect, been withdrawn or been set aside, it stands."""

    clause = "L1800 3.1.1"
    conflict = True


class DelegationPeriodMustBeOrdered(Rule):
    """A delegation runs from one date to a later (or the same) date (L1800 3.1.1: the
    Director of HR's powers, delegated for a period)."""

    clause = "L1800 3.1.1"

    @classmethod
    def check(cls, *, valid_from: date, valid_to: date) -> list[Violation]:
        if valid_to < valid_from:
            return cls.broken(
                f"delegation ends ({valid_to}) before it starts ({valid_from})",
                field="valid_to",
            )
        return []


class DelegationMustCoverTheDecision(Rule):
    """A decision taken 'or appropriate delegate' names a delegation from the Director of
    HR that is to this person, covers this power, is in force on the day and is not revoked
    (L1800 3.1.1). A decision relying on it records its use on the delegation itself, so a
    revocation and a decision sent at once meet at the delegation's version: none is taken
    under a delegation revoked before it."""

    clause = "L1800 3.1.1"

    @classmethod
    def check(
        cls, *, delegation: Delegation | None, power: Power, actor_id: str, on: date
    ) -> list[Violation]:
        def refuse(message: str) -> list[Violation]:
            return cls.broken(message, field="delegation_id")

        if delegation is None:
            return refuse(
                "only the Director of HR, or a delegate naming their delegation, may decide"
            )
        if delegation.delegate_id != actor_id:
            return refuse("the delegation named is to someone else")
        if delegation.revoked:
            return refuse("the delegation named has been revoked")
        if power not in delegation.powers:
            return refuse(f"the delegation named does not cover {power.value}")
        if on < delegation.valid_from:
            return refuse(f"the delegation named starts on {delegation.valid_from}")
        if on > delegation.valid_to:
            return refuse(f"the delegation named expired on {delegation.valid_to}")
        return []


class DelegationIsRevokedOnce(Rule):
    """The Director of HR revokes a delegation once (L1800 3.1.1); the delegation aggregate
    owns it, so two revocations at once meet at its version."""

    clause = "L1800 3.1.1"
    conflict = True


class WelfareFactorsMustBeAddressed(Rule):
    """Welfare factors on record are shown to the decider, and the decision says how they
    were considered (L1800 3.1.3). Not a refusal of the posting itself."""

    clause = "L1800 3.1.3"

    @classmethod
    def check(cls, *, factors: list[WelfareFactor], consideration: str | None) -> list[Violation]:
        if factors and not (consideration and consideration.strip()):
            return cls.broken(
                "the officer has welfare factors on record: say how they were considered",
                field="welfare_consideration",
            )
        return []


@dataclass(frozen=True)
class PdrOf:
    """Whose PDR, and its current cycle (None: nothing on record)."""

    officer_id: str
    cycle: PdrCycle | None


def pdr_is_outstanding(cycle: PdrCycle | None, posting_date: date) -> bool:
    """A PDR due within 60 days either side of the posting date and not completed
    (L1800 3.1.4)."""
    if cycle is None or cycle.completed:
        return False
    return abs((cycle.due_on - posting_date).days) <= PDR_WINDOW.days


class PdrMustBeCompletedBeforeTheMove(Rule):
    """The officer's PDR, and for a supervisor every subordinate's PDR, due within 60 days
    either side of the likely posting date must be completed before the move (L1800
    3.1.4). The refusal lists each outstanding PDR."""

    clause = "L1800 3.1.4"

    @classmethod
    def check(
        cls, *, officer: PdrOf, subordinates: list[PdrOf], posting_date: date
    ) -> list[Violation]:
        found = []
        for whose, role in [(officer, "the officer's")] + [
            (s, "a subordinate's") for s in subordinates
        ]:
            if pdr_is_outstanding(whose.cycle, posting_date):
                assert whose.cycle is not None
                found.append(
                    cls.violation(
                        f"{role} PDR ({whose.officer_id}) due {whose.cycle.due_on} is not "
                        f"completed, within 60 days of the posting date {posting_date}",
                        details={
                            "officer_id": whose.officer_id,
                            "due_on": str(whose.cycle.due_on),
                        },
                    )
                )
        return found
