"""The services whose logs an auditor reads, as the pages name them, and each one's API
found by that name (the same three the console's composition root builds)."""

from __future__ import annotations

from fastapi import Request

from services.console.clients.api import ServiceApi

SERVICES = {"postings": "Postings", "appeals": "Appeals", "roi": "ROI"}


def service_api(request: Request, service: str) -> ServiceApi:
    api: ServiceApi = getattr(request.app.state.services, service)
    return api
