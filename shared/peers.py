"""What another service's answer means to our caller. A peer that refuses the input we
passed on from our caller (400, 404, 409, 422) refuses our caller: the same status, with
the peer's problem inside ours. Only a peer that cannot be reached, is failing, or
refuses us ourselves (401, 403: our own credentials; 429: our own rate) is unavailable,
and the caller is told to retry (503). So is a 4xx that is not a problem of the peer's own
(an HTML page from a proxy or a wrong address): that is our fault, not our caller's."""

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
        # JSON nested past the interpreter's depth is refused as RecursionError, not
        # ValueError: no answer either (found by the outside tester, a 500 before).
        except (ValueError, RecursionError) as exc:
            raise Unavailable(
                f"the {service} service's answer about {what} is not JSON", service=service
            ) from exc
    problem = _problem_of(response)
    if response.status_code in CALLERS_FAULT and problem is not None:
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


#: What of a peer's problem is passed on, each text cut to a length a caller can read.
PASSED_ON = ("type", "title", "status", "detail", "rule", "clause", "violations", "errors")
MAX_TEXT = 2000
MAX_ITEMS = 20


def _problem_of(response: httpx.Response) -> dict[str, Any] | None:
    """The peer's RFC 9457 problem, trimmed; None when the answer is not one (an HTML page
    from a proxy or a wrong address is a fault of ours, not our caller's: 503)."""
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    try:
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return None
        return {k: _trimmed(body[k]) for k in PASSED_ON if k in body}
    except (ValueError, RecursionError):  # nested past the interpreter's depth: no problem
        return None


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, list):
        return [_trimmed(v) for v in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {str(k)[:MAX_TEXT]: _trimmed(v) for k, v in list(value.items())[:MAX_ITEMS]}
    return value
