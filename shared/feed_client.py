"""Reading another service's event feed over HTTP, as that service's client."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx

from shared.identity import mint_token
from shared.roles import Role
from shared.settings import ServiceSettings


class FeedError(Exception):
    """The feed answered, but not with a page of events."""


class FeedClient:
    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def read(self, *, after: int, limit: int) -> list[dict[str, Any]]:
        response = self._http.get(
            "/events",
            params={"after": after, "limit": limit},
            headers={"Authorization": f"Bearer {self._token()}"},
        )
        if response.status_code != 200:
            raise FeedError(f"feed answered {response.status_code}: {response.text[:200]}")
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def close(self) -> None:
        self._http.close()


def service_token_provider(settings: ServiceSettings) -> Callable[[], str]:
    """The bearer token this service presents to the others: the configured one, or (HS256
    development default) one minted for it and renewed before it expires."""
    if settings.service_token is not None:
        fixed = settings.service_token.get_secret_value()
        return lambda: fixed
    lock = threading.Lock()
    cache: dict[str, Any] = {"token": "", "renew_at": 0.0}
    ttl = timedelta(minutes=15)

    def provide() -> str:
        with lock:
            if time.monotonic() >= cache["renew_at"]:
                cache["token"] = mint_token(
                    settings, subject=f"service:{settings.service_name}", role=Role.SERVICE, ttl=ttl
                )
                cache["renew_at"] = time.monotonic() + ttl.total_seconds() / 2
            token: str = cache["token"]
            return token

    return provide
