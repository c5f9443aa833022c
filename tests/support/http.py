"""Small helpers for tests that cross real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The JSON body of a response that must have this status."""
    assert response.status_code == status, response.text
    return response.json()


def eventually(check: Callable[[], bool], timeout: float = 120) -> None:
    """Wait for something another service does in the background (a follower catching up),
    with a deadline generous enough for a busy machine: only a condition never met fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("not reached in time")
