"""The simulator's tenant: User, EmpJob (effective-dated) and FormHeader records held as
SuccessFactors sends them (``/Date(ms)/`` values, Int64 as strings), Learning's history,
and the rules by which a real tenant answers a query or an upsert. Each rule names the SAP
knowledge-base article (KBA) it follows; the simulator is built from those, never from
what our client happens to send."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.sfsim.metadata import ENTITIES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures"
#: Entities with effective dating: one row per period, ``startDate``..``endDate``.
EFFECTIVE_DATED = frozenset({"EmpJob"})
#: User.status values of people who are not active (KBA 2736579): inactive, inactive
#: external, and the two pending ones. Active are ``t`` and ``T``.
ACTIVE = frozenset({"t", "T"})
#: The fields this tenant's data model requires on a new EmpJob time slice (Employee
#: Central's "required" business rules; KBA 2942505, 2701624).
REQUIRED_EMPJOB = (
    "userId",
    "startDate",
    "seqNumber",
    "company",
    "department",
    "location",
    "jobCode",
    "managerId",
    "eventReason",
)
#: A user with no manager (KBA 2203342).
NO_MANAGER = "NO_MANAGER"
_LITERAL = r"datetimeoffset'[^']+'|datetime'[^']+'|'(?:[^']|'')*'|-?\d+"
_COMPARISON = re.compile(rf"^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+({_LITERAL})\s*$")
_IN = re.compile(r"^\s*(\w+)\s+in\s+((?:'(?:[^']|'')*'\s*,\s*)*'(?:[^']|'')*')\s*$")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def odata_date(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return f"/Date({int((value - EPOCH).total_seconds() * 1000)})/"


def from_odata(value: str) -> datetime:
    found = _DATE.match(value)
    if found is None:
        raise ValueError(f"not an OData date: {value!r}")
    return EPOCH + timedelta(milliseconds=int(found.group(1)))


class BadRequest(Exception):
    """A request-level 400, with SAP's error code."""

    def __init__(self, message: str, code: str = "COE_GENERAL_BAD_REQUEST") -> None:
        super().__init__(message)
        self.code = code


