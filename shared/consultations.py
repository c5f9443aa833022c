"""Recording each time a person reads an officer's personal data: who, when, which officer,
what and through which endpoint, and never a copy of what was read (in the spirit of the
Data Protection Act 2018 s.62, and L1's data security section)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from fastapi import Request

from shared import lengths
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime

#: Machines, not people: their reads are not consultations.
NOT_PEOPLE = frozenset({Role.SERVICE, Role.INTEGRATION})


def officer_ids_in(document: Any) -> set[str]:
    """Every officer a JSON answer speaks of, wherever its records sit in it. Walked with
    one stack and one set: a timeline of a hundred acts made a set per node when recursed."""
    found: set[str] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "officer_id" and isinstance(value, str):
                    found.add(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(item for item in node if isinstance(item, dict | list))
    return found


#: A key ``officer_id`` with a string value, in JSON text. Inside a string every quote is
#: written ``\"`` (RFC 8259, 7), and a string's opening quote follows ``{``, ``[``, ``,``,
#: ``:`` or white space, never a backslash: so ``"officer_id"`` whose first quote follows
#: no backslash is a whole string (its closing quote follows a ``d``), and one followed by
#: a colon is a key. The backslash is looked for apart (``officer_ids_in_json``): a pattern
#: that began with a look-behind was tried at every byte of the text, where one that begins
#: with the key is searched for as a literal.
_OFFICER_ID_KEY = re.compile(rb'"officer_id"[ \t\n\r]*:[ \t\n\r]*("(?:[^"\\]|\\.)*")')
_BACKSLASH = ord("\\")


def officer_ids_in_json(text: bytes) -> set[str]:
    """What ``officer_ids_in`` finds in a JSON text, read off the text where parsing it and
    walking every node cost more than the query behind a timeline (issue 18, point 6). The
    text must be valid JSON (an answer this service made); only each value is decoded.
    Without the backslash's test, the key ``"officer_id`` (quote included) would read as
    a key ``officer_id``."""
    written = {
        match.group(1)
        for match in _OFFICER_ID_KEY.finditer(text)
        if match.start() == 0 or text[match.start() - 1] != _BACKSLASH
    }
    # Each value once (a timeline names its officer in every act); only one with an escape
    # needs JSON's decoding.
    return {json.loads(value) if b"\\" in value else value[1:-1].decode() for value in written}


def record_consultation(
    runtime: Runtime, request: Request, caller: Principal, officer_ids: Iterable[str], what: str
) -> None:
    if caller.role in NOT_PEOPLE:
        return
    rows = [
        {
            "at": runtime.clock.now(),
            "actor_id": caller.subject,
            "actor_role": caller.role.value,
            "officer_id": officer_id,
            "what": what[: lengths.ROUTE],
            "endpoint": f"{request.method} {request.url.path}"[: lengths.ENDPOINT],
        }
        for officer_id in sorted(set(officer_ids))
    ]
    if not rows:
        return
    runtime.db.insert_alone(runtime.tables.consultations, rows)
