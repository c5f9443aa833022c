"""Value objects inside stored events (shared.transcodings.DataclassAsDict) come back as
they were written, whether their class keeps a ``__dict__`` or slots, and without running
today's checks on yesterday's values."""

from __future__ import annotations

import dataclasses

import pytest
from eventsourcing.persistence import JSONTranscoder

from shared.transcodings import DataclassAsDict


@dataclasses.dataclass(frozen=True)
class Kept:
    reason: str
    weight: int

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError("today's rule")


@dataclasses.dataclass(frozen=True, slots=True)
class Slotted:
    reason: str
    weight: int


class Plain:
    """A base without slots: its subclass's instances have a ``__dict__`` and slots."""


@dataclasses.dataclass(frozen=True, slots=True)
class SlottedOnPlain(Plain):
    reason: str
    weight: int


@dataclasses.dataclass(frozen=True)
class WithProperty:
    reason: str

    @property
    def shown(self) -> str:
        return self.reason.upper()


def _transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    transcoder.register(DataclassAsDict(Kept))
    for value_type in (Slotted, SlottedOnPlain, WithProperty):
        transcoder.register(DataclassAsDict(value_type))
    return transcoder


def test_a_value_object_with_a_dict_or_slots_comes_back_equal() -> None:
    transcoder = _transcoder()
    for value in (Kept("welfare", 2), Slotted("welfare", 2), SlottedOnPlain("welfare", 2)):
        again = transcoder.decode(transcoder.encode({"v": value}))["v"]
        assert again == value
        assert type(again) is type(value)


def test_an_old_value_is_not_checked_by_todays_rules() -> None:
    transcoder = _transcoder()
    stored = transcoder.encode({"v": Kept("welfare", 1)}).replace(b'"weight":1', b'"weight":-1')
    assert transcoder.decode(stored)["v"].weight == -1


def test_field_names_are_shared_across_decoded_values() -> None:
    # A rebuild pickles pages of decoded events to its projecting process: names held once
    # are pickled once.
    transcoder = _transcoder()
    stored = transcoder.encode({"v": Kept("welfare", 2)})
    first, second = (transcoder.decode(stored)["v"] for _ in range(2))
    assert [id(k) for k in vars(first)] == [id(k) for k in vars(second)]


def test_a_stored_name_that_is_no_field_is_assigned_as_before() -> None:
    # A forged event naming a property of the class is refused, as assignment refuses it;
    # it is not slipped into the value beside the property.
    transcoder = _transcoder()
    stored = transcoder.encode({"v": WithProperty("welfare")})
    forged = stored.replace(b'"reason":"welfare"', b'"reason":"welfare","shown":"forged"')
    with pytest.raises(AttributeError):
        transcoder.decode(forged)
