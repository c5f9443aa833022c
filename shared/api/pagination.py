"""Offset pagination with a page size capped by the service's settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from shared.api.problems import ApiProblem

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    request: Request,
    limit: Annotated[int, Query(ge=1, description="Page size, at most the service's cap")] = 50,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> PageParams:
    cap: int = request.app.state.runtime.settings.page_size_max
    if limit > cap:
        raise ApiProblem(
            422,
            "invalid-request",
            f"limit may be at most {cap}",
            errors=[{"field": "query.limit", "message": f"at most {cap}", "type": "too_large"}],
        )
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    limit: int
    offset: int
    total: int


def fetch_page(
    session: Session,
    query: Select[Any],
    *,
    order_by: Sequence[ColumnElement[Any]],
    paging: PageParams,
    convert: Callable[[dict[str, Any]], T],
) -> Page[T]:
    """One page of a read-model query, with the total it is a page of."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    # A page past the end, or of nothing, is known empty from the count: no second round
    # trip (the officer's timeline asks appeals and ROI every time, mostly of nothing).
    rows = (
        session.execute(query.order_by(*order_by).limit(paging.limit).offset(paging.offset)).all()
        if paging.offset < total
        else []
    )
    return Page(
        items=[convert(row._asdict()) for row in rows],
        limit=paging.limit,
        offset=paging.offset,
        total=total,
    )
