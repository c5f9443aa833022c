"""A page of a read-model query (shared.api.pagination.fetch_page): the rows asked for with
the total they are a page of, in one statement; a first page of nothing is a total of
nothing, and only a page past the end asks for the total on its own."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, create_engine, event, select
from sqlalchemy.orm import Session

from shared.api.pagination import PageParams, PageQuery, fetch_page
from shared.roles import Role
from tests.support.tokens import bearer

metadata = MetaData()
numbers = Table("numbers", metadata, Column("n", Integer, primary_key=True))


def _pages(
    rows: int, *pages: tuple[int, int], below: int | None = None
) -> list[tuple[list[int], int, int]]:
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
                select(numbers) if below is None else select(numbers).where(numbers.c.n < below),
                order_by=[numbers.c.n],
                paging=PageParams(limit=limit, offset=offset),
                convert=lambda row: int(row["n"]),
            )
            answers.append((page.items, page.total, len(sent)))
    engine.dispose()
    return answers


def test_a_page_holds_its_rows_and_the_total_in_one_statement() -> None:
    assert _pages(5, (2, 0), (2, 4)) == [([0, 1], 5, 1), ([4], 5, 1)]


def test_the_total_counts_what_the_query_selects_not_the_table() -> None:
    assert _pages(10, (2, 0), (2, 2), below=3) == [([0, 1], 3, 1), ([2], 3, 1)]


def test_a_first_page_of_nothing_is_one_statement_and_past_the_end_asks_for_the_total() -> None:
    answers: list[Any] = _pages(0, (10, 0)) + _pages(3, (10, 3), (10, 50))
    assert answers == [([], 0, 1), ([], 3, 2), ([], 3, 2)]
    assert _pages(10, (5, 0), below=0) == [([], 0, 1)]


class _RowArrivesAfterTheFirstRead(Session):
    """A session in which another writer's row lands just after the first statement."""

    arrived = False

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        result = super().execute(*args, **kwargs)
        if not self.arrived:
            self.arrived = True
            super().execute(numbers.insert(), [{"n": 3}])
        return result


def test_a_page_found_empty_while_a_row_arrives_at_its_offset_is_read_again() -> None:
    """Counted apart, the total would take in the row the page missed: an empty page with a
    total past its offset (found by the outside tester, paging while officers were added)."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as setup:
        setup.execute(numbers.insert(), [{"n": n} for n in range(3)])
        setup.commit()
    with _RowArrivesAfterTheFirstRead(engine) as session:
        page = fetch_page(
            session,
            select(numbers),
            order_by=[numbers.c.n],
            paging=PageParams(limit=10, offset=3),
            convert=lambda row: int(row["n"]),
        )
    engine.dispose()
    assert (page.items, page.total) == ([3], 4)


def test_a_kept_page_query_reads_every_page_and_filter_value_with_the_one_statement() -> None:
    """Built once (``PageQuery``), the statement SQLAlchemy runs is the same object at every
    read, whatever the page and the values bound: it is compiled once and its result's
    columns are not matched again to a new statement's."""
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    invoked: list[Any] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda conn, cursor, sql, params, context, many: invoked.append(context.invoked_statement),
    )
    pages = PageQuery(
        select(numbers).where(numbers.c.n < bindparam("below", type_=Integer)), [numbers.c.n]
    )
    with Session(engine) as session:
        session.execute(numbers.insert(), [{"n": n} for n in range(10)])
        invoked.clear()
        read = [
            pages.read(session, PageParams(limit=limit, offset=offset), lambda r: r["n"], values)
            for limit, offset, values in (
                (2, 0, {"below": 5}),
                (2, 4, {"below": 5}),
                (3, 1, {"below": 9}),
            )
        ]
    engine.dispose()
    assert [(p.items, p.total, p.limit, p.offset) for p in read] == [
        ([0, 1], 5, 2, 0),
        ([4], 5, 2, 4),
        ([1, 2, 3], 9, 3, 1),
    ]
    assert len(invoked) == 3
    assert len({id(statement) for statement in invoked}) == 1


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/locations", Role.HR_RESOURCE_PLANNING),
        ("/audit/decisions", Role.AUDITOR),
        ("/audit/decisions?officer_id=B1&outcome=decided", Role.AUDITOR),
    ],
)
def test_a_page_at_the_largest_offset_allowed_is_an_empty_page(
    postings_client: TestClient, path: str, role: Role
) -> None:
    """An offset may be up to 2**62: bound as a 32-bit INTEGER, one past 2**31 - 1 was an
    error from PostgreSQL and a 500 (found by the review)."""
    joiner = "&" if "?" in path else "?"
    for offset in (2**31, 2**62):
        answer = postings_client.get(f"{path}{joiner}offset={offset}&limit=1", headers=bearer(role))
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert (page["items"], page["offset"]) == ([], offset)
