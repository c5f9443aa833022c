"""Postings' typed dependencies (Annotated aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.postings.application import PostingsApplication


def get_application(request: Request) -> PostingsApplication:
    app = request.app.state.runtime.application
    assert isinstance(app, PostingsApplication)
    return app


App = Annotated[PostingsApplication, Depends(get_application)]
