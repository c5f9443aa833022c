"""Reading another service's event feed over HTTP, as that service's client."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from shared.identity import mint_token
from shared.roles import Role
from shared.settings import ServiceSettings


class FeedError(Exception):
    """The feed answered, but not with a page of events."""


@dataclass(frozen=True)
class FeedRead:
    """One page of a feed: its items, and where to read on from (past events of the types
    not asked for, when the page reached the feed's end)."""

    items: list[dict[str, Any]]
    last_id: int


class FeedClient:
    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        *,
        types: Iterable[str] | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``types``: only the events published as these types, where a follower acts on
        a few of a busy feed's types (the feed then passes over the rest without
        decoding them); every event when None."""
        if isinstance(types, str):
            raise TypeError("types: name each type, not one string of them")
        if types is not None and not (types := list(types)):
            raise ValueError("types: name at least one type, or None for every event")
        self._token = token
        #: As the feed takes them: comma-separated, each once.
        self._types = ",".join(sorted(set(types))) if types is not None else None
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def read(self, *, after: int, limit: int) -> FeedRead:
        params: dict[str, Any] = {"after": after, "limit": limit}
        if self._types is not None:
            params["types"] = self._types
        response = self._http.get(
            "/events", params=params, headers={"Authorization": f"Bearer {self._token()}"}
        )
        if response.status_code != 200:
            raise FeedError(f"feed answered {response.status_code}: {response.text[:200]}")
        page = response.json()
        try:
            return FeedRead(items=page["items"], last_id=int(page["last_id"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise FeedError(f"feed answered a page without items or last_id: {exc}") from None

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
