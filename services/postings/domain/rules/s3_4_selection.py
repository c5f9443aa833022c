"""L1800 3.4, postings on selection: the appointment confirmed in writing to the officer and
their local SLT, HR Resource Planning notified at once (3.4.1); every posting date confirmed
by the monthly Resourcing Deployment Panel, or exceptionally by the Head of Resourcing
outside it (3.4.2); and a posting delayed for organisational need (3.4.3)."""

from __future__ import annotations

from shared.errors import Violation
from shared.rules.base import Rule


class SelectionMustBeConfirmedInWriting(Rule):
    """An appointment on selection is confirmed in writing to the officer and their local
    SLT by whoever managed the selection process (L1800 3.4.1)."""

    clause = "L1800 3.4.1"

    @classmethod
    def check(
        cls, *, selection_process: str | None, slt_recipients: list[str] | None
    ) -> list[Violation]:
        found = []
        if not (selection_process and selection_process.strip()):
            found.append(
                cls.violation(
                    "name the selection process the appointment was decided in",
                    field="selection_process",
                )
            )
        if not slt_recipients:
            found.append(
                cls.violation(
                    "name the officer's local SLT, who are told in writing", field="slt_recipients"
                )
            )
        return found


class DateOutsideASittingMustBeExceptional(Rule):
    """All posting dates are confirmed by the monthly Resourcing Deployment Panel; only in
    exceptional circumstances does the Head of Resourcing set one outside it (L1800
    3.4.2)."""

    clause = "L1800 3.4.2"

    @classmethod
    def check(cls, *, exceptional_rationale: str | None) -> list[Violation]:
        if not (exceptional_rationale and exceptional_rationale.strip()):
            return cls.broken(
                "a date set outside a panel sitting needs the exceptional circumstances",
                field="exceptional_circumstances",
            )
        return []


class OneOutcomePerPostingPerSitting(Rule):
    """A sitting of the Resourcing Deployment Panel (L1800 3.4.2) decides a posting once:
    its date confirmed, or deferred. Owned by the sitting aggregate, saved with the
    posting, so two outcomes at once meet at their versions."""

    clause = "L1800 3.4.2"
    conflict = True


class SittingIsOpen(Rule):
    """A panel sitting decides postings until it closes (L1800 3.4.2); a closed one decides
    nothing more and closes once."""

    clause = "L1800 3.4.2"
    conflict = True


class PostingDateIsConfirmedOnce(Rule):
    """A posting's date is confirmed once, by the panel or the Head of Resourcing (L1800
    3.4.2); afterwards it moves only by a delay (3.4.3)."""

    clause = "L1800 3.4.2"
    conflict = True


class DelayMovesTheDateLater(Rule):
    """A posting on selection may be delayed to meet organisational need (L1800 3.4.3): a
    delay moves a confirmed date later."""

    clause = "L1800 3.4.3"
    conflict = True


class DateIsConfirmedBeforeTheMove(Rule):
    """All posting dates are confirmed by the panel (L1800 3.4.2): the officer moves once
    the date is confirmed."""

    clause = "L1800 3.4.2"
    conflict = True


class PostingIsOnlyDeferredWhileAwaitingItsDate(Rule):
    """The panel defers setting a date it has not yet confirmed (L1800 3.4.2-3.4.3)."""

    clause = "L1800 3.4.2"
    conflict = True
