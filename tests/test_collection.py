"""The cycle collector paused for a rebuild (shared.collection) comes back as it was, and
still frees reference cycles made meanwhile, every few pages."""

from __future__ import annotations

import gc
import weakref

import pytest

from shared import collection


class _Node:
    def __init__(self) -> None:
        self.me = self


def test_the_collector_is_restored_however_the_block_ends() -> None:
    assert gc.isenabled()
    seen: list[bool] = []

    def rebuild() -> None:
        with collection.collector_paused():
            seen.append(gc.isenabled())
            raise RuntimeError("the rebuild failed")

    with pytest.raises(RuntimeError):
        rebuild()
    assert seen == [False]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_cycles_made_while_paused_are_freed_every_few_pages() -> None:
    with collection.collector_paused() as paused:
        cycle = _Node()
        gone = weakref.ref(cycle)
        del cycle
        for _ in range(collection.EVERY - 1):
            paused.page_done()
        assert gone() is not None, "nothing collects while paused, until the page count"
        paused.page_done()
        assert gone() is None
