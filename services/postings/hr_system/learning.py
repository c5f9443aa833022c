"""Course completions from SuccessFactors Learning into the ROI service (issue 7): for each
ROI commitment still awaiting its course's completion, read the officer's learning history
for that course and, once completed, record the completion in ROI, whose ROI period then
runs from that date (L1800 3.9.2). ROI owns commitments, so the integration records the
completion through ROI's own API, as the integration.

Learning is its own API: OData v4 under ``/learning/odatav4/public/user/learningHistory``,
called with Learning's own token (KBA 2558226). Its ``$filter`` is mandatory, uses
``criteria/…`` with ``eq`` only, and with an admin token must name the learner as
``criteria/targetUserID`` (KBA 2814035, 2846276): it gives one learner's history a call,
so the course is picked out here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from services.postings.hr_system.odata import ODataClient, quoted
from shared.errors import Unavailable

LEARNING_HISTORY = "learning/odatav4/public/user/learningHistory/v1/learninghistorys"
COMPLETE = "COMPLETE"


class RoiCommitments:
    """The part of ROI's API the integration uses."""

    def __init__(self, base_url: str, token: Callable[[], str], *, timeout: float) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout)
        self._token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token()}"}

    def awaiting_completion(self) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            try:
                response = self._http.get(
                    "/commitments",
                    params={"state": "enrolled", "limit": 100, "offset": offset},
                    headers=self._headers(),
                )
            except httpx.HTTPError as exc:
                raise Unavailable(f"ROI cannot list commitments: {exc}", service="roi") from exc
            if response.status_code != 200:
                raise Unavailable(f"ROI answered {response.status_code}", service="roi")
            page = response.json()
            yield from page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def record_completion(self, commitment: dict[str, Any], completed_on: str) -> int:
        response = self._http.post(
            f"/commitments/{commitment['id']}/completion",
            json={"completed_on": completed_on},
            headers={
                **self._headers(),
                # One completion per commitment version: a repeat replays, never re-records.
                "Idempotency-Key": f"learning:{commitment['id']}:{commitment['version']}",
                "If-Match": f'"{commitment["version"]}"',
            },
        )
        return response.status_code

    def close(self) -> None:
        self._http.close()


def completed_on(history: list[dict[str, Any]]) -> str | None:
    """The date the course was completed, if it was (Learning sends milliseconds)."""
    done = [h for h in history if h.get("completionStatusID") == COMPLETE]
    if not done:
        return None
    latest = max(int(h["completionDate"]) for h in done)
    return datetime.fromtimestamp(latest / 1000, tz=UTC).date().isoformat()


def sync_completions(
    learning: ODataClient, roi: RoiCommitments
) -> tuple[int, list[dict[str, str]]]:
    """Record every completion Learning knows of and ROI does not; returns how many were
    recorded and the problems met. One call to Learning per learner, whatever the number
    of their commitments."""
    recorded, problems = 0, []
    by_officer: dict[str, list[dict[str, Any]]] = {}
    for commitment in roi.awaiting_completion():
        by_officer.setdefault(commitment["officer_id"], []).append(commitment)
    for officer, commitments in sorted(by_officer.items()):
        history = list(
            learning.read_v4(LEARNING_HISTORY, filter=f"criteria/targetUserID eq {quoted(officer)}")
        )
        for commitment in commitments:
            course = [h for h in history if h.get("componentID") == commitment["course_code"]]
            when = completed_on(course)
            if when is None:
                continue
            status = roi.record_completion(commitment, when)
            if status == 200:
                recorded += 1
            else:
                problems.append({"officer_id": officer, "problem": f"ROI answered {status}"})
    return recorded, problems
