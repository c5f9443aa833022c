"""How a stored event's JSON is read back: parsed by msgspec, then each object that names a
transcoding (``{"_type_": ..., "_data_": ...}``) turned back into its value, innermost
first, as the library's decoder does with its ``object_hook`` (issue 18: "decoding uses a
fast JSON library"; ADR 0029).

A rebuild reads every event of a log, and a sealed field is a second JSON text inside it.
Parsing took about a third of the rebuild decoder's time with the standard library's
parser. Writing is unchanged: the library's encoder still writes every event.

Where msgspec would read a text differently from the standard library, or the walk would
reach where the library's own parser stops, the text is read by the library's decoder, so
an event reads back the same whichever way it goes:

- msgspec refuses what the standard library reads: ``NaN``, ``Infinity``, a number beyond a
  double, an unpaired surrogate escape, an integer of more digits than Python converts when
  that limit is lifted;
- a text nested deeper than ``_DEEPEST`` (no event of ours is nested a tenth as deep): the
  standard library's parser gives up near Python's recursion limit, which a walk after
  parsing would reach at another depth;
- a text where msgspec keeps the last of a repeated key's values, and a value it dropped
  named a transcoding: the library's decoder runs its hook on every value, the dropped ones
  too, and may refuse one. The keys naming a transcoding are counted in the text and in
  what was parsed; a text with a ``\\u`` escape, which could write such a key unseen, goes
  the library's way as well (our encoder writes one only for a control character);
- a text in which a transcoding refused a value: the library's decoder may meet another
  refusal first, in a dropped value;
- anything that is not ``bytes`` (the library's decoder takes bytes alone).

The one difference left: called within a few frames of Python's recursion limit, a text
read here may read where the library's decoder would stop (this path takes fewer frames);
never the other way round.

msgspec keeps one string object per short key it reads, and reuses it only for a key whose
bytes are the same (it compares them: ``src/msgspec/_core.c``, the JSON decoder's dict key
cache). orjson was tried first and not kept: its key cache matches keys by hash alone, and
two keys with the same hash read as one (ADR 0029).
"""

from __future__ import annotations

from typing import Any

import msgspec
from eventsourcing.persistence import JSONTranscoder

#: Nesting beyond which the library's decoder reads the text (see above).
_DEEPEST = 256

_parse = msgspec.json.Decoder().decode

#: The key of a transcoded value (the library's ``_encode_obj``), as the key appears in a text
#: written without escapes, and the start of an escape that could hide it.
_TYPE = "_type_"
_NAMED = b'"_type_"'
_ESCAPED = b"\\u"


class _ReadAgain(Exception):
    """The text is one the library's decoder reads."""


class EventTranscoder(JSONTranscoder):
    """The library's JSON transcoder, reading with msgspec."""

    def decode(self, data: bytes) -> Any:
        if type(data) is bytes:
            try:
                parsed = _parse(data)
                kind = type(parsed)
                named = [0]
                if kind is dict:
                    parsed = self._object(parsed, 1, named)
                elif kind is list:
                    parsed = self._array(parsed, 1, named)
                if named[0] == data.count(_NAMED) and _ESCAPED not in data:
                    return parsed
                # Otherwise a value a repeated key replaced named a transcoding (the library
                # ran its hook on it, and may have refused it), or a key may be written with
                # escapes and so not be counted.
            except (msgspec.DecodeError, RecursionError, _ReadAgain):
                pass  # what msgspec does not read, or not as deep
            except Exception:  # noqa: S110 - the library's decoder says what is wrong
                # A transcoding refused a value. The library's decoder refuses too, but it
                # may meet another refusal first (in a value a repeated key replaced).
                pass
        # Read as the library's own ``decode`` reads it, with its expression and at the same
        # depth of calls, so that it reads, or refuses, the same texts at the same depths.
        return self.decoder.decode(data.decode("utf8"))

    def _object(self, value: dict[str, Any], depth: int, named: list[int]) -> Any:
        """The object with its members decoded, then itself if it names a transcoding."""
        if depth > _DEEPEST:
            raise _ReadAgain
        for name, item in value.items():
            kind = type(item)
            # Replacing a key's value while iterating is allowed; no key is added.
            if kind is dict:
                value[name] = self._object(item, depth + 1, named)
            elif kind is list:
                value[name] = self._array(item, depth + 1, named)
        if _TYPE in value:
            named[0] += 1
            # The library's hook decides, for an object of two keys, whether it is a value.
            return self._decode_obj(value) if len(value) == 2 else value
        return value

    def _array(self, value: list[Any], depth: int, named: list[int]) -> list[Any]:
        if depth > _DEEPEST:
            raise _ReadAgain
        for index, item in enumerate(value):
            kind = type(item)
            if kind is dict:
                value[index] = self._object(item, depth + 1, named)
            elif kind is list:
                value[index] = self._array(item, depth + 1, named)
        return value
