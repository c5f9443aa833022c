"""The kinds of things postings' events speak of."""

from __future__ import annotations

from enum import Enum


class PostingKind(Enum):
    """The seven kinds of posting in L1800, each with its own flow."""

    APPOINTMENT = "appointment"  # 3.3.1
    SELECTION = "selection"  # 3.4
    OFFICER_REQUEST = "officer_request"  # 3.5 (1068)
    REDEPLOYMENT = "redeployment"  # 3.6.1
    COMPULSORY = "compulsory"  # 3.7.1-3.7.2
    BEST_INTERESTS = "best_interests"  # 3.7.3
    SENIOR_LEADERSHIP = "senior_leadership"  # 3.8


class Rank(Enum):
    CONSTABLE = "constable"
    SERGEANT = "sergeant"
    INSPECTOR = "inspector"
    CHIEF_INSPECTOR = "chief_inspector"
    SUPERINTENDENT = "superintendent"
    CHIEF_SUPERINTENDENT = "chief_superintendent"


class Power(Enum):
    """Powers the Director of HR holds and may delegate ('or appropriate delegate')."""

    COMPULSORY_POSTING = "compulsory_posting"  # 3.7.1
    TRAVEL_LIMIT = "travel_limit"  # 3.2.1
    PROBATION_HOME_TOWN_EXCEPTION = "probation_home_town_exception"  # 3.3.1
    EXCEPTIONAL_ROI = "exceptional_roi"  # 3.9.2
    SENIOR_POSTING = "senior_posting"  # 3.8.2
    NOTICE_PERIOD = "notice_period"  # 3.7.2


class PostingState(Enum):
    """Where a posting stands: decided, its date confirmed, the officer moved."""

    AWAITING_DATE = "awaiting_date"
    DATE_CONFIRMED = "date_confirmed"
    MOVED = "moved"
    #: Set aside on appeal before the move (L1800 3.10.1).
    CANCELLED = "cancelled"
    #: Set aside on appeal after the move: the posting is to be reconsidered.
    RECONSIDERATION = "reconsideration"
    #: Withdrawn by HR before it took effect (L1800 3.1.1).
    WITHDRAWN = "withdrawn"


class WelfareFactor(Enum):
    """Welfare considerations on record (L1800 3.1.3): sensitive, HR roles only."""

    PRIMARY_CARER = "primary_carer"
    PART_TIME_OR_FLEXIBLE = "part_time_or_flexible"
    RECUPERATIVE_OR_RESTRICTED_DUTIES = "recuperative_or_restricted_duties"
    DISABILITY = "disability"
    OCCUPATIONAL_HEALTH = "occupational_health"


class NoticeMeans(Enum):
    """How a decision was given to the officer: through this system as it was recorded, or
    outside it (a letter handed over, in person, by e-mail or telephone) and recorded after
    (DOMAIN.md, 'Notice given outside the system')."""

    THIS_SYSTEM = "this_system"
    LETTER = "letter"
    IN_PERSON = "in_person"
    EMAIL = "email"
    TELEPHONE = "telephone"


class RestrictionSource(Enum):
    """Who deemed a location unsuitable for an officer (L1800 3.2.2)."""

    PROFESSIONAL_STANDARDS = "professional_standards"
    OFFICER_REQUEST = "officer_request"


SENIOR_RANKS = frozenset({Rank.CHIEF_INSPECTOR, Rank.SUPERINTENDENT, Rank.CHIEF_SUPERINTENDENT})
SUPERVISORY_RANKS = frozenset(Rank) - {Rank.CONSTABLE}
