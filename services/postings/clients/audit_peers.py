"""Reading the other services' decision histories for the auditor's officer timeline:
appeals and ROI over HTTP, with the auditor's own token, so each service checks the
auditor itself and records the consultation in its own log."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from shared.errors import Unavailable
from shared.kept_gets import KeptGets
from shared.peers import answer_of

PAGE = 100

_clients: dict[tuple[str, float], KeptGets] = {}
_clients_lock = threading.Lock()


def _client(base_url: str, timeout: float) -> KeptGets:
    """One client per peer, kept for the process, with a connection kept per thread (the
    timeline's asking threads are kept too). The caller's token goes with each request,
    never into the client."""
    with _clients_lock:
        client = _clients.get((base_url, timeout))
        if client is None:
            client = _clients[(base_url, timeout)] = KeptGets(base_url, timeout=timeout)
        return client


def officer_decisions(
    service: str, base_url: str, officer_id: str, authorization: str, *, timeout: float
) -> list[dict[str, Any]]:
    """Every decision ``service`` holds about the officer, oldest first. An incomplete
    timeline must not pass for a complete one: any failure is Unavailable."""
    if not base_url:
        raise Unavailable(f"no {service} service is configured for postings", service=service)
    found: list[dict[str, Any]] = []
    try:
        http = _client(base_url, timeout)
        while True:
            response = http.get(
                "/audit/decisions",
                params={"officer_id": officer_id, "limit": PAGE, "offset": len(found)},
                headers={"Authorization": authorization},
            )
            page = answer_of(response, service=service, what=f"officer {officer_id}'s decisions")
            found.extend(page["items"])
            if not page["items"] or len(found) >= page["total"]:
                return found
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise Unavailable(
            f"the {service} service cannot give its decisions: {exc}", service=service
        ) from exc
