"""A rebuild's decoding on the second core (issue 18). Turning stored events back into
domain events (JSON, typed values, sealed fields opened with each officer's key) is about
half of a rebuild, and it needs nothing the projection writes. So a second process reads the
log in order and decodes it, and hands each page to the rebuild, pickled. Meanwhile the
rebuild projects the page before. The rebuild still projects every event in log order, in
its one transaction.

The second process reads the log with its own connection, and only once told to
(``Decoder.pages``): the rebuild holds the log's ordering first, so no event can commit that
the reader has not seen. It is started before that, because starting a Python process and
importing the services takes a second or two that the rebuild would otherwise wait
through."""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import queue
from collections.abc import Iterator
from multiprocessing.context import SpawnProcess
from typing import Any

from shared.clock import SystemClock
from shared.collection import collector_paused
from shared.db import Database
from shared.keyring import DatabaseKeyring

#: Pages decoded ahead of the projection: enough to keep both cores busy, few enough that
#: a rebuild of a million events stays small.
AHEAD = 2
#: How long either process waits before it asks whether the other is still alive.
_POLL_SECONDS = 1.0
_DONE = b""


class Decoder:
    """The second process, started at once; it reads nothing before ``pages`` is called.
    Use it as a context manager, so that it ends with the rebuild however that ends."""

    def __init__(self, application: type[Any], url: str, *, page_size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._pages: Any = context.Queue(maxsize=AHEAD)
        self._go = context.Event()
        self._ready = context.Event()
        where = f"{application.__module__}:{application.__qualname__}"
        self._process: SpawnProcess = context.Process(
            target=_decode,
            args=(where, url, page_size, self._ready, self._go, self._pages),
            name="rebuild-decoder",
            daemon=True,
        )
        self._process.start()

    def ready(self, timeout: float) -> bool:
        """Whether the decoder has started and waits to be told to read."""
        return bool(self._ready.wait(timeout))

    def pages(self) -> Iterator[list[tuple[int, Any]]]:
        """The log's events as (position, domain event), a page at a time, read from the
        moment of this call (not of the first page asked for). An error in the decoder is
        raised as the pages are read."""
        self._go.set()
        return self._received()

    def _received(self) -> Iterator[list[tuple[int, Any]]]:
        while True:
            try:
                page = self._pages.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not self._process.is_alive():
                    raise RuntimeError(
                        f"the rebuild's decoder stopped (exit code {self._process.exitcode})"
                    ) from None
                continue
            if page == _DONE:
                return
            found = pickle.loads(page)  # noqa: S301 - our own process's pages
            if isinstance(found, BaseException):
                raise RuntimeError("the rebuild's decoder failed") from found
            yield found

    def __enter__(self) -> Decoder:
        return self

    def __exit__(self, *_: object) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._pages.close()


def _decode(where: str, url: str, page_size: int, ready: Any, go: Any, pages: Any) -> None:
    """In the second process: import and connect, wait to be told, then read the log in
    order, decode each page and send it on."""
    try:
        from shared.rebuild import read_page

        module, name = where.split(":")
        application = getattr(importlib.import_module(module), name)
        kernel = application.kernel
        db = Database(url)
    except Exception as exc:  # sent to the rebuild, which raises it
        pages.put(pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}")))
        return
    try:
        ready.set()
        if not _told(go):
            return
        keyring = DatabaseKeyring(db, kernel.officer_keys, SystemClock())
        with db.unit_of_work(write=False) as session, collector_paused() as paused:
            # Read once told: the rebuild holds the log by then (see DatabaseKeyring.as_read_now).
            mapper = application.offline_mapper(keyring.as_read_now())
            after = 0
            while True:
                page = read_page(session, kernel, after, page_size)
                decoded = [(n.id, mapper.to_domain_event(n)) for n in page]
                _one_id_per_record(decoded)
                pages.put(pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL))
                paused.page_done()
                if len(page) < page_size:
                    break
                after = page[-1].id
        pages.put(_DONE)
    except Exception as exc:  # sent to the rebuild, which raises it
        pages.put(pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        db.close()


def _one_id_per_record(decoded: list[tuple[int, Any]]) -> None:
    """Each record's events on the page made to hold one id object, where the driver gave
    one per event: pickling writes an object once and refers to it after, so a page of
    5,000 events pickles in 19 ms, not 27."""
    ids: dict[Any, Any] = {}
    for _, event in decoded:
        state = event.__dict__
        state["originator_id"] = ids.setdefault(state["originator_id"], state["originator_id"])


def _told(go: Any) -> bool:
    """Wait for the rebuild to hold the log; False if the rebuild went away first."""
    parent = multiprocessing.parent_process()
    while not go.wait(_POLL_SECONDS):
        if parent is not None and not parent.is_alive():
            return False
    return True
