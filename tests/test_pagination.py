"""A page of a read-model query (shared.api.pagination.fetch_page): the rows asked for with
the total, and a page past the end known empty from the total, without asking again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, event, select
from sqlalchemy.orm import Session

from shared.api.pagination import PageParams, fetch_page

metadata = MetaData()
numbers = Table("numbers", metadata, Column("n", Integer, primary_key=True))


def _pages(rows: int, *pages: tuple[int, int]) -> list[tuple[list[int], int, int]]:
    """Each page as (items, total, statements sent for it)."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    answers = []
    with Session(engine) as session:
        if rows:
            session.execute(numbers.insert(), [{"n": n} for n in range(rows)])
        for limit, offset in pages:
            sent.clear()
            page = fetch_page(
                session,
                select(numbers),
                order_by=[numbers.c.n],
                paging=PageParams(limit=limit, offset=offset),
                convert=lambda row: int(row["n"]),
            )
            answers.append((page.items, page.total, len(sent)))
    engine.dispose()
    return answers


def test_a_page_holds_its_rows_and_the_total() -> None:
    assert _pages(5, (2, 0), (2, 4)) == [([0, 1], 5, 2), ([4], 5, 2)]


def test_a_page_of_nothing_or_past_the_end_asks_only_for_the_total() -> None:
    answers: list[Any] = _pages(0, (10, 0)) + _pages(3, (10, 3), (10, 50))
    assert answers == [([], 0, 1), ([], 3, 1), ([], 3, 1)]
