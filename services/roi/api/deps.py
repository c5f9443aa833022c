"""ROI's typed dependencies (Annotated aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.roi.application import RoiApplication


def get_application(request: Request) -> RoiApplication:
    app = request.app.state.runtime.application
    assert isinstance(app, RoiApplication)
    return app


App = Annotated[RoiApplication, Depends(get_application)]
