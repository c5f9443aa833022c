"""What another service's answer means to our caller. A peer that refuses the input we
passed on from our caller (400, 404, 409, 422) refuses our caller: the same status, with
the peer's problem inside ours. Only a peer that cannot be reached, is failing, or
refuses us ourselves (401, 403: our own credentials; 429: our own rate) is unavailable,
and the caller is told to retry (503)."""

from __future__ import annotations

from typing import Any

import httpx

from shared.errors import PeerRefused, Unavailable

#: Statuses by which a peer says the input it was given is at fault.
CALLERS_FAULT = frozenset({400, 404, 409, 422})


def answer_of(response: httpx.Response, *, service: str, what: str) -> Any:
    """The JSON of a 200 answer; otherwise the refusal or unavailability it means."""
    if response.status_code == 200:
        try:
            return response.json()
        except ValueError as exc:
            raise Unavailable(
                f"the {service} service's answer about {what} is not JSON", service=service
            ) from exc
    if response.status_code in CALLERS_FAULT:
        try:
            problem = response.json()
        except ValueError:
            problem = {"status": response.status_code, "detail": response.text[:500]}
        if not isinstance(problem, dict):
            problem = {"status": response.status_code, "detail": str(problem)[:500]}
        detail = problem.get("detail") or f"answered {response.status_code}"
        raise PeerRefused(
            f"the {service} service refused what it was asked about {what}: {detail}",
            service=service,
            status=response.status_code,
            problem=problem,
        )
    raise Unavailable(
        f"the {service} service answered {response.status_code} about {what}", service=service
    )
