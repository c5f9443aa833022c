"""The auditor's acts kept as built, by the stored event they are read from (issue 18,
point 6: answers cached by version where that is safe).

An act is built from its stored event (decoded, its sealed fields opened with the
officer's key, published as the reader's role may read it) and from its row in the audit
index. The event at a record's version never changes, so an act built once is the same act
the next time, for a reader of the same role. A page of acts, the officer's timeline above
all, then costs the index's rows alone where it cost reading, decoding and opening every
event again.

What makes it safe:

- **By record, version and the reader's role**: what is withheld from a role is withheld
  from what is kept for it (the act as published to that role).
- **Checked against the index row at each use**: position, case, officer, outcome, actor
  and clause must be what the row says, or the act is built again (a rebuilt or restored
  database).
- **Never past an officer's key**: an act keeps the officers whose sealed values it
  opened. At each use their keys must still exist, as the page's own statement says of
  each row's officer (``KEY_HELD``), or one more statement in the page's transaction says
  of any other; after a disposal the act is built again, reading "[disposed]", and the one
  kept is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from shared.audit_trail import act_entry, stored_events_opened
from shared.kept import Kept
from shared.roles import Role
from shared.runtime import Runtime

#: Acts kept per service: a few officers' timelines and the pages an auditor turns.
KEPT_MAX = 8192

#: An index row's field saying whether its officer's key still exists, read with the row
#: (``DatabaseKeyring.held_of``) where a page is one officer's.
KEY_HELD = "officer_key_held"

#: The index row's fields an act repeats, checked at each use.
_FROM_INDEX = ("case_id", "case_type", "officer_id", "kind", "actor_id", "actor_role", "clause")


@dataclass(frozen=True)
class _Kept:
    act: dict[str, Any]
    #: The officers whose sealed values the act holds opened.
    officers: frozenset[str]
    #: The answer's item made of ``act``, made once: it is only ever read.
    item: Any

    def agrees_with(self, row: dict[str, Any]) -> bool:
        act = self.act
        return (
            act["position"] == row["recorded_seq"]
            and act["outcome"] == row["outcome"]
            and all(act[name] == row[name] for name in _FROM_INDEX)
        )


class KeptActs:
    """One service's acts, as built for each role (thread-safe)."""

    def __init__(self, maxsize: int = KEPT_MAX) -> None:
        self._kept: Kept[tuple[UUID, int, Role], _Kept] = Kept(maxsize)

    def acts(
        self,
        session: Session,
        runtime: Runtime,
        rows: Sequence[dict[str, Any]],
        reader: Role,
        build: Callable[[dict[str, Any]], Any],
    ) -> list[Any]:
        """The acts of these index rows, in their order, each as ``build`` makes the
        answer's item of an act's fields (once: the item is kept with the act, and must not
        be changed by whoever receives it)."""
        keys = [(row["record_id"], row["record_version"], reader) for row in rows]
        kept: dict[int, _Kept] = {}
        for i, (key, row) in enumerate(zip(keys, rows, strict=True)):
            found = self._kept.get(key)
            if found is not None and found.agrees_with(row):
                kept[i] = found
        whose = frozenset().union(*(k.officers for k in kept.values()))
        if whose:
            said = {r["officer_id"]: r[KEY_HELD] for r in rows if KEY_HELD in r}
            held = {o for o in whose if said.get(o)}
            if unsaid := whose - said.keys():
                held |= runtime.application.keyring.held(set(unsaid))
            for i in [i for i, k in kept.items() if not k.officers <= held]:
                del kept[i]
                self._kept.forget(keys[i])
        missing = [i for i in range(len(rows)) if i not in kept]
        if missing:
            made = self._build(session, runtime, [rows[i] for i in missing], reader, build)
            for i, one in zip(missing, made, strict=True):
                kept[i] = one
                self._kept.put(keys[i], one)
        return [kept[i].item for i in range(len(rows))]

    def _build(
        self,
        session: Session,
        runtime: Runtime,
        rows: list[dict[str, Any]],
        reader: Role,
        build: Callable[[dict[str, Any]], Any],
    ) -> list[_Kept]:
        app = runtime.application
        records = [(r["record_id"], r["record_version"]) for r in rows]
        stored = {
            (row.originator_id, row.originator_version): (row, event, opened)
            for row, event, opened in stored_events_opened(session, app, runtime.tables, records)
        }
        service = runtime.settings.service_name
        built = []
        for r in rows:
            row, event, opened = stored[(r["record_id"], r["record_version"])]
            act = act_entry(
                service, r, row, event, runtime.contracts.publish(row.id, event, reader).data
            )
            built.append(_Kept(act, frozenset(opened), build(act)))
        return built


def kept_acts(runtime: Runtime) -> KeptActs:
    """The service's kept acts (one per running service)."""
    found = runtime.extras.get("kept_acts")
    if not isinstance(found, KeptActs):
        found = runtime.extras.setdefault("kept_acts", KeptActs())
    return found
