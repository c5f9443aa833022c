"""Stored events are read with msgspec (shared.event_json.EventTranscoder), and read back
exactly as the library's own decoder reads them: the same values of the same types, the
same transcoded values, and the same refusals, whatever the text (ADR 0029)."""

from __future__ import annotations

import json
import re
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


def _same(text: Any) -> Any:
    """Read by both: the two readings equal in value and type, all the way down (their
    reprs: 1 and 1.0, a date and its text, a member and its value all differ), or the same
    refusal with the same message."""
    library, ours = _both()
    try:
        expected = library.decode(text)
    except Exception as exc:
        refused = exc
    else:
        got = ours.decode(text)
        assert repr(got) == repr(expected)
        return got
    with pytest.raises(type(refused), match=f"^{re.escape(str(refused))}$"):
        ours.decode(text)
    return None


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
            # Two keys that are not a transcoded value, one holding one.
            "pair": {"_type_": "x", "other": 1},
            "holding": {"_type_": "x", "other": {"on": date(2027, 1, 4)}},
        }
    )
    got = _same(text)
    assert got["decision"] == decision
    assert got["roles"][1][1]["nested"] is Colour.BLUE


@pytest.mark.parametrize(
    "text",
    [
        # msgspec refuses these; the standard library reads them.
        b'{"v":NaN}',
        b'{"v":[Infinity,-Infinity]}',
        b'{"v":1e400}',
        b'{"v":"\\ud800"}',
        # Integers of any size up to the digits Python converts, floats of every size.
        b'{"v":123456789012345678901234567890}',
        b'{"v":[{"w":-9223372036854775809}]}',
        b"18446744073709551617",
        b"9" * 4300,
        b'{"v":[9223372036854775807,18446744073709551615,-9223372036854775808]}',
        b'{"v":1e19,"w":-1.5e300,"x":5e-324,"y":-0.0}',
        # Whitespace, a repeated key (the last one counts), top-level values of each kind.
        b' { "v" : [ 1 , 2 ] } \n',
        b'{"v":1,"v":2}',
        b'"text"',
        b"3.25",
        b"null",
        b"[]",
        b'[{"_type_":"date_iso","_data_":"2027-01-04"}]',
        b'{"_type_":"enum:tests.test_event_json.Colour","_data_":"crimson"}',
        # Keys with one hash in orjson's key cache (found by an outside tester): orjson
        # read the second as the first, in the same text and in texts read after.
        b'{"N:1 ^s~-":1,"/\\u0013o\\u0015\xd8\x999":2}',
        b'{"4QX\xdc\xb4\\u0013\'&":"x","asked":"y"}',
        b'["a",{"asked":1}]',
        # Nested as deep as the library reads, and where it stops.
        b"[" * 600 + b"]" * 600,
        b'{"a":' * 600 + b"1" + b"}" * 600,
        b"[" * 995 + b"]" * 995,
        b"[" * 5000 + b"]" * 5000,
        b'[{"a":' * 550 + b"1" + b"}]" * 550,
    ],
    ids=lambda text: repr(text[:40]),
)
def test_what_msgspec_reads_otherwise_or_refuses_reads_as_the_library_reads_it(
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
    library, _ = _both()
    with pytest.raises(Exception):  # noqa: B017 - which one is the library's to say
        library.decode(text)
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        # The library runs its hook on a value a repeated key then replaces, and refuses
        # it; msgspec keeps only the last value.
        b'{"a":{"_type_":"nope","_data_":0},"a":1}',
        b'{"a":{"_type_":"date_iso","_data_":"bad"},"a":1}',
        b'{"a":[{"_type_":"nope","_data_":0}],"a":1}',
        b'{"a":{"\\u005ftype_":"nope","_data_":0},"a":1}',
        # Two refusals: the library meets the replaced value's first.
        b'{"a":{"_type_":"nope","_data_":0},"a":{"_type_":"date_iso","_data_":"bad"}}',
        # A repeated key inside a transcoded value, and a replaced value the hook accepts.
        b'{"_type_":"nope","_type_":"date_iso","_data_":"2027-01-04"}',
        b'{"a":{"_type_":"date_iso","_data_":"2027-01-04"},"a":1}',
    ],
)
def test_a_value_a_repeated_key_replaces_is_decoded_as_the_library_decodes_it(
    text: bytes,
) -> None:
    _same(text)


def test_a_key_read_once_does_not_change_how_a_later_text_reads() -> None:
    # Keys with one hash in orjson's key cache, which read a later text's "asked" as the
    # other key: each text reads as the library reads it, in this order and the other.
    texts = [b'{"4QX\xdc\xb4\\u0013\'&":"x","asked":"y"}', b'["a",{"asked":1}]']
    for text in [*texts, *reversed(texts), *texts]:
        _same(text)
    assert _same(texts[1]) == ["a", {"asked": 1}]


@pytest.mark.parametrize(
    "given",
    [memoryview(b"[1]"), bytearray(b"[1]"), "[1]"],
    ids=["memoryview", "bytearray", "str"],
)
def test_what_is_not_bytes_is_taken_as_the_library_takes_it(given: Any) -> None:
    _same(given)


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
    _same(json.dumps(value, ensure_ascii=False).encode())


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
def test_each_service_reads_its_events_with_msgspec_online_and_offline(
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


def test_an_ordinary_event_is_read_by_msgspec_alone() -> None:
    library, ours = _both()
    text = library.encode({"timestamp": AT, "actor_role": Role.AUDITOR, "n": [1, 2.5, None]})
    ours.decoder = _Refusing()
    assert ours.decode(text) == {"timestamp": AT, "actor_role": Role.AUDITOR, "n": [1, 2.5, None]}
    with pytest.raises(AssertionError, match="the library's decoder"):
        ours.decode(b'{"v":NaN}')


class _Refusing(json.JSONDecoder):
    def decode(self, *_: Any, **__: Any) -> Any:
        raise AssertionError("read by the library's decoder")