class Tenant:
    """One company's data and how its API answers.

    ``data_centre`` is the time zone of the data centre's servers: a ``datetime'…'``
    literal without an offset is read in it (KBA 2933028)."""

    def __init__(
        self,
        today: date,
        *,
        data_centre: str = "America/New_York",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.today = today
        self.data_centre = ZoneInfo(data_centre)
        self.clock = clock or (lambda: datetime.now(tz=UTC))
        self.records: dict[str, list[dict[str, Any]]] = {
            name: [] for name in (*ENTITIES, "LearningHistory")
        }
        self.faults = Faults()
        self.upserts_received = 0
        #: Every request the OData API answered (method, path), for counting calls.
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def load(self, fixture: str | Path) -> None:
        path = Path(fixture)
        if not path.is_absolute() and not path.exists():
            path = FIXTURES / f"{fixture}.json"
        data = json.loads(path.read_text())
        with self._lock:
            for name in self.records:
                self.records[name] = list(data.get(name, []))

    def now(self) -> datetime:
        return self.clock()

    # -- reads ---------------------------------------------------------------------------

    def _literal(self, text: str) -> Any:
        """A ``$filter`` literal. ``datetimeoffset'…'`` carries its own offset (``Z`` for
        UTC); ``datetime'…'`` has none and is read in the data centre's local time
        (KBA 2933028), so a client sending UTC there is off by the data centre's offset."""
        if text.startswith("datetimeoffset'"):
            value = datetime.fromisoformat(text[15:-1].replace("Z", "+00:00"))
            if value.tzinfo is None:
                raise BadRequest(f"[COE0019] datetimeoffset without an offset: {text}")
            return value.astimezone(UTC)
        if text.startswith("datetime'"):
            value = datetime.fromisoformat(text[9:-1])
            if value.tzinfo is not None:
                raise BadRequest(f"[COE0019] datetime with an offset: {text}")
            return value.replace(tzinfo=self.data_centre).astimezone(UTC)
        if text.startswith("'"):
            return text[1:-1].replace("''", "'")
        return int(text)

    def _clauses(self, entity: str, expression: str) -> list[Callable[[dict[str, Any]], bool]]:
        """The ``and``-joined clauses of a ``$filter`` (eq, ne, gt, ge, lt, le, in), each
        naming a property the entity's ``$metadata`` has (KBA 2545055)."""
        tests: list[Callable[[dict[str, Any]], bool]] = []
        for clause in re.split(r"\s+and\s+", expression.strip()):
            found = _IN.match(clause)
            if found:
                name = self._property(entity, found.group(1))
                allowed = {v.replace("''", "'") for v in _QUOTED.findall(found.group(2))}
                tests.append(_membership(name, allowed))
                continue
            found = _COMPARISON.match(clause)
            if not found:
                raise BadRequest(f"[COE0019] Failed to parse the filter: {clause}")
            name, op, literal = found.groups()
            self._property(entity, name)
            tests.append(_comparison(name, op, self._literal(literal)))
        return tests

    def _property(self, entity: str, name: str) -> str:
        if name not in ENTITIES[entity]:
            raise BadRequest(
                f"[COE0021] Invalid property names: {entity}/{name}", "COE_PROPERTY_NOT_FOUND"
            )
        return name

    def check_select(self, entity: str, select: str | None) -> list[str] | None:
        if not select:
            return None
        names = [s.strip() for s in select.split(",")]
        for name in names:
            self._property(entity, name)
        return names

    def check_expand(self, entity: str, expand: str | None) -> None:
        """``$expand`` names navigation properties; this tenant's entities model none, so
        any name is one ``$metadata`` does not have (KBA 2545055)."""
        for name in filter(None, (s.strip() for s in (expand or "").split(","))):
            raise BadRequest(
                f"[COE0021] Invalid property names: {entity}/{name}", "COE_PROPERTY_NOT_FOUND"
            )

    def order(self, entity: str, orderby: str | None, rows: list[dict[str, Any]]) -> None:
        """Sort by ``$orderby`` (``name [asc|desc]``, comma-separated), each name one the
        entity's ``$metadata`` has, else 400 ``COE_PROPERTY_NOT_FOUND`` (KBA 2545055)."""
        keys = []
        for item in filter(None, (s.strip() for s in (orderby or "").split(","))):
            name, _, direction = item.partition(" ")
            if direction.strip() not in ("", "asc", "desc"):
                raise BadRequest(f"[COE0019] Failed to parse $orderby: {item}")
            keys.append((self._property(entity, name), direction.strip() == "desc"))
        # Stable sorts, the last key first; a missing value sorts before any other.
        for name, descending in reversed(keys):
            rows.sort(key=_sort_key(name), reverse=descending)

    def query(
        self,
        entity: str,
        *,
        expression: str | None,
        from_date: date | None,
        to_date: date | None,
    ) -> list[dict[str, Any]]:
        if entity not in ENTITIES:
            raise BadRequest(f"[COE0001] Entity {entity} is not found", "COE_ENTITY_NOT_FOUND")
        tests = self._clauses(entity, expression) if expression else []
        with self._lock:
            rows = [dict(r) for r in self.records[entity] if all(t(r) for t in tests)]
        if entity == "User" and not (expression and re.search(r"\bstatus\b", expression)):
            # A User query returns active users only unless its filter names status
            # (KBA 2736579): a terminated officer is silently absent otherwise.
            rows = [r for r in rows if r.get("status") in ACTIVE]
        if entity in EFFECTIVE_DATED:
            # Without fromDate/toDate, the row in force today (asOfDate=today).
            start = from_date or self.today
            end = to_date or self.today
            rows = [
                r
                for r in rows
                if from_odata(r["startDate"]).date() <= end
                and from_odata(r["endDate"]).date() >= start
            ]
        return rows

    # -- Learning ------------------------------------------------------------------------

    def learning_history(self, expression: str | None, *, admin: bool) -> list[dict[str, Any]]:
        """Learning's learningHistory: the filter is mandatory (KBA 2814035) and uses
        ``criteria/…``; an admin token must name ``criteria/targetUserID``; each clause
        is ``eq`` only (KBA 2846276)."""
        if not expression:
            raise BadRequest("The URI is malformed.")
        criteria: dict[str, str] = {}
        for clause in re.split(r"\s+and\s+", expression.strip()):
            found = re.match(r"^\s*criteria/(\w+)\s+(\w+)\s+('(?:[^']|'')*'|\S+)\s*$", clause)
            if found is None:
                raise BadRequest("The URI is malformed.")
            name, op, literal = found.groups()
            if op != "eq":
                raise BadRequest("Operator used in each filter expression must be 'eq'")
            if name not in {"targetUserID", "maxNumberToRetrieve", "includeDeepLink", "itemID"}:
                raise BadRequest(f"Invalid criteria: {name}")
            criteria[name] = literal.strip("'").replace("''", "'")
        if admin and "targetUserID" not in criteria:
            raise BadRequest("targetUserID is required in the criteria for an admin token")
        with self._lock:
            rows = [
                dict(r)
                for r in self.records["LearningHistory"]
                if r["studentID"] == criteria.get("targetUserID")
                and criteria.get("itemID", r["componentID"]) == r["componentID"]
            ]
        limit = int(criteria.get("maxNumberToRetrieve", len(rows)))
        return rows[:limit]

    # -- upserts -------------------------------------------------------------------------

    def check_upsert(self, payload: Any) -> list[dict[str, Any]]:
        """A request the API cannot read at all is a 400 for the whole request, nothing
        written (``BadRequestException``, KBA 3145174): not a list of records, a record
        that names no entity, a property the entity does not have, a date not in
        ``/Date(ms)/`` form."""
        records = payload if isinstance(payload, list) else [payload]
        for record in records:
            if not isinstance(record, dict):
                raise BadRequest("BadRequestException: a record is not an object")
            uri = str(record.get("__metadata", {}).get("uri", ""))
            entity = uri.split("(")[0]
            if entity != "EmpJob":
                raise BadRequest(f"BadRequestException: cannot upsert {uri!r}")
            if record.get("userId") in self.faults.unreadable_upserts:
                raise BadRequest(
                    f"BadRequestException: cannot read the record of {record['userId']}",
                    "COE_INVALID_PROPERTY_FORMAT",
                )
            for name, value in record.items():
                if name == "__metadata":
                    continue
                self._property(entity, name)
                is_date = ENTITIES[entity][name] == "Edm.DateTime"
                if is_date and value is not None and not _DATE.match(str(value)):
                    raise BadRequest(
                        f"BadRequestException: {name} is not a date: {value!r}",
                        "COE_INVALID_PROPERTY_FORMAT",
                    )
        return records

    def upsert_empjob(self, record: dict[str, Any], index: int) -> dict[str, Any]:
        """Insert one effective-dated EmpJob row, or update the row with its key (userId,
        startDate, seqNumber: KBA 2701624), closing the row before it as Employee Central
        does. A business refusal is that record's own ``status: ERROR`` with
        ``httpCode: 500`` inside the request's 200 (KBA 2942505, 2481513)."""
        user_id = record.get("userId")
        key = (
            f"EmpJob/seqNumber={record.get('seqNumber')},"
            f"startDate={record.get('startDate')},userId={user_id}"
        )
        with self._lock:
            failing = self.faults.failing_upserts.get(str(user_id), 0)
            if failing:
                self.faults.failing_upserts[str(user_id)] = failing - 1
                return _result(key, index, "ERROR", 500, "The record is locked by another change")
            if not any(u["userId"] == user_id for u in self.records["User"]):
                return _result(key, index, "ERROR", 500, f"Invalid userId {user_id}")
            history = [r for r in self.records["EmpJob"] if r["userId"] == user_id]
            same = [
                r
                for r in history
                if r["startDate"] == record.get("startDate")
                and str(r["seqNumber"]) == str(record.get("seqNumber"))
            ]
            stamp = odata_date(self.now())
            row = {k: v for k, v in record.items() if k not in {"__metadata", "endDate"}}
            if same:
                same[0].update(row, lastModifiedDateTime=stamp)
                return _result(key, index, "OK", 200, None, "UPSERTED")
            missing = [f for f in REQUIRED_EMPJOB if record.get(f) in (None, "")]
            if missing:
                return _result(
                    key,
                    index,
                    "ERROR",
                    500,
                    "Please add required properties in payload. Required properties "
                    f"{', '.join(missing)} are missing.",
                )
            start = from_odata(str(record["startDate"])).date()
            later = [r for r in history if from_odata(r["startDate"]).date() > start]
            end = (
                min(from_odata(r["startDate"]).date() for r in later) - timedelta(days=1)
                if later
                else date(9999, 12, 31)
            )
            for previous in history:
                p_start = from_odata(previous["startDate"]).date()
                p_end = from_odata(previous["endDate"]).date()
                if p_start < start <= p_end:
                    previous["endDate"] = odata_date(start - timedelta(days=1))
                    previous["lastModifiedDateTime"] = stamp
            self.records["EmpJob"].append(
                {**row, "endDate": odata_date(end), "lastModifiedDateTime": stamp}
            )
            self.upserts_received += 1
        return _result(key, index, "OK", 200, None, "INSERTED")

    def history(self, user_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = [dict(r) for r in self.records["EmpJob"] if r["userId"] == user_id]
        return sorted(rows, key=lambda r: (from_odata(r["startDate"]), int(r["seqNumber"])))

    def change(self, entity: str, key: dict[str, Any], values: dict[str, Any]) -> None:
        """Change a record as a person would in the tenant (for tests and demos); an entity
        with ``lastModifiedDateTime`` has it stamped, FormHeader its own date."""
        stamp = odata_date(self.now())
        stamped = (
            {"formLastModifiedDate": stamp}
            if entity == "FormHeader"
            else {"lastModifiedDateTime": stamp}
        )
        with self._lock:
            for record in self.records[entity]:
                if all(record.get(k) == v for k, v in key.items()):
                    record.update(values, **stamped)
                    return
            self.records[entity].append({**key, **values, **stamped})


def _sort_key(name: str) -> Callable[[dict[str, Any]], tuple[bool, str]]:
    return lambda record: (record.get(name) is not None, str(record.get(name) or ""))


def _membership(name: str, allowed: set[str]) -> Callable[[dict[str, Any]], bool]:
    return lambda record: str(record.get(name)) in allowed


def _comparison(name: str, op: str, right: Any) -> Callable[[dict[str, Any]], bool]:
    def test(record: dict[str, Any]) -> bool:
        left: Any = record.get(name)
        if left is None:
            return op == "ne"
        if isinstance(left, str) and _DATE.match(left):
            left = from_odata(left)
        if isinstance(right, int) and isinstance(left, str):
            left = int(left)  # Int64 values travel as strings
        if type(left) is not type(right) and not (
            isinstance(left, datetime) and isinstance(right, datetime)
        ):
            raise BadRequest(f"[COE0019] {name} cannot be compared with {right!r}")
        outcome: bool = {
            "eq": left == right,
            "ne": left != right,
            "gt": left > right,
            "ge": left >= right,
            "lt": left < right,
            "le": left <= right,
        }[op]
        return outcome

    return test


@dataclass
class Faults:
    """What the tenant does wrong next, on request."""

    throttle: int = 0
    retry_after: str = "1"
    errors: int = 0
    #: userId -> how many more upserts of that user's EmpJob are refused (a business
    #: refusal: ERROR with httpCode 500).
    failing_upserts: dict[str, int] = field(default_factory=dict)
    #: userIds whose record makes a whole upsert request a 400 (as a value the API cannot
    #: read does: BadRequestException, KBA 3145174).
    unreadable_upserts: set[str] = field(default_factory=set)
    #: Entities the API user has no permission to read: 403 (KBA 2545055).
    forbidden: set[str] = field(default_factory=set)


def _result(
    key: str, index: int, status: str, code: int, message: str | None, edit: str | None = None
) -> dict[str, Any]:
    return {
        "key": key,
        "status": status,
        "editStatus": edit,
        "message": message,
        "index": index,
        "httpCode": code,
        "inlineResults": None,
    }
