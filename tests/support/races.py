"""Requests that race: many sent over real HTTP at the same instant, each on its own
connection with its own Idempotency-Key, and what the services answered and logged."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Table, create_engine, func, or_, select

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Call:
    """One request of a race: a POST (or ``method``) to ``path`` on the service at
    ``base_url``."""

    base_url: str
    path: str
    json: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"


def all_at_once(calls: Sequence[Call], *, timeout: float = 60) -> list[httpx.Response]:
    """Send every call at the same instant and return the answers in the calls' order.

    Each call runs on its own thread and connection, with a distinct Idempotency-Key (so no
    answer is a replay of another). The connections are opened first and the requests
    released together by a barrier: otherwise they would leave in the order their threads
    started and TCP handshakes finished, and might not overlap at all."""
    barrier = threading.Barrier(len(calls))
    race = uuid.uuid4().hex[:12]

    def send(index: int, call: Call) -> httpx.Response:
        with httpx.Client(base_url=call.base_url, timeout=timeout) as http:
            http.get("/healthz").raise_for_status()
            headers = {**call.headers, "Idempotency-Key": f"race-{race}-{index}"}
            # Bounded, so that one thread failing before the barrier breaks it for the
            # others instead of leaving them waiting for ever.
            barrier.wait(timeout=timeout)
            return http.request(call.method, call.path, json=call.json, headers=headers)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(send, index, call) for index, call in enumerate(calls)]
        return [future.result() for future in futures]


def rule_of(response: httpx.Response) -> str | None:
    """The ``rule`` a problem body names (None for a success or a body without one)."""
    if not response.headers.get("content-type", "").startswith(PROBLEM_JSON):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    rule = body.get("rule") if isinstance(body, dict) else None
    return rule if isinstance(rule, str) else None


def summary(responses: Sequence[httpx.Response]) -> str:
    """The answers counted by status and rule, with one detail of each kind: what a failed
    assertion prints, so the failure says what the services did."""
    counts: Counter[tuple[int, str | None]] = Counter()
    examples: dict[tuple[int, str | None], str] = {}
    for response in responses:
        kind = (response.status_code, rule_of(response))
        counts[kind] += 1
        if kind not in examples and not response.is_success:
            examples[kind] = str(_detail(response))[:160]
    parts = []
    for (status, rule), n in sorted(
        counts.items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        named = f" rule={rule}" if rule else " (no rule)" if status >= 400 else ""
        example = f" e.g. {examples[(status, rule)]!r}" if (status, rule) in examples else ""
        parts.append(f"{n}x {status}{named}{example}")
    return "; ".join(parts)


def _detail(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return response.text
    return body.get("detail", body) if isinstance(body, dict) else body


def refusal_faults(
    responses: Sequence[httpx.Response], *, rule: str, statuses: Sequence[int]
) -> list[str]:
    """Why any refusal among ``responses`` is not the one wanted: a status outside
    ``statuses``, a body that is not an RFC 9457 problem, or one not naming ``rule``."""
    faults = []
    for response in responses:
        if response.is_success:
            continue
        if response.status_code not in statuses:
            faults.append(f"a {response.status_code} is not one of {sorted(statuses)}")
        elif not response.headers.get("content-type", "").startswith(PROBLEM_JSON):
            faults.append(f"a {response.status_code} is not {PROBLEM_JSON}")
        elif rule_of(response) != rule:
            faults.append(f"a {response.status_code} names rule {rule_of(response)!r}, not {rule}")
    return sorted(set(faults))


def assert_only_one(
    responses: Sequence[httpx.Response],
    *,
    rule: str,
    logged: int,
    statuses: Sequence[int] = (409, 422),
) -> httpx.Response:
    """Exactly one answer succeeded, every other is a problem naming ``rule``, and the log
    holds exactly one matching event (``logged``); returns the success. Every fault is
    reported at once, with the answers counted."""
    successes = [r for r in responses if r.is_success]
    faults = []
    if len(successes) != 1:
        faults.append(f"{len(successes)} of {len(responses)} succeeded, not exactly 1")
    faults += refusal_faults(responses, rule=rule, statuses=statuses)
    if any(r.headers.get("Idempotent-Replayed") for r in responses):
        faults.append("an answer was a replay, though every key was distinct")
    if logged != 1:
        faults.append(f"{logged} matching events were logged, not exactly 1")
    assert not faults, "; ".join(faults) + f". Answers: {summary(responses)}"
    return successes[0]


def log_head(database_url: str, events: Table) -> int:
    """The position of the last event in a service's log (0 when it is empty)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one())
    finally:
        engine.dispose()


def logged_since(
    database_url: str, events: Table, after: int, *names: str
) -> list[tuple[int, str]]:
    """The events after position ``after`` whose class is one of ``names`` (qualified, e.g.
    ``Posting.Decided``), as (position, name) in log order. Matched on the topic, which is
    stored in clear whatever of the event's state is sealed."""
    wanted = [events.c.topic.endswith(f":{name}", autoescape=True) for name in names]
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(events.c.id, events.c.topic)
                .where(events.c.id > after, or_(*wanted))
                .order_by(events.c.id)
            ).all()
    finally:
        engine.dispose()
    return [(int(position), str(topic).rsplit(":", 1)[1]) for position, topic in rows]
