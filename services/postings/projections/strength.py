"""Strength against establishment per division, by rank and by scarce skill: now, and
projected once the planned postings (decided, not yet moved) take effect (L1800 3.1.2)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from services.postings.projections.tables import establishment, officers, postings

PLANNED = ("awaiting_date", "date_confirmed")


@dataclass(frozen=True)
class StrengthRow:
    division: str
    category: str  # "rank" or "skill"
    key: str
    target: int | None
    now: int
    projected: int


def _counts_for(division: str, rank: str, skills: list[str]) -> list[tuple[str, str, str]]:
    return [(division, "rank", rank)] + [(division, "skill", skill) for skill in skills]


def strength(session: Session, division: str | None = None) -> list[StrengthRow]:
    people = {
        r.officer_id: (r.division, r.rank, json.loads(r.skills))
        for r in session.execute(
            select(officers.c.officer_id, officers.c.division, officers.c.rank, officers.c.skills)
        )
    }
    now: Counter[tuple[str, str, str]] = Counter()
    for div, rank, skills in people.values():
        now.update(_counts_for(div, rank, skills))
    projected = Counter(now)
    planned = session.execute(
        select(postings.c.officer_id, postings.c.division).where(postings.c.state.in_(PLANNED))
    )
    for officer_id, destination in planned:
        if officer_id not in people:
            continue
        origin, rank, skills = people[officer_id]
        projected.subtract(_counts_for(origin, rank, skills))
        projected.update(_counts_for(destination, rank, skills))
    targets = {
        (r.division, r.category, r.key): r.target for r in session.execute(select(establishment))
    }
    keys = set(now) | set(projected) | set(targets)
    return [
        StrengthRow(d, c, k, targets.get((d, c, k)), now[(d, c, k)], projected[(d, c, k)])
        for d, c, k in sorted(keys)
        if division is None or d == division
    ]


def _strength_at_both_ends() -> Select[tuple[int | None, ...]]:
    """One statement for the four figures at each end of a move, the officer's division
    and the destination's (one round trip, built once: every posting decision runs it).

    The planned postings of the rank are gathered first, once for both ends, as a
    materialised set: left to choose, a planner with stale statistics (nothing may analyse
    the tables between a burst of postings and the next decision) walked every officer of
    the division and searched the postings for each, 192 ms at 15,600 officers and 2,165
    planned postings, where gathering them costs 5 to 9 ms with or without statistics."""
    rank = bindparam("rank", type_=String)
    planned = (
        select(
            postings.c.division.label("to_division"),
            officers.c.division.label("from_division"),
        )
        .select_from(postings.join(officers, officers.c.officer_id == postings.c.officer_id))
        .where(postings.c.state.in_(PLANNED), officers.c.rank == rank)
        .cte("planned")
        .prefix_with("MATERIALIZED")
    )

    def figures(end: str) -> list[Any]:
        division = bindparam(end, type_=String)

        def count_planned(where: Any) -> Any:
            return select(func.count()).select_from(planned).where(where).scalar_subquery()

        return [
            select(func.count())
            .select_from(officers)
            .where(officers.c.division == division, officers.c.rank == rank)
            .scalar_subquery()
            .label(f"{end}_now"),
            count_planned(planned.c.from_division == division).label(f"{end}_leaving"),
            count_planned(planned.c.to_division == division).label(f"{end}_joining"),
            select(establishment.c.target)
            .where(
                establishment.c.division == division,
                establishment.c.category == "rank",
                establishment.c.key == rank,
            )
            .scalar_subquery()
            .label(f"{end}_target"),
        ]

    return select(*figures("origin"), *figures("destination"))


_STRENGTH_AT_BOTH_ENDS = _strength_at_both_ends()


def strength_facts(
    session: Session, rank: str, origin: str, destination: str
) -> dict[str, dict[str, int | None]]:
    """What a posting decision shows of the strength at the officer's rank in the division
    they leave (``origin``) and the one they join (``destination``): the same figures as
    ``strength``, counted by the database for these divisions and this rank alone, since
    every decision asks it (the whole table would cost a decision ~100 ms at a force's
    size)."""
    row = (
        session.execute(
            _STRENGTH_AT_BOTH_ENDS, {"rank": rank, "origin": origin, "destination": destination}
        )
        .one()
        ._mapping
    )
    return {
        end: {
            "target": row[f"{end}_target"],
            "now": row[f"{end}_now"],
            "projected": row[f"{end}_now"] - row[f"{end}_leaving"] + row[f"{end}_joining"],
        }
        for end in ("destination", "origin")
    }
