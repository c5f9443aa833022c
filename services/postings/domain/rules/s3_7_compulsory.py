"""L1800 3.7, compulsory / organisational need postings, by the Director of HR or delegate
with the rationale fully documented (3.7.1); preferences sought where possible, reasoning
given and a reasonable notice period, shortened only in agreement with the officer
(3.7.2); and postings in the best interests of the individual or organisation (3.7.3)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from shared.errors import Violation
from shared.rules.base import Rule


class PreferencesMustBeSoughtOrExplained(Rule):
    """Where possible preferences are sought before a compulsory posting; where they were
    not, the decision says why (L1800 3.7.2)."""

    clause = "L1800 3.7.2"

    @classmethod
    def check(
        cls, *, preferences: list[str] | None, not_sought_because: str | None
    ) -> list[Violation]:
        if preferences is None and not (not_sought_because and not_sought_because.strip()):
            return cls.broken(
                "record the officer's preferences, or why they were not sought",
                field="preferences",
            )
        return []


class StatedPreferencesNameEachPlaceOnce(Rule):
    """An officer's preferences (L1800 3.7.2) are places in the order they would choose
    them: a place named twice would make that order say two things at once."""

    clause = "L1800 3.7.2"

    @classmethod
    def check(cls, *, places: list[str]) -> list[Violation]:
        twice = sorted(place for place, times in Counter(places).items() if times > 1)
        if twice:
            return cls.broken(
                f"name each place once: {', '.join(twice)} is given more than once",
                field="places",
            )
        return []


class ReasoningMustBeGiven(Rule):
    """Reasoning for a compulsory posting is given to the officer (L1800 3.7.2)."""

    clause = "L1800 3.7.2"

    @classmethod
    def check(cls, *, reasoning: str | None) -> list[Violation]:
        if not (reasoning and reasoning.strip()):
            return cls.broken(
                "give the officer the reasoning for the posting", field="reasoning_for_officer"
            )
        return []


class NoticePeriodMustBeGiven(Rule):
    """A reasonable notice period is given before a compulsory posting; it may be reduced
    only in agreement with the officer (L1800 3.7.2)."""

    clause = "L1800 3.7.2"

    @classmethod
    def check(
        cls, *, decided_on: date, posting_date: date, notice_days: int, agreed_days: int | None
    ) -> list[Violation]:
        required = notice_days if agreed_days is None else min(notice_days, agreed_days)
        given = (posting_date - decided_on).days
        if given < required:
            agreed = "" if agreed_days is None else f" (the officer agreed to {agreed_days})"
            return cls.broken(
                f"{given} days' notice is less than the {required} required{agreed}; a "
                "shorter period needs the officer's recorded agreement",
                field="posting_date",
            )
        return []


class OnlyTheOfficerAgreesToShorterNotice(Rule):
    """The notice period 'may be reduced in agreement with the organisation and the
    officer' (L1800 3.7.2): the agreement is the officer's own."""

    clause = "L1800 3.7.2"
