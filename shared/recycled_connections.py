"""A kept-alive connection closed after a set number of requests, so that a service served
by several processes spreads its clients across them (ADR 0034).

The processes share one listening socket. Whichever is idle when a client connects takes
the connection, and every other connection queued beside it. A client that keeps its
connections (the load generator, a peer service, the HR system's integration) stays with
the process it first met: measured, one of two processes served 1,507 of 1,510 sampled
requests while the other was idle. Closing a connection after ``REQUESTS_PER_CONNECTION``
requests makes the client connect again, and the process with less to do is the one
waiting to accept it, so the load evens out within a few hundred requests. nginx's
``keepalive_requests`` does the same, and once had the same default.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Each reconnection costs a TCP handshake, in the order of 0.1 ms of CPU at both ends, so
# a hundred requests pay about 1 µs each for it.
REQUESTS_PER_CONNECTION = 100


class RecycledConnection(HttpToolsProtocol):
    """uvicorn's protocol for HTTP/1.1 that answers a connection's hundredth request with
    ``Connection: close`` and then closes, as a server may (RFC 9112, section 9.6).

    The close is decided once the request has come whole, body and all, and only while its
    answer has not begun. Closed with part of a body unread, the connection would be reset
    under a client still sending it, which could lose the answer (found by the outside
    tester). An answer begun before its request came whole goes out as it began, kept
    alive, and the next request closes the connection instead. Requests pipelined behind
    the one that closes are not answered; a client resends them (RFC 9112, section 9.3.2)."""

    served = 0

    def on_headers_complete(self) -> None:
        before = self.cycle
        super().on_headers_complete()
        if self.cycle is not before and self.cycle is not None:
            self.served += 1  # a request, not an upgrade

    def on_message_complete(self) -> None:
        super().on_message_complete()
        cycle = self.cycle
        if (
            self.served >= REQUESTS_PER_CONNECTION
            and cycle is not None
            and not cycle.response_started
        ):
            cycle.keep_alive = False


def protocol_for(processes: int) -> type[asyncio.Protocol] | str:
    """What serves HTTP for a server of ``processes`` processes: connections recycled
    where there are several to spread them across, uvicorn's own choice where there is
    one (closing would buy nothing there)."""
    return RecycledConnection if processes > 1 else "auto"
