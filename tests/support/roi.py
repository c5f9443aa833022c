"""The real ROI service for postings under test, in-process on its own database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from services.postings.clients.roi import RoiClient
from services.roi.main import create_app as create_roi
from shared.clock import Clock
from shared.feed_client import service_token_provider
from shared.settings import PostingsSettings, RoiSettings


@contextmanager
def in_process_roi(database_url: str, *, clock: Clock | None = None) -> Iterator[RoiClient]:
    """Postings' ROI client wired to a live ROI app (no network hop, everything else real)."""
    with TestClient(create_roi(RoiSettings(database_url=database_url), clock=clock)) as http:
        yield RoiClient(http, service_token_provider(PostingsSettings()))
