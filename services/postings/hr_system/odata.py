"""A client for SAP SuccessFactors' OData v2 API as it is: the ``{"d": {"results": [...],
"__next": ...}}`` envelope, server-side paging followed through ``__next``, ``/Date(ms)/``
values, Int64 values sent as strings, effective dating with ``fromDate``/``toDate``, and
HTTP 429 / 5xx retried with backoff honouring ``Retry-After``."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from shared.errors import Unavailable

#: ``/Date(1700000000000)/`` or ``/Date(1700000000000+0000)/``; negative before 1970.
_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
#: What SuccessFactors sends for an open end of an effective-dated record.
OPEN_END = date(9999, 12, 31)
RETRYABLE = frozenset({429, 500, 502, 503, 504})


def parse_datetime(value: str) -> datetime:
    """An OData v2 ``/Date(ms)/`` as an aware UTC datetime (the offset, when given, says
    which zone the instant was shown in; the milliseconds are UTC either way)."""
    match = _DATE.match(value)
    if match is None:
        raise ValueError(f"not an OData date: {value!r}")
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match.group(1)))


def parse_date(value: str) -> date:
    """A calendar date (start and end dates of effective-dated records are midnight UTC)."""
    return parse_datetime(value).date()


def format_date(value: date) -> str:
    """A date as OData v2 wants it in a payload: midnight UTC in milliseconds."""
    instant = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return f"/Date({int(instant.timestamp() * 1000)})/"


def format_filter_datetime(value: datetime) -> str:
    """A datetime literal for ``$filter`` (``lastModifiedDateTime gt datetime'...'``)."""
    return "datetime'" + value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + "'"


class ODataError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


def _retry_after(response: httpx.Response, attempt: int, now: Callable[[], datetime]) -> float:
    """Seconds to wait: Retry-After (seconds or an HTTP date) if given, else exponential."""
    header = response.headers.get("retry-after")
    if header:
        if header.strip().isdigit():
            return float(header)
        try:
            return max(0.0, (parsedate_to_datetime(header) - now()).total_seconds())
        except (TypeError, ValueError):
            pass
    return min(30.0, 0.5 * 2**attempt)


class ODataClient:
    """One tenant's OData v2 API. ``auth`` is ("basic", "user@company", "password") or
    ("bearer", token); ``sleep`` is injectable so tests need not wait."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: tuple[str, ...],
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        max_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(tz=UTC),
    ) -> None:
        self._host = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self._host + "/odata/v2/",
            timeout=timeout,
            transport=transport,
            headers={"Authorization": _authorization(auth), "Accept": "application/json"},
        )
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._now = now
        #: Waits taken, for reporting (and for tests to see Retry-After honoured).
        self.waits: list[float] = []

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ODataClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        for attempt in range(self._max_attempts):
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if attempt + 1 == self._max_attempts:
                    raise Unavailable(
                        f"SuccessFactors cannot be reached: {exc}", service="hr"
                    ) from exc
                wait = min(30.0, 0.5 * 2**attempt)
            else:
                if response.status_code not in RETRYABLE:
                    if response.status_code >= 400:
                        raise ODataError(response.status_code, response.text[:500])
                    return response
                if attempt + 1 == self._max_attempts:
                    raise Unavailable(
                        f"SuccessFactors answered {response.status_code} "
                        f"{self._max_attempts} times",
                        service="hr",
                    )
                wait = _retry_after(response, attempt, self._now)
            self.waits.append(wait)
            self._sleep(wait)
        raise AssertionError("unreachable")

    def read(
        self,
        entity: str,
        *,
        filter: str | None = None,
        select: list[str] | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
        page_size: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every record of ``entity`` matching, following ``__next`` page by page (server
        snapshot paging). Effective-dated entities return the records current today unless
        a ``fromDate``/``toDate`` range asks for their history."""
        params: dict[str, str] = {"$format": "json", "paging": "snapshot"}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = ",".join(select)
        if from_date:
            params["fromDate"] = from_date.isoformat()
        if to_date:
            params["toDate"] = to_date.isoformat()
        if page_size:
            params["customPageSize"] = str(page_size)
        url: str | None = entity
        query: dict[str, str] | None = params
        while url is not None:
            body = self._send("GET", url, params=query).json()["d"]
            yield from body["results"]
            url, query = body.get("__next"), None  # __next carries its own query

    def read_v4(self, path: str, *, filter: str | None = None) -> Iterator[dict[str, Any]]:
        """Every record of a SuccessFactors Learning OData v4 collection (``path`` from the
        host), following ``@odata.nextLink``: the ``{"value": [...]}`` envelope."""
        url: str | None = f"{self._host}/{path.lstrip('/')}"  # absolute: not under /odata/v2
        query: dict[str, str] | None = {"$filter": filter} if filter else {}
        while url is not None:
            body = self._send("GET", url, params=query).json()
            yield from body["value"]
            url, query = body.get("@odata.nextLink"), None

    def upsert(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``POST /upsert``: answers 200 even when a record fails; the result per record
        (``status``, ``message``, ``httpCode``, ``index``) says which."""
        response = self._send("POST", "upsert", params={"$format": "json"}, json=records)
        results: list[dict[str, Any]] = response.json()["d"]
        return results


def _authorization(auth: tuple[str, ...]) -> str:
    if auth[0] == "basic":
        user, password = auth[1], auth[2]
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    if auth[0] == "bearer":
        return f"Bearer {auth[1]}"
    raise ValueError(f"unknown auth {auth[0]!r}")
