"""Per-officer encryption of personal data inside stored events (ADR 0003, issue 6; L1
Retention & Disposal). The fields an event class lists in ``personal_fields``, and a
decision's rationale and facts, are sealed with the officer's own key (AES-256-GCM) before
the event is stored; everything else (kind, clause, actor, dates, outcome) stays in clear.
The hash chain covers the stored, sealed form, so destroying an officer's key (disposal)
makes their personal data unreadable everywhere while the chain still verifies."""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import os
from collections.abc import Hashable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, Protocol, cast
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

from shared.ledger import Decision


@functools.lru_cache(maxsize=4096)
def _cipher(key: bytes) -> AESGCM:
    """The cipher for one officer's key, made once: an officer's events come together (a
    replay opens a hundred of one officer's fields in a row) and making it costs more than
    opening a field. It is derived from the key alone, so a key disposed of is simply
    never asked for again."""
    return AESGCM(key)


SEALED = "_sealed_"
#: An officer's key: AES-256-GCM's.
KEY_BYTES = 32
#: A decision's parts sealed under the officer's key: what it says and what it relied on.
DECISION_SEALED = ("rationale", "facts")
#: What a sealed value reads as once its officer's key is destroyed.
DISPOSED = "[disposed]"
#: What it reads as where the key is not at hand (an offline replay without keys).
UNREADABLE = "[sealed]"

#: What ``_unseal`` gives for bytes its key does not open (altered, or another key's).
_NOT_OPENED = object()

#: The officers whose sealed values were opened, while a caller counts them
#: (``counting_opened``): what an answer built from those values holds of whom.
_OPENED: ContextVar[set[str] | None] = ContextVar("officers_opened", default=None)

#: Which officer each aggregate being saved concerns (set around a save).
OWNERS: ContextVar[dict[UUID, str]] = ContextVar("officer_owners", default={})  # noqa: B039


class Keyring(Protocol):
    def for_writing(self, officer_id: str) -> bytes:
        """The officer's key, created on first use; refused once disposed."""
        ...

    def for_reading(self, officer_id: str) -> bytes | None:
        """The officer's key, or None if it was disposed or is not at hand."""
        ...

    def read_ahead(self, officer_ids: set[str]) -> None:
        """Make these officers' keys ready for ``for_reading``, together (a page's)."""
        ...

    @property
    def missing(self) -> str:
        """What a value reads as when its key is not there (disposed, or not at hand)."""
        ...


def _kind(value: Any) -> str:
    return (
        "s"
        if isinstance(value, str)
        else "d"
        if isinstance(value, dict)
        else ("l" if isinstance(value, list) else "o")
    )


def _placeholder(kind: str, text: str) -> Any:
    # Same shape as the value it stands for, so that aggregates still replay.
    return {"s": text, "d": {}, "l": []}.get(kind)


def officer_of(event: Any) -> str | None:
    own = getattr(event, "officer_id", None)
    if isinstance(own, str):
        return own
    return OWNERS.get().get(event.originator_id)


def decoded_counting_opened(mapper: Mapper[UUID], stored: StoredEvent) -> tuple[Any, set[str]]:
    """The stored event decoded, and the officers whose sealed values it opened (with
    their keys): what is kept of it must not outlive those keys."""
    opened: set[str] = set()
    token = _OPENED.set(opened)
    try:
        return mapper.to_domain_event(stored), opened
    finally:
        _OPENED.reset(token)


