"""L1800 3.3.1, postings on appointment: first to Kent Police College; after initial
training, a divisional posting, not to the home town during probation unless the Director
of HR (or delegate) determines exceptional circumstances; at the end of probation HR
Resource Planning reviews it, and only then may the officer ask for a transfer or be posted
on selection."""

from __future__ import annotations

from datetime import date

from shared.errors import Violation
from shared.rules.base import Rule


class FirstPostingIsToTheCollege(Rule):
    """On appointment, all officers are posted to Kent Police College (L1800 3.3.1)."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(cls, *, location_kind: str) -> list[Violation]:
        if location_kind != "college":
            return cls.broken(
                "on appointment an officer is posted to the police college", field="to_location"
            )
        return []


class CollegePostingIsOnAppointment(Rule):
    """The college posting is the one made on appointment, before initial training (L1800
    3.3.1); an officer already posted or trained is posted by another kind."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(cls, *, earlier_postings: int, trained: bool) -> list[Violation]:
        if earlier_postings or trained:
            return cls.broken(
                "the college posting is made on appointment, before any other posting "
                "and before initial training is complete",
                field="officer_id",
            )
        return []


class InitialTrainingMustBeComplete(Rule):
    """Officers are posted to a division once they have completed their initial training
    at the college (L1800 3.3.1)."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(cls, *, complete: bool) -> list[Violation]:
        if not complete:
            return cls.broken("the officer has not completed initial training at the college")
        return []


class DivisionalPostingIsForTheProbation(Rule):
    """The divisional posting on appointment is made during probation; after it, only the
    review at its end may change it (L1800 3.3.1). Later moves are other kinds of posting."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(
        cls, *, probation_ends_on: date | None, on: date, reviewed: bool, review_outcome: str | None
    ) -> list[Violation]:
        if probation_ends_on is not None and on <= probation_ends_on:
            return []
        if reviewed and review_outcome == "changed":
            return []
        message = (
            "the officer has no probation on record: post them by another kind"
            if probation_ends_on is None
            else "probation has ended: the divisional posting changes only through its review"
            if not reviewed
            else "the review confirmed the divisional posting; post them by another kind"
        )
        return cls.broken(message, field="officer_id")


class ProbationPostingMustNotBeToHomeTown(Rule):
    """During probation the divisional posting is not to the officer's home town, unless the
    Director of HR (or delegate) determines exceptional circumstances (L1800 3.3.1).
    Probation runs to the end of ``probation_ends_on``."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(
        cls,
        *,
        probation_ends_on: date | None,
        home_town: str | None,
        destination_town: str,
        posting_date: date,
        exception_granted: bool,
    ) -> list[Violation]:
        in_probation = probation_ends_on is not None and posting_date <= probation_ends_on
        same_town = home_town is not None and home_town.casefold() == destination_town.casefold()
        if in_probation and same_town and not exception_granted:
            return cls.broken(
                f"in probation until {probation_ends_on}, the officer may not be posted "
                "to their home town without the Director of HR's exception",
                field="to_location",
            )
        return []


class HomeTownExceptionIsGrantedOnce(Rule):
    """The Director of HR's exceptional circumstances for a probationer's home town (L1800
    3.3.1) are determined once for the officer."""

    clause = "L1800 3.3.1"
    conflict = True


class ProbationIsReviewedOnce(Rule):
    """HR Resource Planning reviews the divisional posting once, at the end of probation
    (L1800 3.3.1)."""

    clause = "L1800 3.3.1"
    conflict = True


def _after_probation(
    rule: type[Rule],
    *,
    probation_ends_on: date | None,
    on: date,
    what: str,
    awaiting_review: bool,
) -> list[Violation]:
    """'Upon conclusion of the officer's probation period, the HR Resource Planning team will
    review ... Once officers have completed their probation, they are eligible' (L1800
    3.3.1; DOMAIN.md: 'only then')."""
    if probation_ends_on is not None and on <= probation_ends_on:
        return rule.broken(f"{what} waits for the end of probation on {probation_ends_on}")
    if awaiting_review:
        return rule.broken(
            f"{what} waits for HR Resource Planning's review of the divisional posting at "
            "the end of probation"
        )
    return []


class TransferRequestsFollowProbation(Rule):
    """Once officers have completed their probation they are eligible to apply for a
    transfer (L1800 3.3.1, 3.5); where the divisional posting was made here, after its
    review too."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(
        cls, *, probation_ends_on: date | None, on: date, awaiting_review: bool
    ) -> list[Violation]:
        return _after_probation(
            cls,
            probation_ends_on=probation_ends_on,
            on=on,
            what="a transfer request",
            awaiting_review=awaiting_review,
        )


class SelectionFollowsProbation(Rule):
    """Once officers have completed their probation they may be posted when successful at a
    selection process (L1800 3.3.1); where the divisional posting was made here, after its
    review too."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(
        cls, *, probation_ends_on: date | None, on: date, awaiting_review: bool
    ) -> list[Violation]:
        return _after_probation(
            cls,
            probation_ends_on=probation_ends_on,
            on=on,
            what="a posting on selection",
            awaiting_review=awaiting_review,
        )


class ProbationReviewFollowsTheEndOfProbation(Rule):
    """'Upon conclusion of the officer's probation period, the HR Resource Planning team will
    review the divisional postings' (L1800 3.3.1): not before."""

    clause = "L1800 3.3.1"

    @classmethod
    def check(cls, *, probation_ends_on: date | None, on: date) -> list[Violation]:
        return _after_probation(
            cls,
            probation_ends_on=probation_ends_on,
            on=on,
            what="the review of the divisional posting",
            awaiting_review=False,
        )
