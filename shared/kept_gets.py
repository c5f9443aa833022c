"""GETs to one peer over HTTP/1.1 connections kept per thread, by the standard library's
client. httpx spent ~0.5 ms of CPU on a GET to a peer on this machine, and http.client
~0.15 ms: the ROI question is asked before every decision and the timeline asks two peers
on every request (issue 18, points 3 and 6).

The answer is an ``httpx.Response``, and every failure an ``httpx.HTTPError``, so what
reads an answer (``shared.peers.answer_of``) and what fails closed on an error is the same
whichever client asked. A kept connection the peer has closed meanwhile (its keep-alive
ran out) is found out on reuse and the GET sent once more on a new one: a GET changes
nothing (RFC 9110 9.2.2)."""

from __future__ import annotations

import http.client
import select
import ssl
import threading
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import quote, urlencode, urlsplit

import httpx

#: The most of an answer read: a peer's answer larger than this is a fault, not an answer.
MAX_ANSWER_BYTES = 32 * 1024 * 1024


class Gets(Protocol):
    """What asks a peer: ``KeptGets``, or an ``httpx.Client`` (a test's in-process app)."""

    def get(
        self,
        path: str,
        /,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response: ...

    def close(self) -> None: ...


#: What a path holds as it is (RFC 3986 3.3), and escapes already made.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"

#: How a reused connection says the peer closed it while it was kept.
_CLOSED_WHILE_KEPT = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class KeptGets:
    """Thread-safe: each thread has its own connection to the peer."""

    def __init__(self, base_url: str, *, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) address: {base_url!r}")
        self._base_url = base_url.rstrip("/")
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        # Made once: a TLS context costs tens of milliseconds.
        self._tls = ssl.create_default_context() if parts.scheme == "https" else None
        self._local = threading.local()
        self._all: set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()

    def get(
        self,
        path: str,
        /,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        # As httpx would send it: what a path may not hold as it is, percent-encoded.
        target = quote(self._prefix + path, safe=_PATH_SAFE) + (
            f"?{urlencode(params)}" if params else ""
        )
        for _ in range(2):
            conn, reused = self._connection()
            try:
                conn.request("GET", target, headers=dict(headers or {}))
                answer = conn.getresponse()
                body = answer.read(MAX_ANSWER_BYTES + 1)
            except _CLOSED_WHILE_KEPT as exc:
                self._forget(conn)
                if reused:
                    continue
                raise httpx.RemoteProtocolError(f"the peer closed the connection: {exc}") from exc
            except TimeoutError as exc:
                self._forget(conn)
                raise httpx.ReadTimeout(f"no answer within {self._timeout} s") from exc
            except (OSError, http.client.HTTPException) as exc:
                self._forget(conn)
                raise httpx.TransportError(f"{type(exc).__name__}: {exc}") from exc
            if len(body) > MAX_ANSWER_BYTES:
                self._forget(conn)
                raise httpx.TransportError(f"an answer of more than {MAX_ANSWER_BYTES} bytes")
            if answer.length:
                # Fewer bytes came than its Content-Length said, and the peer closed:
                # http.client's read(n) returns what came, where httpx raised.
                self._forget(conn)
                raise httpx.RemoteProtocolError(
                    f"the answer ended {answer.length} bytes short of its length"
                )
            if answer.will_close:
                self._forget(conn)
            return httpx.Response(
                answer.status,
                headers=answer.getheaders(),
                content=body,
                request=httpx.Request("GET", self._base_url + target),
            )
        raise httpx.RemoteProtocolError("the peer closed a new connection as well")

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it has been used before."""
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            if not _has_waiting(conn):
                return conn, True
            # A kept connection says something while nobody asked: the peer closed it, or
            # sent what no question was asked for. Either way, what waits on it is no
            # answer to the next question, which would read it as its own (found by the
            # outside tester: a fake peer's second, unasked answer decided another
            # officer's posting).
            self._forget(conn)
        if self._tls is not None:
            conn = http.client.HTTPSConnection(
                self._host, self._port, timeout=self._timeout, context=self._tls
            )
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        self._local.conn = conn
        with self._lock:
            self._all.add(conn)
        return conn, False

    def _forget(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        self._local.conn = None
        with self._lock:
            self._all.discard(conn)

    def close(self) -> None:
        with self._lock:
            kept, self._all = self._all, set()
        for conn in kept:
            conn.close()


def _has_waiting(conn: http.client.HTTPConnection) -> bool:
    """Whether the kept connection's socket has bytes, or its end, waiting to be read."""
    sock = conn.sock
    if sock is None:
        return False
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)