class SealingMapper(Mapper[UUID]):
    def __init__(self, transcoder: Transcoder, keyring: Keyring | None) -> None:
        super().__init__(transcoder=transcoder)
        self.keyring = keyring

    # -- sealing ------------------------------------------------------------------------

    def _seal(self, officer_id: str, key: bytes, value: Any, bound_to: str = "") -> dict[str, Any]:
        nonce = os.urandom(12)
        plain = self.transcoder.encode({"v": value})
        sealed = _cipher(key).encrypt(nonce, plain, _associated(officer_id, bound_to))
        return {
            SEALED: {
                "officer": officer_id,
                "kind": _kind(value),
                "data": base64.b64encode(nonce + sealed).decode(),
            }
        }

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        fields: frozenset[str] = getattr(type(domain_event), "personal_fields", frozenset())
        decision = getattr(domain_event, "decision", None)
        seal_decision = isinstance(decision, Decision) and getattr(
            type(domain_event), "seal_decision", True
        )
        officer_id = officer_of(domain_event)
        if self.keyring is None or officer_id is None or not (fields or seal_decision):
            return super().to_stored_event(domain_event)
        key = self.keyring.for_writing(officer_id)
        state = dict(vars(domain_event))
        for name in fields & state.keys():
            state[name] = self._seal(officer_id, key, state[name])
        if seal_decision:
            sealed_decision = copy.copy(decision)
            for name in DECISION_SEALED:
                value = getattr(decision, name)
                object.__setattr__(sealed_decision, name, self._seal(officer_id, key, value))
            state["decision"] = sealed_decision
        shadow = object.__new__(type(domain_event))
        object.__setattr__(shadow, "__dict__", state)
        return super().to_stored_event(shadow)

    # -- unsealing ----------------------------------------------------------------------

    def _open_sealed(self, sealed: dict[str, Any]) -> Any:
        if self.keyring is None:
            return _placeholder(sealed["kind"], UNREADABLE)
        key = self.keyring.for_reading(sealed["officer"])
        if key is None:
            return _placeholder(sealed["kind"], self.keyring.missing)
        opened = self._unseal(sealed, key)
        if opened is _NOT_OPENED:
            return _placeholder(sealed["kind"], UNREADABLE)
        counted = _OPENED.get()
        if counted is not None:
            counted.add(sealed["officer"])
        return opened

    def _unseal(self, sealed: dict[str, Any], key: bytes, bound_to: str = "") -> Any:
        raw = base64.b64decode(sealed["data"])
        try:
            plain = _cipher(key).decrypt(
                raw[:12], raw[12:], _associated(sealed["officer"], bound_to)
            )
        except InvalidTag:
            return _NOT_OPENED
        return self.transcoder.decode(plain)["v"]

    # -- a value sealed whole (a record's snapshot) ---------------------------------------

    def seal_whole(self, officer_id: str, value: Any, bound_to: str) -> bytes | None:
        """The value sealed with the officer's key as one piece, in bytes, and bound to
        ``bound_to`` (what it is a copy of: a record at a version), so that it opens only
        for that; None if their key is not at hand (disposed of, or none was ever made),
        when nothing is to be kept."""
        key = self.keyring.for_reading(officer_id) if self.keyring is not None else None
        if key is None:
            return None
        return self.transcoder.encode(self._seal(officer_id, key, value, bound_to))

    def open_whole(self, officer_id: str, data: bytes, bound_to: str) -> tuple[bool, Any]:
        """(opened, value) of what ``seal_whole`` gave: not opened where the officer's key is
        gone, or the bytes were sealed for another officer or another ``bound_to`` (copied
        from another row), altered, or no longer decode with this code."""
        key = self.keyring.for_reading(officer_id) if self.keyring is not None else None
        if key is None:
            return False, None
        try:
            sealed = self.transcoder.decode(data)[SEALED]
            if sealed["officer"] != officer_id:
                return False, None
            opened = self._unseal(sealed, key, bound_to)
        except Exception:  # whatever the bytes hold, they are not used
            return False, None
        return (False, None) if opened is _NOT_OPENED else (True, opened)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """The stored event opened, then upcast: an upcaster reads an old event's own
        values (a typed value built from a mapping it once held, say), not the sealed
        envelope they are kept in. Otherwise as the library's mapper does it."""
        return self._opened(stored_event, self._decoded(stored_event))

    def to_domain_events(self, stored_events: Sequence[StoredEvent]) -> list[Any]:
        """A page of stored events opened, each officer's key made ready once for the page
        (``Keyring.read_ahead``): a feed's page names an officer or two per decision, and
        asking the database for each key alone cost a statement per officer, a quarter of
        serving the page (issue 18)."""
        states = [self._decoded(stored) for stored in stored_events]
        if self.keyring is not None:
            self.keyring.read_ahead({o for state in states for o in _sealed_for(state)})
        return [
            self._opened(stored, state) for stored, state in zip(stored_events, states, strict=True)
        ]

    def _decoded(self, stored_event: StoredEvent) -> dict[str, Any]:
        try:
            state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        except Exception as exc:
            raise MapperDeserialisationError(
                f"Failed to deserialise state of stored event with topic "
                f"'{stored_event.topic}', originator_id '{stored_event.originator_id}' and "
                f"originator_version {stored_event.originator_version}: {exc}"
            ) from exc
        return state

    def _opened(self, stored_event: StoredEvent, state: dict[str, Any]) -> Any:
        cls = resolve_topic(stored_event.topic)
        # Values are replaced in place: no key is added or removed while the state is walked.
        for name, value in state.items():
            if _is_sealed(value):
                state[name] = self._open_sealed(value[SEALED])
        decision = state.get("decision")
        if isinstance(decision, Decision):
            # The decision was made by this decoding alone (``_decoded``): it is opened
            # where it is, not copied first.
            for name in DECISION_SEALED:
                value = getattr(decision, name)
                if _is_sealed(value):
                    object.__setattr__(decision, name, self._open_sealed(value[SEALED]))
        id_type = cast(Hashable, type(stored_event.originator_id))
        state["originator_id"] = find_id_convertor(cls, id_type)(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


def _sealed_for(state: dict[str, Any]) -> Iterator[str]:
    """The officers whose keys open this decoded state's sealed values (where ``_open``
    looks: its fields, and a decision's rationale and facts)."""
    decision = state.get("decision")
    values = list(state.values())
    if isinstance(decision, Decision):
        values += [getattr(decision, name) for name in DECISION_SEALED]
    for value in values:
        if _is_sealed(value):
            yield value[SEALED]["officer"]


def _is_sealed(value: Any) -> bool:
    # Asked of every field of every event a replay reads: most are not sealed. Decoded JSON
    # holds plain dicts only, so the type is compared, not looked up among its bases.
    return type(value) is dict and len(value) == 1 and SEALED in value


def _associated(officer_id: str, bound_to: str) -> bytes:
    """The data a sealed value is authenticated with besides its bytes: the officer, and
    for a value sealed whole, what it is a copy of."""
    return officer_id.encode() if not bound_to else f"{officer_id}\n{bound_to}".encode()


class KeyFileError(ValueError):
    """A key file handed to a replay that is not one an export wrote."""


class HeldKeys:
    """Officers' keys held in memory, for a replay that writes nothing: those handed to an
    auditor with an export (``from_export``), or every key a service's database held at one
    moment (``DatabaseKeyring.as_read_now``, for the rebuild's decoder). ``missing``: what a
    value reads as whose officer's key is not among them."""

    def __init__(self, keys: dict[str, bytes | None], *, missing: str) -> None:
        self._keys = keys
        self.missing = missing

    @classmethod
    def from_export(cls, document: Any) -> HeldKeys:
        """The key file of an export (``{"service": ..., "keys": {officer: base64 key}}``),
        and what it lacks is unreadable here. A file that is not one, or a key that is not
        one, is refused before anything is read with it, naming what is wrong (an auditor's
        replay ended in a traceback, or in a bare AssertionError for a key of the wrong
        length)."""
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, dict):
            raise KeyFileError('not a key file written by export: it has no "keys" object')
        held: dict[str, bytes | None] = {}
        for officer, text in keys.items():
            try:
                key = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
            except binascii.Error:
                key = b""
            if len(key) != KEY_BYTES:
                # The officer as far as a reader needs to find them: an id of a megabyte
                # would otherwise make a line of a megabyte (found by the outside tester).
                shown = repr(officer[:40]) + ("..." if len(officer) > 40 else "")
                raise KeyFileError(
                    f"the key file's key for officer {shown} is not {KEY_BYTES} bytes in base64"
                )
            held[officer] = key
        return cls(held, missing=UNREADABLE)

    def for_writing(self, officer_id: str) -> bytes:
        raise PermissionError("a replay writes nothing")

    def read_ahead(self, officer_ids: set[str]) -> None:
        """Nothing to do: every key is held already."""

    def for_reading(self, officer_id: str) -> bytes | None:
        return self._keys.get(officer_id)
