"""Offset pagination with a page size capped by the service's settings."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from shared.api.problems import ApiProblem

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    request: Request,
    limit: Annotated[int, Query(ge=1, description="Page size, at most the service's cap")] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
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
