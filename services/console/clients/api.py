"""One service's public API over HTTP. Every call carries the signed-in person's token, so
the service decides what they may see and do; the console adds no authority of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx


class Refused(Exception):
    """The service refused the call: its status and RFC 9457 problem, for the page."""

    def __init__(self, service: str, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{service} answered {status}: {problem.get('detail', '')}")
        self.service = service
        self.status = status
        self.problem = problem


class Unreachable(Exception):
    """The service did not answer: the page says so and that trying again may help."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} did not answer")
        self.service = service


@dataclass(frozen=True)
class Answer:
    body: Any
    #: The record's version from its ETag, for the next command's If-Match.
    version: str | None


class ServiceApi:
    def __init__(self, name: str, client: httpx.AsyncClient) -> None:
        self.name = name
        self._client = client

    async def get(self, path: str, token: str, params: dict[str, Any] | None = None) -> Answer:
        return await self._call("GET", path, token, params=params)

    async def stream(self, path: str, token: str, params: dict[str, Any] | None = None) -> Stream:
        """A GET whose answer is passed on as it arrives (an export of a whole log), never
        held whole in the console's memory; a refusal is raised as ``get`` raises it."""
        request = self._client.build_request(
            "GET", path, params=params, headers={"Authorization": f"Bearer {token}"}
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TransportError as exc:
            raise Unreachable(self.name) from exc
        if response.status_code >= 400:
            try:
                await response.aread()
            finally:
                await response.aclose()
            raise Refused(self.name, response.status_code, _problem(response))
        return Stream(response)

    async def send(
        self,
        method: str,
        path: str,
        token: str,
        body: dict[str, Any],
        *,
        if_match: str | None = None,
        key: str | None = None,
    ) -> Answer:
        # A repeat of the same request (a retry after a lost answer, a form sent twice) is
        # answered with the first response and changes nothing twice: the caller names
        # what makes two sends the same (commands.py), or each send is its own.
        headers = {"Idempotency-Key": key or f"console-{uuid.uuid4()}"}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        return await self._call(method, path, token, json=body, headers=headers)

    async def _call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        try:
            response = await self._client.request(
                method,
                path,
                params=params,
                json=json,
                headers={**(headers or {}), "Authorization": f"Bearer {token}"},
            )
        except httpx.TransportError as exc:
            raise Unreachable(self.name) from exc
        if response.status_code >= 400:
            raise Refused(self.name, response.status_code, _problem(response))
        etag = response.headers.get("ETag")
        version = etag.removeprefix("W/").strip('"') if etag else None
        body = response.json() if response.content else None
        return Answer(body=body, version=version)


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        problem = response.json()
    except ValueError:
        return {}
    return problem if isinstance(problem, dict) else {}


class Stream:
    """An answer being received: its media type, and its body a chunk at a time. The
    connection is given back once the body is read to its end, or cut short."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.media_type = response.headers.get("content-type", "application/octet-stream")

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes():
                yield chunk
        finally:
            await self._response.aclose()


@dataclass(frozen=True)
class Services:
    postings: ServiceApi
    appeals: ServiceApi
    roi: ServiceApi
