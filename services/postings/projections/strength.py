"""Strength against establishment per division, by rank and by scarce skill: now, and
projected once the planned postings (decided, not yet moved) take effect (L1800 3.1.2)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, delete, func, insert, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Insert, Select

from services.postings.projections.tables import (
    establishment,
    officers,
    postings,
    strength_counts,
)
from shared.compiled_once import CompiledOnce

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

    The figures are sums of ``strength_counts``, which the database keeps as officers and
    postings change (migration 0017), over the slots of the division and rank: a few rows
    whatever the force's size. Counting them here from the officers and the planned
    postings cost PostgreSQL 10 ms a decision at 28,500 officers and 4,600 planned
    postings, most of what the database spent on a decision."""
    rank = bindparam("rank", type_=String)

    def figures(end: str) -> list[Any]:
        division = bindparam(end, type_=String)

        def summed(column: Any) -> Any:
            return (
                select(func.coalesce(func.sum(column), 0))
                .where(strength_counts.c.division == division, strength_counts.c.rank == rank)
                .scalar_subquery()
            )

        return [
            summed(strength_counts.c.now).label(f"{end}_now"),
            summed(strength_counts.c.leaving).label(f"{end}_leaving"),
            summed(strength_counts.c.joining).label(f"{end}_joining"),
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


_STRENGTH_AT_BOTH_ENDS = CompiledOnce(_strength_at_both_ends())


def _counted_afresh() -> Insert:
    """``strength_counts`` from the tables as they are, in slot 0: what the triggers keep,
    counted at once (after a rebuild, which replays with the triggers paused)."""

    planned = postings.join(officers, officers.c.officer_id == postings.c.officer_id)
    contributions = union_all(
        select(
            officers.c.division.label("division"),
            officers.c.rank.label("rank"),
            literal(1).label("now"),
            literal(0).label("leaving"),
            literal(0).label("joining"),
        ),
        select(officers.c.division, officers.c.rank, literal(0), literal(1), literal(0))
        .select_from(planned)
        .where(postings.c.state.in_(PLANNED)),
        select(postings.c.division, officers.c.rank, literal(0), literal(0), literal(1))
        .select_from(planned)
        .where(postings.c.state.in_(PLANNED)),
    ).subquery("contributions")
    c = contributions.c
    return insert(strength_counts).from_select(
        ["division", "rank", "slot", "now", "leaving", "joining"],
        select(
            c.division,
            c.rank,
            literal(0),
            func.sum(c.now),
            func.sum(c.leaving),
            func.sum(c.joining),
        ).group_by(c.division, c.rank),
    )


_COUNTED_AFRESH = _counted_afresh()


def recount(session: Session) -> None:
    """Counts the strength afresh: at the end of a rebuild, which replays with the
    triggers that keep the counts paused (shared.rebuild)."""
    session.execute(delete(strength_counts))
    session.execute(_COUNTED_AFRESH)


def strength_facts(
    session: Session, rank: str, origin: str, destination: str
) -> dict[str, dict[str, int | None]]:
    """What a posting decision shows of the strength at the officer's rank in the division
    they leave (``origin``) and the one they join (``destination``): the same figures as
    ``strength``, counted by the database for these divisions and this rank alone, since
    every decision asks it (the whole table would cost a decision ~100 ms at a force's
    size)."""
    row = (
        _STRENGTH_AT_BOTH_ENDS.run(
            session, {"rank": rank, "origin": origin, "destination": destination}
        )
        .one()
        ._asdict()
    )
    return {
        end: {
            "target": row[f"{end}_target"],
            "now": row[f"{end}_now"],
            "projected": row[f"{end}_now"] - row[f"{end}_leaving"] + row[f"{end}_joining"],
        }
        for end in ("destination", "origin")
    }
