"""A client for SAP SuccessFactors' OData v2 API as it is: the ``{"d": {"results": [...],
"__next": ...}}`` envelope, server-side paging followed through ``__next``, ``/Date(ms)/``
values, Int64 values sent as strings, effective dating with ``fromDate``/``toDate``,
``$metadata`` read to check the properties a client relies on, HTTP 429 / 5xx retried with
backoff honouring ``Retry-After``, and a 401 answered by authenticating once more."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from services.postings.hr_system.auth import Credentials, TokenRefused
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
    """An instant for ``$filter``, with its offset: ``datetimeoffset'…Z'``. A ``datetime'…'``
    literal has none and is read in the data centre's local time (KBA 2933028), so UTC sent
    that way is wrong by the data centre's offset (behind UTC: changes are missed)."""
    return "datetimeoffset'" + value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "'"


def quoted(value: str) -> str:
    """A string literal for ``$filter`` (a quote inside is doubled)."""
    return "'" + value.replace("'", "''") + "'"


def any_of(name: str, values: Iterable[str]) -> str:
    """``name in 'a','b',…``: one query for many keys, not one per key (KBA 2735876)."""
    return f"{name} in " + ",".join(quoted(v) for v in sorted(values))


class ODataError(Exception):
    """The API refused a request (not a passing fault): its status, SAP's error code and
    message."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(f"{status} {code or ''}: {message}".replace("  ", " "))
        self.status = status
        self.code = code
        self.message = message


def _odata_error(response: httpx.Response) -> ODataError:
    try:
        error = response.json()["error"]
        return ODataError(response.status_code, str(error["message"]["value"]), error.get("code"))
    except (ValueError, KeyError, TypeError):
        return ODataError(response.status_code, response.text[:500])


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
    """One tenant's OData v2 API (or Learning's v4 one, with Learning's credentials);
    ``sleep`` is injectable so tests need not wait."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials,
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
            headers={"Accept": "application/json"},
        )
        self._credentials = credentials
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
        reauthenticated = False
        attempt = 0
        while attempt < self._max_attempts:
            try:
                authorization = self._credentials.authorization(self._http)
            except TokenRefused as exc:
                raise ODataError(exc.status, str(exc), "TOKEN_REFUSED") from exc
            try:
                response = self._http.request(
                    method, url, headers={"Authorization": authorization}, **kwargs
                )
            except httpx.TransportError as exc:
                if attempt + 1 == self._max_attempts:
                    raise Unavailable(
                        f"SuccessFactors cannot be reached: {exc}", service="hr"
                    ) from exc
                wait = min(30.0, 0.5 * 2**attempt)
            else:
                if response.status_code == 401 and not reauthenticated:
                    # A token expired or revoked early: authenticate once more and retry.
                    reauthenticated = True
                    if self._credentials.refused():
                        continue
                if response.status_code not in RETRYABLE:
                    if response.status_code >= 400:
                        raise _odata_error(response)
                    if response.is_redirect:
                        # An API does not redirect; a tenant behind single sign-on or a
                        # proxy sends its login page so. Say so, rather than fail later
                        # reading that page as JSON.
                        raise ODataError(
                            response.status_code,
                            "redirected to "
                            f"{response.headers.get('location', '?')[:200]}: "
                            "is the HR system's URL its API host?",
                            "REDIRECTED",
                        )
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
            attempt += 1
        raise AssertionError("unreachable")

    def properties(self, entity: str) -> set[str]:
        """The properties ``$metadata`` gives the entity (``GET {entity}/$metadata``)."""
        # The configured tenant's own schema document, not input from a caller.
        document = ET.fromstring(self._send("GET", f"{entity}/$metadata").content)  # noqa: S314
        return {
            str(p.get("Name"))
            for t in document.iter()
            if t.tag.endswith("}EntityType") and t.get("Name") == entity
            for p in t
            if p.tag.endswith("}Property")
        }

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
