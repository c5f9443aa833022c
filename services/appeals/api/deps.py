"""Appeals' typed dependencies (Annotated aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.appeals.application import AppealsApplication


def get_application(request: Request) -> AppealsApplication:
    app = request.app.state.runtime.application
    assert isinstance(app, AppealsApplication)
    return app


App = Annotated[AppealsApplication, Depends(get_application)]
