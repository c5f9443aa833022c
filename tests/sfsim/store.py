"""The simulator's tenant: User, EmpJob (effective-dated) and FormHeader records held as
SuccessFactors sends them (``/Date(ms)/`` values, Int64 as strings), with the parts of
OData v2 the integration uses: ``$filter`` (eq, ne, gt, ge, lt, le, in; joined by and),
``$select``, effective dating and ``lastModifiedDateTime``."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures"
ENTITIES = ("User", "EmpJob", "FormHeader", "LearningHistory")
#: Entities with effective dating: one row per period, ``startDate``..``endDate``.
EFFECTIVE_DATED = frozenset({"EmpJob"})
_COMPARISON = re.compile(r"^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(datetime'[^']+'|'[^']*'|-?\d+)\s*$")
_IN = re.compile(r"^\s*(\w+)\s+in\s+('[^']*'(?:\s*,\s*'[^']*')*)\s*$")


def odata_date(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return f"/Date({int((value - EPOCH).total_seconds() * 1000)})/"


def from_odata(value: str) -> datetime:
    milliseconds = int(re.sub(r"[^\d-].*$", "", value[6:]))
    return EPOCH + timedelta(milliseconds=milliseconds)


class BadRequest(Exception):
    pass


def _literal(text: str) -> Any:
    if text.startswith("datetime'"):
        return datetime.fromisoformat(text[9:-1]).replace(tzinfo=UTC)
    if text.startswith("'"):
        return text[1:-1]
    return int(text)


def _comparable(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("/Date("):
        return from_odata(value)
    return value


def matches(record: dict[str, Any], expression: str | None) -> bool:
    """Evaluate the subset of ``$filter`` the client uses; anything else is a 400, as a
    tenant answers a filter it cannot parse."""
    if not expression:
        return True
    for clause in re.split(r"\s+and\s+", expression):
        found = _IN.match(clause)
        if found:
            allowed = [v.strip()[1:-1] for v in found.group(2).split(",")]
            if str(record.get(found.group(1))) not in allowed:
                return False
            continue
        found = _COMPARISON.match(clause)
        if not found:
            raise BadRequest(f"[COE0019] Failed to parse the filter: {clause}")
        name, op, literal = found.groups()
        if name not in record:
            raise BadRequest(f"[COE0021] Invalid property names: {name}")
        left, right = _comparable(record[name]), _literal(literal)
        if isinstance(left, str) and isinstance(right, int):
            left = int(left)  # Int64 values travel as strings
        outcome = {
            "eq": left == right,
            "ne": left != right,
            "gt": left > right,
            "ge": left >= right,
            "lt": left < right,
            "le": left <= right,
        }[op]
        if not outcome:
            return False
    return True


@dataclass
class Faults:
    """What the tenant does wrong next, on request."""

    throttle: int = 0
    retry_after: str = "1"
    errors: int = 0
    #: userId -> how many more upserts of that user's EmpJob fail (retryable, httpCode 500).
    failing_upserts: dict[str, int] = field(default_factory=dict)


class Tenant:
    def __init__(self, today: date) -> None:
        self.today = today
        self.records: dict[str, list[dict[str, Any]]] = {name: [] for name in ENTITIES}
        self.faults = Faults()
        self.upserts_received = 0
        self._lock = threading.Lock()

    def load(self, fixture: str | Path) -> None:
        path = Path(fixture)
        if not path.is_absolute() and not path.exists():
            path = FIXTURES / f"{fixture}.json"
        data = json.loads(path.read_text())
        with self._lock:
            for name in ENTITIES:
                self.records[name] = list(data.get(name, []))

    def now(self) -> datetime:
        return datetime.now(tz=UTC)

    def query(
        self,
        entity: str,
        *,
        expression: str | None,
        from_date: date | None,
        to_date: date | None,
    ) -> list[dict[str, Any]]:
        if entity not in self.records:
            raise BadRequest(f"[COE0001] Entity {entity} is not found")
        with self._lock:
            rows = [r for r in self.records[entity] if matches(r, expression)]
        if entity in EFFECTIVE_DATED:
            start = from_date or self.today
            end = to_date or self.today
            rows = [
                r
                for r in rows
                if from_odata(r["startDate"]).date() <= end
                and from_odata(r["endDate"]).date() >= start
            ]
        return rows

    def upsert_empjob(self, record: dict[str, Any], index: int) -> dict[str, Any]:
        """Insert or replace one effective-dated EmpJob row, closing the row before it,
        as Employee Central does; answer with that record's own status."""
        user_id = record.get("userId")
        key = (
            f"EmpJob/seqNumber={record.get('seqNumber')},"
            f"startDate={record.get('startDate')},userId={user_id}"
        )
        with self._lock:
            failing = self.faults.failing_upserts.get(str(user_id), 0)
            if failing:
                self.faults.failing_upserts[str(user_id)] = failing - 1
                return _result(key, index, "ERROR", 500, "Internal error; please retry")
            if not any(u["userId"] == user_id for u in self.records["User"]):
                return _result(key, index, "ERROR", 400, f"Invalid userId {user_id}")
            start = from_odata(str(record.get("startDate", "/Date(0)/"))).date()
            history = [r for r in self.records["EmpJob"] if r["userId"] == user_id]
            same = [
                r
                for r in history
                if r["startDate"] == record["startDate"]
                and str(r["seqNumber"]) == str(record["seqNumber"])
            ]
            stamp = odata_date(self.now())
            row = {k: v for k, v in record.items() if k != "__metadata"}
            if same:
                same[0].update(row, lastModifiedDateTime=stamp)
                return _result(key, index, "OK", 200, None, "UPSERTED")
            later = [r for r in history if from_odata(r["startDate"]).date() > start]
            end = (
                min(from_odata(r["startDate"]).date() for r in later) - timedelta(days=1)
                if later
                else date(9999, 12, 31)
            )
            for previous in history:
                p_start, p_end = (
                    from_odata(previous["startDate"]).date(),
                    from_odata(previous["endDate"]).date(),
                )
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
        """Change a record as a person would in the tenant (for tests and demos)."""
        with self._lock:
            for record in self.records[entity]:
                if all(record.get(k) == v for k, v in key.items()):
                    record.update(values, lastModifiedDateTime=odata_date(self.now()))
                    return
            self.records[entity].append(
                {**key, **values, "lastModifiedDateTime": odata_date(self.now())}
            )


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
