"""A rebuild's decoding on the second core (issue 18). Turning stored events back into
domain events (JSON, typed values, sealed fields opened with each officer's key) is about
half of a rebuild, and it needs nothing the projection writes. So a second process reads the
log in order and decodes it, and hands each page to the rebuild, pickled. Meanwhile the
rebuild projects the page before. The rebuild still projects every event in log order, in
its one transaction.

The second process reads the log with its own connection. The rebuild holds the log's
ordering before it starts it, so no event can commit that the reader has not seen."""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import queue
from collections.abc import Iterator
from multiprocessing.context import SpawnProcess
from typing import Any

from shared.clock import SystemClock
from shared.db import Database
from shared.keyring import DatabaseKeyring

#: Pages decoded ahead of the projection: enough to keep both cores busy, few enough that
#: a rebuild of a million events stays small.
AHEAD = 2
#: How long the rebuild waits for a page before it asks whether the decoder is alive.
_POLL_SECONDS = 1.0
_DONE = b""


def decoded_pages(
    application: type[Any], url: str, *, page_size: int
) -> Iterator[list[tuple[int, Any]]]:
    """The log's events as (position, domain event), a page at a time, decoded by another
    process. An error in that process is raised here."""
    context = multiprocessing.get_context("spawn")
    pages: Any = context.Queue(maxsize=AHEAD)
    where = f"{application.__module__}:{application.__qualname__}"
    decoder: SpawnProcess = context.Process(
        target=_decode, args=(where, url, page_size, pages), name="rebuild-decoder", daemon=True
    )
    decoder.start()
    try:
        while True:
            try:
                page = pages.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not decoder.is_alive():
                    raise RuntimeError(
                        f"the rebuild's decoder stopped (exit code {decoder.exitcode})"
                    ) from None
                continue
            if page == _DONE:
                return
            found = pickle.loads(page)  # noqa: S301 - our own process's pages
            if isinstance(found, BaseException):
                raise RuntimeError("the rebuild's decoder failed") from found
            yield found
    finally:
        if decoder.is_alive():
            decoder.terminate()
        decoder.join()
        pages.close()


def _decode(where: str, url: str, page_size: int, pages: Any) -> None:
    """In the second process: read the log in order, decode each page, send it on."""
    from shared.rebuild import read_page

    module, name = where.split(":")
    application = getattr(importlib.import_module(module), name)
    kernel = application.kernel
    db = Database(url)
    try:
        mapper = application.offline_mapper(DatabaseKeyring(db, kernel.officer_keys, SystemClock()))
        with db.unit_of_work(write=False) as session:
            after = 0
            while True:
                page = read_page(session, kernel, after, page_size)
                decoded = [(n.id, mapper.to_domain_event(n)) for n in page]
                pages.put(pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL))
                if len(page) < page_size:
                    break
                after = page[-1].id
        pages.put(_DONE)
    except Exception as exc:  # sent to the rebuild, which raises it
        pages.put(pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        db.close()
