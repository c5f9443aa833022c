"""Stored events are read with orjson (shared.event_json.EventTranscoder), and read back
exactly as the library's own decoder reads them: the same values of the same types, the
same transcoded values, and the same refusals, whatever the text."""

from __future__ import annotations

import json
import math
import shutil
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import JSONTranscoder
from hypothesis import given, settings
from hypothesis import strategies as st

from services.appeals.application import AppealsApplication
from services.postings.application import PostingsApplication
from services.roi.application import RoiApplication
from shared.clock import FixedClock
from shared.db import Database
from shared.event_json import EventTranscoder
from shared.eventstore import LedgerApplication
from shared.ledger import Decision
from shared.roles import Role
from shared.transcodings import EnumByValue

AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


class Colour(Enum):
    RED = "red"
    BLUE = "blue"

    @classmethod
    def _missing_(cls, value: object) -> Colour | None:
        # An old stored spelling, read as today's member.
        return cls.RED if value == "crimson" else None


def _both() -> tuple[JSONTranscoder, EventTranscoder]:
    library, ours = JSONTranscoder(), EventTranscoder()
    for transcoder in (library, ours):
        PostingsApplication.register_all_transcodings(transcoder)
        transcoder.register(EnumByValue(Colour))
    return library, ours


def _same(text: bytes) -> Any:
    """Read by both; the two readings equal in value and type, all the way down."""
    library, ours = _both()
    expected, got = library.decode(text), ours.decode(text)
    assert _shape(got) == _shape(expected)
    return got


def _shape(value: Any) -> Any:
    """A value as its types and values, where NaN equals NaN and 1 differs from 1.0."""
    if isinstance(value, dict):
        return ("dict", [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    if hasattr(value, "__dict__") and not isinstance(value, Enum):
        return (type(value), _shape(dict(vars(value))))
    return (type(value), repr(value))


def test_an_event_with_values_of_every_kind_reads_back_the_same() -> None:
    library, _ = _both()
    decision = Decision(
        rationale="Cover for the summer",
        actor_id="dhr-1",
        actor_role=Role.DIRECTOR_OF_HR,
        clause="L1800 3.2.2",
        facts={"places": [{"on": "2027-01-04"}, None, 1.5], "count": 3},
    )
    text = library.encode(
        {
            "timestamp": datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
            "id": UUID("12345678-1234-5678-1234-567812345678"),
            "decision": decision,
            "roles": [Role.HR_RESOURCE_PLANNING, [Role.AUDITOR, {"nested": Colour.BLUE}]],
            "on": date(2027, 1, 4),
            "text": 'quote " backslash \\ tab \t é 😀 \u2028',
            "empty": {},
            "none": None,
            "flag": True,
            # Two keys that are not a transcoded value.
            "pair": {"_type_": "x", "other": 1},
        }
    )
    got = _same(text)
    assert got["decision"] == decision
    assert got["roles"][1][1]["nested"] is Colour.BLUE


@pytest.mark.parametrize(
    "text",
    [
        # orjson refuses these; the standard library reads them.
        b'{"v":NaN}',
        b'{"v":[Infinity,-Infinity]}',
        b'{"v":1e400}',
        b'{"v":"\\ud800"}',
        # orjson reads these integers as floats; the standard library keeps them integers.
        b'{"v":123456789012345678901234567890}',
        b'{"v":[{"w":-9223372036854775809}]}',
        b"18446744073709551617",
        # Integers orjson keeps, and a float of the size that sends a text the other way.
        b'{"v":[9223372036854775807,18446744073709551615,-9223372036854775808]}',
        b'{"v":1e19,"w":-1.5e300}',
        # Whitespace, a repeated key (the last one counts), top-level values of each kind.
        b' { "v" : [ 1 , 2 ] } \n',
        b'{"v":1,"v":2}',
        b'"text"',
        b"3.25",
        b"null",
        b"[]",
        b'[{"_type_":"date_iso","_data_":"2027-01-04"}]',
        b'{"_type_":"enum:tests.test_event_json.Colour","_data_":"crimson"}',
    ],
)
def test_what_orjson_reads_otherwise_or_refuses_reads_as_the_library_reads_it(
    text: bytes,
) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        b'{"v":1',
        b'{"v":1} x',
        b"",
        b"\xff\xfe",
        b'\xef\xbb\xbf{"v":1}',
        b'{"_type_":"not.registered","_data_":1}',
        b'{"_type_":"enum:tests.test_event_json.Colour","_data_":"green"}',
        b'{"_type_":"enum:tests.test_event_json.Colour","_data_":["red"]}',
        b'{"_type_":"date_iso","_data_":"not a date"}',
    ],
)
def test_what_the_library_refuses_is_refused_with_its_error(text: bytes) -> None:
    library, ours = _both()
    with pytest.raises(Exception) as expected:
        library.decode(text)
    with pytest.raises(type(expected.value)) as got:
        ours.decode(text)
    assert str(got.value) == str(expected.value)


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.dates().map(lambda d: {"_type_": "date_iso", "_data_": d.isoformat()})
    | st.sampled_from(list(Role)).map(
        lambda r: {"_type_": "enum:shared.roles.Role", "_data_": r.value}
    )
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["_type_", "_data_", "a", "b", "é"]) | st.text(), inner)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_any_json_text_reads_back_as_the_library_reads_it(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False).encode()
    library, ours = _both()
    try:
        expected = library.decode(text)
    except Exception as refused:
        with pytest.raises(type(refused)):
            ours.decode(text)
        return
    assert _shape(ours.decode(text)) == _shape(expected)


def test_an_enum_member_is_found_by_value_or_as_the_enum_finds_it() -> None:
    transcoding = EnumByValue(Colour)
    assert transcoding.decode("blue") is Colour.BLUE
    assert transcoding.decode("crimson") is Colour.RED  # the enum's own _missing_
    with pytest.raises(ValueError, match="'green' is not a valid Colour"):
        transcoding.decode("green")
    with pytest.raises(ValueError, match="is not a valid Colour"):
        transcoding.decode(["red"])


@pytest.mark.parametrize(
    "application", [PostingsApplication, AppealsApplication, RoiApplication], ids=str
)
def test_each_service_reads_its_events_with_orjson_online_and_offline(
    application: type[LedgerApplication], sqlite_templates: dict[str, Any], tmp_path: Path
) -> None:
    assert isinstance(application.offline_mapper().transcoder, EventTranscoder)
    service = application.kernel.events.name.removesuffix("_events")
    target = tmp_path / "x.sqlite3"
    shutil.copy(sqlite_templates[service], target)
    running = application(Database(f"sqlite:///{target}"), clock=FixedClock(AT))
    try:
        assert isinstance(running.mapper.transcoder, EventTranscoder)
    finally:
        running.db.close()


def test_an_ordinary_event_is_read_by_orjson_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    library, ours = _both()
    text = library.encode({"timestamp": AT, "actor_role": Role.AUDITOR, "n": [1, 2.5, None]})

    def refused(*_: object) -> None:
        raise AssertionError("read by the standard library's decoder")

    monkeypatch.setattr(JSONTranscoder, "decode", refused)
    assert ours.decode(text) == {"timestamp": AT, "actor_role": Role.AUDITOR, "n": [1, 2.5, None]}
