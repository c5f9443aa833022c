"""Appeals' client of the postings service."""

from __future__ import annotations

import httpx

from shared.feed_client import FeedClient, service_token_provider
from shared.settings import AppealsSettings


def postings_feed(
    settings: AppealsSettings, *, transport: httpx.BaseTransport | None = None
) -> FeedClient:
    return FeedClient(settings.postings_url, service_token_provider(settings), transport=transport)
