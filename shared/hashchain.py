"""The tamper-evident hash chain over a service's event log.

Each stored event is hashed as an RFC 6962 leaf, H(0x00 || canonical entry), over its stored
form (so per-officer encryption later leaves the chain intact), and the chain extends as
head' = H(0x01 || head || leaf): the interior-node prefix, so a Merkle tree over the same
leaves can be added later without migrating data."""

from __future__ import annotations

import binascii
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

GENESIS = bytes(32)
_LEAF, _NODE = b"\x00", b"\x01"


def canonical_entry(
    position: int, originator_id: UUID | str, version: int, topic: str, state: bytes
) -> bytes:
    """The stored event as bytes: the JSON object {id, originator_id, originator_version,
    state (base64), topic} with sorted keys and no whitespace. Built by hand, byte for byte
    what ``json.dumps(..., sort_keys=True, separators=(",", ":"))`` gives (a test holds the
    two equal), because verification runs it for every event of a log: one formatting of
    bytes, with each record's id and each topic turned into JSON once."""
    return _ENTRY % _entry_fields(position, originator_id, version, topic, state)


def _entry_fields(
    position: int, originator_id: UUID | str, version: int, topic: str, state: bytes
) -> tuple[int, bytes, int, bytes, bytes]:
    return (
        position,
        _json_id(originator_id),
        version,
        _b2a(state, newline=False),
        _json_string(topic),
    )


_ENTRY = b'{"id":%d,"originator_id":%s,"originator_version":%d,"state":"%s","topic":%s}'
_LEAF_ENTRY = _LEAF + _ENTRY
_sha256 = hashlib.sha256
#: base64.b64encode is this, with a Python call around it.
_b2a = binascii.b2a_base64


@functools.lru_cache(maxsize=65536)
def _json_id(originator_id: UUID | str) -> bytes:
    # A record's events come together in a log, so its id is mostly already here.
    return json.dumps(str(originator_id)).encode()


@functools.lru_cache(maxsize=4096)
def _json_string(text: str) -> bytes:
    return json.dumps(text).encode()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(_LEAF + entry).digest()


def stored_leaf_hash(
    position: int, originator_id: UUID | str, version: int, topic: str, state: bytes
) -> bytes:
    """A stored event's leaf, ``leaf_hash(canonical_entry(...))``, in one formatting and one
    hash, the leaf's prefix part of the format: what writing, verifying and replaying the
    chain all compute, verification once for every event of a log."""
    return _sha256(
        _LEAF_ENTRY % _entry_fields(position, originator_id, version, topic, state)
    ).digest()


def extend(head: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(_NODE + head + leaf).digest()


@dataclass(frozen=True)
class Divergence:
    position: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "reason": self.reason}
