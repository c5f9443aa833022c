"""Given / when / then at the level of one aggregate: given the aggregate as earlier
commands left it, when a command method runs, then exactly these events are triggered, or
the command is refused naming its rule and triggers nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
from eventsourcing.domain import Aggregate

from shared.errors import Conflict, NotPermitted, RulesBroken
from shared.rules.base import Rule

A = TypeVar("A", bound=Aggregate)


def given(aggregate: A) -> A:
    """The aggregate with what earlier commands triggered set aside: only what the next
    command triggers is then looked at."""
    aggregate.collect_events()
    return aggregate


def then(aggregate: Aggregate, *expected: type[Any]) -> list[Any]:
    """Exactly these events, in this order, were triggered; returned for their fields."""
    events = list(aggregate.collect_events())
    assert [type(e) for e in events] == list(expected)
    return events


@contextmanager
def refused(rule: type[Rule], aggregate: Aggregate | None = None) -> Iterator[None]:
    """The command is refused naming ``rule`` (409, 422 or 403 as the rule is), and
    nothing was triggered."""
    with pytest.raises((Conflict, RulesBroken, NotPermitted)) as raised:
        yield
    error = raised.value
    assert isinstance(error, Conflict | RulesBroken | NotPermitted)
    violations = error.violations
    assert [v.rule for v in violations][:1] == [rule.id]
    if aggregate is not None:
        assert list(aggregate.collect_events()) == []
