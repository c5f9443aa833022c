"""One source of truth for every stored length (shared/lengths.py), held two ways.

On PostgreSQL, which refuses a string longer than its column where SQLite keeps it: every
string field of every operation the three services document (request bodies, path and
query parameters) is sent at exactly its documented ``maxLength``, matching its
``pattern``, by a role the operation admits (``x-roles``), within a valid example of the
request. No answer may be a 5xx (or no answer at all), and unless an example says why a
refusal is right, the request succeeds; a record created or changed, or read by its id,
reads back what was sent. The world the examples live in is made of longest values too
(officer ids, codes, names, the tokens' subjects, every Idempotency-Key), so a field that
names a record names one at full length and the request reaches the database.

Without a database: every documented string has a maximum length, and no column that a
documented field fills is narrower than the field."""

from __future__ import annotations

import copy
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import Engine, MetaData, String, create_engine, select

from services.appeals.main import create_app as create_appeals
from services.appeals.projections.tables import metadata as appeals_metadata
from services.appeals.projections.tables import posting_decisions
from services.postings.hr_system.mapping import officer_record
from services.postings.hr_system.odata import format_date
from services.postings.main import create_app as create_postings
from services.postings.projections.tables import metadata as postings_metadata
from services.roi.main import create_app as create_roi
from services.roi.projections.tables import metadata as roi_metadata
from shared import forms, lengths
from shared.api.app import NO_NUL
from shared.api.feed import FEED_TYPES_MAX, FEED_TYPES_PATTERN
from shared.api.schemas import IDENTIFIER, NOT_BLANK
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.force import days
from tests.support.http import eventually
from tests.support.three_services import System, running_system
from tests.support.tokens import bearer

QUARTER = r"^[1-9]\d{3}-Q[1-4]$"
METADATA: dict[str, MetaData] = {
    "postings": postings_metadata,
    "appeals": appeals_metadata,
    "roi": roi_metadata,
}


def openapi_documents(tmp_path: Path) -> dict[str, dict[str, Any]]:
    return {
        "postings": create_postings(
            PostingsSettings(database_url=f"sqlite:///{tmp_path}/postings.sqlite3")
        ).openapi(),
        "appeals": create_appeals(
            AppealsSettings(database_url=f"sqlite:///{tmp_path}/appeals.sqlite3")
        ).openapi(),
        "roi": create_roi(RoiSettings(database_url=f"sqlite:///{tmp_path}/roi.sqlite3")).openapi(),
    }


# -- the string fields an OpenAPI document describes -------------------------------------------


@dataclass(frozen=True)
class StringField:
    """One string in a request: a path or query parameter, or a place in the body (a list
    by its first item, index 0)."""

    where: str
    at: tuple[str | int, ...]
    max_length: int | None
    pattern: str | None
    enum: tuple[str, ...] = ()
    #: A date, a moment or a UUID: typed, not text.
    formatted: bool = False

    @property
    def name(self) -> str:
        return next(str(part) for part in reversed(self.at) if isinstance(part, str))

    def __str__(self) -> str:
        return ".".join([self.where, *(str(part) for part in self.at)])


def _strings(
    spec: dict[str, Any], schema: dict[str, Any], at: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        for alternative in schema.get(key, []):
            yield from _strings(spec, alternative, at)
    if schema.get("type") == "string":
        yield at, schema
    if schema.get("type") == "array":
        yield from _strings(spec, schema.get("items", {}), (*at, 0))
    for name, sub in schema.get("properties", {}).items():
        yield from _strings(spec, sub, (*at, name))


def string_fields(spec: dict[str, Any], operation: dict[str, Any]) -> list[StringField]:
    found: list[tuple[str, tuple[str | int, ...], dict[str, Any]]] = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] in ("path", "query"):
            named: tuple[str | int, ...] = (parameter["name"],)
            found += [
                (parameter["in"], at, s) for at, s in _strings(spec, parameter["schema"], named)
            ]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if "schema" in body:
        found += [("body", at, s) for at, s in _strings(spec, body["schema"], ())]
    return [
        StringField(
            where=where,
            at=at,
            max_length=schema.get("maxLength"),
            pattern=schema.get("pattern"),
            enum=tuple(schema.get("enum", ())),
            formatted="format" in schema,
        )
        for where, at, schema in found
    ]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


# -- longest values -------------------------------------------------------------------------------

_FILL = "0123456789abcdefghijklmnopqrstuvwxyz"
_PROSE = "Ærøskøbing ñandú çà "


def identifier(length: int, stem: str) -> str:
    """An identifier of exactly ``length`` characters, as unique as its stem."""
    value = (f"{stem}-" + _FILL * (length // len(_FILL) + 2))[:length]
    assert re.match(IDENTIFIER, value), value
    return value


def prose(length: int, stem: str) -> str:
    """Text of exactly ``length`` characters, not all ASCII (PostgreSQL counts characters),
    with nothing at either end that stripping would take away."""
    value = (f"{stem}: " + _PROSE * (length // len(_PROSE) + 2))[:length]
    return value[:-1] + "x" if value.endswith(" ") else value


def longest(one: StringField, stem: str) -> str:
    assert one.max_length is not None
    # Free text's documented patterns say only "no NUL" and "not blank".
    free = one.pattern in (None, NO_NUL, NOT_BLANK)
    if one.pattern == QUARTER:
        value = "2027-Q1"
    elif one.pattern == FEED_TYPES_PATTERN:
        # As many types as may be named, each at its longest: none that is published.
        each = (one.max_length + 1) // FEED_TYPES_MAX - 1
        value = ",".join(f"T{n:03}".ljust(each, "x") for n in range(FEED_TYPES_MAX))
    elif one.pattern in (IDENTIFIER, forms.SUBJECT) or (free and one.where != "body"):
        value = identifier(one.max_length, stem)
    elif free:
        value = prose(one.max_length, stem)
    else:
        raise AssertionError(f"{one}: teach this test a value matching {one.pattern!r}")
    assert len(value) == one.max_length, (str(one), value)
    return value


def _get(document: Any, at: tuple[str | int, ...]) -> Any:
    for part in at:
        if isinstance(part, int):
            document = document[0] if isinstance(document, list) and document else None
        else:
            document = document.get(part) if isinstance(document, dict) else None
    return document


def _put(document: dict[str, Any], at: tuple[str | int, ...], value: Any) -> None:
    node: Any = document
    for part, following in itertools.pairwise(at):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            if not node:
                node.append(empty)
            node = node[0]
        else:
            if node.get(part) is None:
                node[part] = empty
            node = node[part]
    last = at[-1]
    if isinstance(last, int):
        node[:1] = [value]
    else:
        node[last] = value


# -- the world the examples live in ---------------------------------------------------------------


class World:
    """Places, people and records at full length, made through the API as examples ask."""

    def __init__(self, system: System, appeals_database: Engine) -> None:
        self.system = system
        self._appeals = appeals_database
        self._unfollowed = False
        self.clients = {"postings": system.postings, "appeals": system.appeals, "roi": system.roi}
        self._count = itertools.count(1)
        self._subjects: dict[Role, str] = {}
        self._sitting: str | None = None
        self.division = self.code("division")
        self.home_town = self.code("hometown")
        self.home = self.location("home", 51.2720, 0.5290)
        self.target = self.location("target", 51.1950, 0.2750)
        self.college = self.location("college", 51.2590, 0.5100, kind="college")

    # values

    def stem(self, name: str) -> str:
        return f"{name[:12]}{next(self._count)}"

    def code(self, name: str = "code") -> str:
        return identifier(lengths.CODE, self.stem(name))

    def officer_id(self) -> str:
        return identifier(lengths.OFFICER_ID, self.stem("K"))

    def text(self, length: int = lengths.TEXT) -> str:
        return prose(length, self.stem("text"))

    # people

    def subject(self, role: Role) -> str:
        """The one person in the role, named as long as a subject may be."""
        if role not in self._subjects:
            self._subjects[role] = identifier(lengths.SUBJECT, self.stem(role.value))
        return self._subjects[role]

    def as_(self, role: Role, *, fresh: bool = False) -> dict[str, str]:
        """The role's token, in the world's division; ``fresh``: someone else in the role
        (expensive queries are capped per caller)."""
        subject = identifier(lengths.SUBJECT, self.stem(role.value)) if fresh else None
        return bearer(role, subject=subject or self.subject(role), division=self.division)

    def as_officer(self, officer_id: str) -> dict[str, str]:
        return bearer(Role.OFFICER, subject=officer_id, officer_id=officer_id)

    def post(
        self, service: str, url: str, headers: dict[str, str], body: Any, status: int = 200
    ) -> Any:
        key = identifier(lengths.IDEMPOTENCY_KEY, self.stem("key"))
        response = self.clients[service].post(
            url, json=body, headers={**headers, "Idempotency-Key": key}
        )
        assert response.status_code == status, f"POST {url}: {response.text[:1000]}"
        return response.json()

    # postings

    def location(self, name: str, lat: float, lon: float, kind: str = "station") -> str:
        body = {
            "code": self.code(name),
            "name": self.text(lengths.NAME),
            "division": self.division,
            "town": self.code(f"{name}town"),
            "lat": lat,
            "lon": lon,
            "kind": kind,
        }
        self.post("postings", "/locations", self.as_(Role.HR_RESOURCE_PLANNING), body, 201)
        return str(body["code"])

    def officer_body(self, **overrides: Any) -> dict[str, Any]:
        """A constable serving at home, long past probation, trained."""
        return {
            "officer_id": self.officer_id(),
            "name": self.text(lengths.NAME),
            "rank": "constable",
            "division": self.division,
            "place_of_duty": self.home,
            "appointed_on": days(-3000),
            "home_town": self.home_town,
            "home": {"lat": 51.2720, "lon": 0.5290},
            "initial_training_complete": True,
            "skills": [self.code("skill")],
            **overrides,
        }

    def officer(self, **overrides: Any) -> str:
        body = self.officer_body(**overrides)
        self.post("postings", "/officers", self.as_(Role.HR_RESOURCE_PLANNING), body, 201)
        return str(body["officer_id"])

    def compulsory(self, officer_id: str) -> dict[str, Any]:
        return {
            "officer_id": officer_id,
            "to_location": self.target,
            "likely_posting_date": days(60),
            "rationale": self.text(),
            "reasoning_for_officer": self.text(),
            "preferences": [self.target],
        }

    def posting(self, *, notified: bool = False, dated: bool = False) -> dict[str, Any]:
        """A compulsory posting of a new officer, decided by the Director of HR."""
        officer_id = self.officer()
        director = self.as_(Role.DIRECTOR_OF_HR)
        posting = self.post(
            "postings", "/postings/compulsory", director, self.compulsory(officer_id), 201
        )
        url = f"/postings/{posting['id']}"
        if notified:
            told = {"recipients": [officer_id], "content": self.text()}
            posting = self.post(
                "postings", f"{url}/notifications", self.as_(Role.HR_RESOURCE_PLANNING), told
            )
        if dated:
            date = {"posting_date": days(61), "exceptional_circumstances": self.text()}
            posting = self.post("postings", f"{url}/date", self.as_(Role.HEAD_OF_RESOURCING), date)
        return dict(posting)

    def sitting(self) -> str:
        if self._sitting is None:
            panel = self.as_(Role.DEPLOYMENT_PANEL)
            sitting = self.post("postings", "/panel-sittings", panel, {"sits_on": days(7)}, 201)
            self._sitting = str(sitting["id"])
        return self._sitting

    def request(self, *, supported: bool = False) -> str:
        """A 1068 request an officer submitted, supported by their SLT if asked."""
        officer_id = self.officer()
        body = {
            "officer_id": officer_id,
            "grounds": "development",
            "reasons": self.text(),
            "roles_sought": [self.text()],
            "locations_sought": [self.target],
        }
        request = self.post("postings", "/requests", self.as_officer(officer_id), body, 201)
        if supported:
            url = f"/requests/{request['id']}/support"
            self.post("postings", url, self.as_(Role.SLT), {"rationale": self.text()})
        return str(request["id"])

    def restricted(self) -> dict[str, str]:
        """An officer and a location Professional Standards marked unsuitable for them."""
        officer_id = self.officer()
        body = {"location": self.target, "rationale": self.text()}
        url = f"/officers/{officer_id}/restrictions"
        self.post("postings", url, self.as_(Role.PSD), body, 201)
        return {"officer_id": officer_id, "location": self.target}

    def delegation(self) -> str:
        body = {
            "delegate_id": self.subject(Role.HR_RESOURCE_PLANNING),
            "powers": ["compulsory_posting"],
            "valid_from": days(0),
            "valid_to": days(30),
            "rationale": self.text(),
        }
        return str(
            self.post("postings", "/delegations", self.as_(Role.DIRECTOR_OF_HR), body, 201)["id"]
        )

    def unit(self) -> str:
        body = {"code": self.code("unit"), "name": self.text(lengths.NAME), "kind": "department"}
        self.post("postings", "/units", self.as_(Role.HR_RESOURCE_PLANNING), body, 201)
        return str(body["code"])

    # appeals

    def appealable(self) -> dict[str, Any]:
        """A posting decision notified to the officer, once appeals' follower has taken
        both from postings' feed (read in its table: reading it through the API would
        record a consultation, which is under test here)."""
        posting = self.posting(notified=True)
        notified = select(posting_decisions.c.notified_at).where(
            posting_decisions.c.posting_id == posting["id"]
        )

        def seen() -> bool:
            with self._appeals.connect() as connection:
                return connection.execute(notified).scalar() is not None

        # Once appeals has failed to follow, every later example fails at once.
        assert not self._unfollowed, "appeals did not follow postings' feed"
        self._unfollowed = True
        eventually(seen)
        self._unfollowed = False
        return posting

    def appeal(self, *, assigned: bool = False) -> tuple[str, str]:
        """An appeal lodged by the officer posted (assigned to the Head of Department if
        asked), and the appellant's officer id."""
        posting = self.appealable()
        officer_id = str(posting["officer_id"])
        body = {"posting_id": posting["id"], "grounds": self.text()}
        lodged = self.post("appeals", "/appeals", self.as_officer(officer_id), body, 201)
        appeal_id = str(lodged["id"])
        if assigned:
            hearing = {
                "hearer_id": self.subject(Role.HEAD_OF_DEPARTMENT),
                "level": self.text(lengths.LINE),
                "rationale": self.text(),
            }
            url = f"/appeals/{appeal_id}/assignment"
            self.post("appeals", url, self.as_(Role.HEAD_OF_RESOURCING), hearing)
        return appeal_id, officer_id

    # roi

    def designation_body(self) -> dict[str, Any]:
        return {
            "course_code": self.code("course"),
            "title": self.text(lengths.TITLE),
            "quarter": "2026-Q4",
            "reasons": ["scarce_skill"],
            "proposed_by": ["head_of_l_and_d"],
            "rationale": self.text(),
        }

    def designation(self) -> str:
        ld = self.as_(Role.HEAD_OF_L_AND_D)
        return str(self.post("roi", "/designations", ld, self.designation_body(), 201)["id"])

    def commitment(self, *, completed: bool = False) -> dict[str, Any]:
        """A commitment after a designated course, of an officer postings knows in the
        world's division (a Head of Department's case asks it); ``completed``: told in
        time, done, so it binds."""
        body = {
            "officer_id": self.officer(),
            "designation_id": self.designation(),
            "starts_on": days(-60),
            "ends_on": days(-10),
        }
        ld = self.as_(Role.HEAD_OF_L_AND_D)
        commitment = self.post("roi", "/commitments", ld, body, 201)
        if completed:
            url = f"/commitments/{commitment['id']}"
            self.post("roi", f"{url}/notice", ld, {"notified_on": days(-70)})
            self.post("roi", f"{url}/completion", ld, {"completed_on": days(-10)})
        return dict(commitment)


# -- a valid example of every operation that takes a string ---------------------------------------


@dataclass
class Req:
    """A valid request: who sends it, its parameters and body, and the fields whose longest
    value is rightly refused, by the statuses that say so ("*": whatever the field)."""

    headers: dict[str, str]
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    refused: dict[str, tuple[int, ...]] = field(default_factory=dict)


Example = Callable[[World], Req]
EXAMPLES: dict[tuple[str, str, str], Example] = {}


def example(*keys: tuple[str, str, str]) -> Callable[[Example], Example]:
    def register(make: Example) -> Example:
        for key in keys:
            EXAMPLES[key] = make
        return make

    return register


def by(
    role: Role, body: Callable[[World], Any] | None = None, **path: Callable[[World], str]
) -> Example:
    """An example sent by ``role`` (someone new each time), with a body and path parameters
    each made for it."""

    def make(w: World) -> Req:
        return Req(
            w.as_(role, fresh=True),
            path={name: value(w) for name, value in path.items()},
            body=body(w) if body is not None else None,
        )

    return make


def _everywhere(method: str, path: str) -> list[tuple[str, str, str]]:
    return [(service, method, path) for service in METADATA]


def _rationale(w: World) -> dict[str, Any]:
    return {"rationale": w.text()}


HR = Role.HR_RESOURCE_PLANNING

example(
    *_everywhere("GET", "/audit/consultations"),
    *_everywhere("GET", "/audit/decisions"),
    *_everywhere("GET", "/audit/export"),
    *_everywhere("GET", "/events"),
)(by(Role.AUDITOR))


def _disposal(service: str, held: Callable[[World], str], refused: tuple[int, ...] = ()) -> None:
    def make(w: World) -> Req:
        body = {"retention_ended_on": days(-1), "rationale": w.text(lengths.DISPOSAL_RATIONALE)}
        return Req(
            w.as_(Role.HR_POLICY_OWNER),
            path={"officer_id": held(w)},
            body=body,
            refused={"*": refused},
        )

    EXAMPLES[(service, "POST", "/retention/officers/{officer_id}/disposal")] = make


_disposal("postings", lambda w: w.officer())
_disposal("appeals", lambda w: w.appeal()[1])
# ROI seals nothing under an officer's key: it holds no personal data to dispose of.
_disposal("roi", lambda w: w.commitment()["officer_id"], refused=(404,))

# postings: officers

example(("postings", "POST", "/officers"))(by(HR, lambda w: w.officer_body()))
example(("postings", "GET", "/officers"))(by(HR))
example(("postings", "PATCH", "/officers/{officer_id}"))(
    by(HR, lambda w: {"name": w.text(lengths.NAME)}, officer_id=World.officer)
)
example(("postings", "PUT", "/officers/{officer_id}/pdr"))(
    by(HR, lambda w: {"due_on": days(200), "completed_on": days(-1)}, officer_id=World.officer)
)
example(
    ("postings", "GET", "/officers/{officer_id}"),
    ("postings", "GET", "/officers/{officer_id}/personal-file"),
    ("postings", "GET", "/officers/{officer_id}/exceptions"),
    ("postings", "GET", "/officers/{officer_id}/notifications"),
)(by(HR, officer_id=World.officer))
example(("postings", "GET", "/officers/{officer_id}/division"))(
    by(Role.SERVICE, officer_id=World.officer)
)
example(("postings", "GET", "/officers/{officer_id}/restrictions"))(
    by(Role.PSD, officer_id=World.officer)
)
example(("postings", "POST", "/officers/{officer_id}/restrictions"))(
    by(Role.PSD, lambda w: {"location": w.target, "rationale": w.text()}, officer_id=World.officer)
)


@example(("postings", "PUT", "/officers/{officer_id}/preferences"))
def _state_preferences(w: World) -> Req:
    officer_id = w.officer()
    body = {"places": [w.target], "rationale": w.text()}
    return Req(w.as_officer(officer_id), path={"officer_id": officer_id}, body=body)


example(("postings", "GET", "/officers/{officer_id}/preferences"))(by(HR, officer_id=World.officer))


@example(("postings", "POST", "/officers/{officer_id}/restrictions/{location}/lifting"))
def _lift(w: World) -> Req:
    return Req(w.as_(Role.PSD), path=w.restricted(), body=_rationale(w))


@example(("postings", "POST", "/officers/{officer_id}/restrictions/{location}/exception-support"))
def _support_exception(w: World) -> Req:
    return Req(w.as_(Role.HEAD_OF_RESOURCING), path=w.restricted(), body=_rationale(w))


example(("postings", "POST", "/officers/{officer_id}/home-town-exception"))(
    by(
        Role.DIRECTOR_OF_HR,
        _rationale,
        officer_id=lambda w: w.officer(appointed_on=days(-100), probation_ends_on=days(300)),
    )
)
example(("postings", "POST", "/officers/{officer_id}/probation-review"))(
    by(
        HR,
        lambda w: {"outcome": "confirmed", "rationale": w.text()},
        officer_id=lambda w: w.officer(appointed_on=days(-800), probation_ends_on=days(-1)),
    )
)


@example(("postings", "POST", "/officers/{officer_id}/exceptions"))
def _policy_exception(w: World) -> Req:
    return Req(
        w.as_(Role.HR_POLICY_OWNER),
        path={"officer_id": w.officer()},
        body={"rule": "PdrMustBeCompletedBeforeTheMove", "rationale": w.text()},
        # A rule id as long as the field allows names no rule.
        refused={"body.rule": (422,)},
    )


# postings: places, policy, delegations, structure, the HR system


example(("postings", "POST", "/locations"))(
    by(
        HR,
        lambda w: {
            "code": w.code(),
            "name": w.text(lengths.NAME),
            "division": w.division,
            "town": w.code(),
            "lat": 51.0,
            "lon": 0.5,
        },
    )
)
example(("postings", "GET", "/locations"))(by(HR))
example(("postings", "GET", "/locations/{code}"))(by(HR, code=lambda w: w.home))
example(("postings", "PUT", "/policy/travel-limit"))(
    by(Role.DIRECTOR_OF_HR, lambda w: {"limit_km": 500, **_rationale(w)})
)
example(("postings", "PUT", "/policy/notice-period"))(
    by(Role.DIRECTOR_OF_HR, lambda w: {"days": 28, **_rationale(w)})
)
example(("postings", "POST", "/delegations"))(
    by(
        Role.DIRECTOR_OF_HR,
        lambda w: {
            "delegate_id": w.subject(HR),
            "powers": ["compulsory_posting"],
            "valid_from": days(0),
            "valid_to": days(30),
            **_rationale(w),
        },
    )
)
example(("postings", "POST", "/delegations/{delegation_id}/revocation"))(
    by(Role.DIRECTOR_OF_HR, _rationale, delegation_id=World.delegation)
)


example(("postings", "POST", "/delegations/{delegation_id}/reliances"))(
    by(
        Role.SERVICE,
        lambda w: {
            "power": "compulsory_posting",
            "actor_id": w.subject(Role.HR_RESOURCE_PLANNING),
            "case_id": str(uuid.uuid4()),
        },
        delegation_id=World.delegation,
    )
)


@example(("postings", "GET", "/delegations/{delegation_id}/coverage"))
def _coverage(w: World) -> Req:
    return Req(
        w.as_(HR),
        path={"delegation_id": w.delegation()},
        query={"power": "compulsory_posting", "actor_id": w.subject(HR), "on": days(1)},
    )


example(("postings", "POST", "/units"))(
    by(
        HR,
        lambda w: {
            "code": w.code(),
            "name": w.text(lengths.NAME),
            "kind": "division",
            "head_id": w.subject(Role.DIVISIONAL_COMMANDER),
        },
    )
)
example(("postings", "PUT", "/units/{code}/head"))(
    by(HR, lambda w: {"head_id": w.subject(Role.HEAD_OF_DEPARTMENT)}, code=World.unit)
)
example(("postings", "GET", "/units/{code}"))(by(HR, code=World.unit))
example(("postings", "PUT", "/establishment/{division}"))(
    by(
        HR,
        lambda w: {"category": "skill", "key": w.code(), "target": 3},
        division=lambda w: w.division,
    )
)
example(("postings", "GET", "/strength"))(by(HR))
example(("postings", "GET", "/audit/officers/{officer_id}/timeline"))(
    by(Role.AUDITOR, officer_id=World.officer)
)


@example(("postings", "POST", "/hr-system/events"))
def _hr_events(w: World) -> Req:
    return Req(
        w.as_(Role.INTEGRATION),
        body={"userId": w.officer_id(), "eventType": "JobInfoChanged"},
        # No HR system is configured here: a problem saying so, never a crash.
        refused={"*": (503,)},
    )


# postings: decisions and what follows them

example(("postings", "POST", "/postings/compulsory"))(
    by(Role.DIRECTOR_OF_HR, lambda w: w.compulsory(w.officer()))
)
example(("postings", "POST", "/postings/senior"))(
    by(
        Role.DIRECTOR_OF_HR,
        lambda w: {**w.compulsory(w.officer(rank="chief_inspector")), "flow": "compulsory"},
    )
)
example(("postings", "POST", "/postings/redeployments"))(
    by(
        Role.DIVISIONAL_COMMANDER,
        lambda w: {
            "officer_id": w.officer(),
            "to_location": w.target,
            "posting_date": days(50),
            **_rationale(w),
        },
    )
)
example(("postings", "POST", "/postings/best-interests"))(
    by(
        Role.HEAD_OF_RESOURCING,
        lambda w: {
            "officer_id": w.officer(),
            "to_location": w.target,
            "likely_posting_date": days(60),
            "in_interests_of": "organisation",
            **_rationale(w),
        },
    )
)
example(("postings", "POST", "/postings/selections"))(
    by(
        Role.LINE_MANAGER,
        lambda w: {
            "officer_id": w.officer(),
            "to_location": w.target,
            "likely_posting_date": days(45),
            "selection_process": w.text(),
            "slt_recipients": [w.subject(Role.SLT)],
            **_rationale(w),
        },
    )
)
example(("postings", "POST", "/postings/appointments/college"))(
    by(
        HR,
        lambda w: {
            "officer_id": w.officer(
                appointed_on=days(0), probation_ends_on=days(730), initial_training_complete=False
            ),
            "to_location": w.college,
            "posting_date": days(1),
            **_rationale(w),
        },
    )
)
example(("postings", "POST", "/postings/appointments/divisional"))(
    by(
        HR,
        lambda w: {
            "officer_id": w.officer(appointed_on=days(-200), probation_ends_on=days(500)),
            "to_location": w.target,
            "likely_posting_date": days(120),
            "welfare_request": w.text(),
            **_rationale(w),
        },
    )
)
example(("postings", "POST", "/postings/batches"))(
    by(
        Role.DIRECTOR_OF_HR,
        lambda w: {
            "rationale": w.text(),
            "reasoning_for_officer": w.text(),
            "postings": [
                {
                    "officer_id": w.officer(),
                    "to_location": w.target,
                    "likely_posting_date": days(60),
                    "preferences": [w.target],
                }
            ],
        },
    )
)
example(("postings", "GET", "/postings"))(by(HR))


def _posting(**state: bool) -> Callable[[World], str]:
    return lambda w: str(w.posting(**state)["id"])


example(("postings", "POST", "/postings/{posting_id}/date"))(
    by(
        Role.HEAD_OF_RESOURCING,
        lambda w: {"posting_date": days(61), "exceptional_circumstances": w.text()},
        posting_id=_posting(),
    )
)
example(("postings", "POST", "/postings/{posting_id}/delay"))(
    by(HR, lambda w: {"posting_date": days(90), **_rationale(w)}, posting_id=_posting(dated=True))
)
example(("postings", "POST", "/postings/{posting_id}/notifications"))(
    by(
        HR,
        lambda w: {"recipients": [w.subject(Role.SLT)], "content": w.text()},
        posting_id=_posting(),
    )
)
example(("postings", "POST", "/postings/{posting_id}/move"))(
    by(HR, _rationale, posting_id=_posting(notified=True, dated=True))
)
example(("postings", "POST", "/postings/{posting_id}/withdrawal"))(
    by(Role.DIRECTOR_OF_HR, _rationale, posting_id=_posting())
)
example(("postings", "POST", "/panel-sittings/{sitting_id}/outcomes"))(
    by(
        Role.DEPLOYMENT_PANEL,
        lambda w: {
            "posting_id": w.posting()["id"],
            "outcome": "date_confirmed",
            "posting_date": days(61),
            **_rationale(w),
        },
        sitting_id=World.sitting,
    )
)

# postings: 1068 requests


@example(("postings", "POST", "/requests"))
def _submit(w: World) -> Req:
    officer_id = w.officer()
    body = {
        "officer_id": officer_id,
        "grounds": "welfare",
        "reasons": w.text(),
        "roles_sought": [w.text()],
        "locations_sought": [w.target],
    }
    return Req(w.as_officer(officer_id), body=body)


example(
    ("postings", "POST", "/requests/{request_id}/support"),
    ("postings", "POST", "/requests/{request_id}/decline"),
)(by(Role.SLT, _rationale, request_id=World.request))
example(("postings", "POST", "/requests/{request_id}/posting"))(
    by(
        HR,
        lambda w: {
            "to_location": w.target,
            "likely_posting_date": days(60),
            "travel_justification": w.text(),
            "welfare_consideration": w.text(),
            **_rationale(w),
        },
        request_id=lambda w: w.request(supported=True),
    )
)

# appeals


@example(("appeals", "POST", "/appeals"))
def _lodge(w: World) -> Req:
    posting = w.appealable()
    body = {"posting_id": posting["id"], "grounds": w.text()}
    return Req(w.as_officer(posting["officer_id"]), body=body)


@example(("appeals", "POST", "/appeals/late-permissions"))
def _late_permission(w: World) -> Req:
    posting = w.appealable()
    body = {"posting_id": posting["id"], "appellant_id": posting["officer_id"], **_rationale(w)}
    return Req(w.as_(Role.HR_POLICY_OWNER), body=body)


example(("appeals", "POST", "/appeals/{appeal_id}/assignment"))(
    by(
        Role.HEAD_OF_RESOURCING,
        lambda w: {
            "hearer_id": w.subject(Role.HEAD_OF_DEPARTMENT),
            "level": w.text(lengths.LINE),
            **_rationale(w),
        },
        appeal_id=lambda w: w.appeal()[0],
    )
)


@example(("appeals", "POST", "/appeals/{appeal_id}/submissions"))
def _submission(w: World) -> Req:
    appeal_id, appellant = w.appeal()
    body = {"content": w.text()}
    return Req(w.as_officer(appellant), path={"appeal_id": appeal_id}, body=body)


@example(("appeals", "POST", "/appeals/{appeal_id}/evidence"))
def _evidence(w: World) -> Req:
    path = {"appeal_id": w.appeal(assigned=True)[0]}
    return Req(w.as_(Role.HEAD_OF_DEPARTMENT), path=path, body={"content": w.text()})


@example(("appeals", "POST", "/appeals/{appeal_id}/outcome"))
def _decide(w: World) -> Req:
    path = {"appeal_id": w.appeal(assigned=True)[0]}
    body = {"outcome": "dismissed", **_rationale(w)}
    return Req(w.as_(Role.HEAD_OF_DEPARTMENT), path=path, body=body)


example(("appeals", "GET", "/posting-decisions"))(by(Role.HEAD_OF_RESOURCING))

# roi

example(("roi", "POST", "/designations"))(by(Role.HEAD_OF_L_AND_D, World.designation_body))
example(("roi", "POST", "/designations/exceptional"))(
    by(Role.FORCE_RESOURCING_PANEL, World.designation_body)
)
example(("roi", "GET", "/designations"))(by(HR))
example(("roi", "POST", "/commitments"))(
    by(
        Role.HEAD_OF_L_AND_D,
        lambda w: {
            "officer_id": w.officer_id(),
            "designation_id": w.designation(),
            "starts_on": days(-60),
            "ends_on": days(-10),
        },
    )
)
example(("roi", "POST", "/commitments/{commitment_id}/ending"))(
    by(
        Role.HEAD_OF_L_AND_D,
        lambda w: {"reason": "withdrawn", **_rationale(w)},
        commitment_id=lambda w: w.commitment()["id"],
    )
)


def _release(w: World) -> dict[str, Any]:
    return {"to_location": w.code(), **_rationale(w)}


def _binding(w: World) -> str:
    return str(w.commitment(completed=True)["id"])


example(("roi", "POST", "/commitments/{commitment_id}/release"))(
    by(Role.FORCE_RESOURCING_PANEL, _release, commitment_id=_binding)
)
example(("roi", "POST", "/commitments/{commitment_id}/local-case"))(
    by(Role.HEAD_OF_DEPARTMENT, _release, commitment_id=_binding)
)


def _local_case(w: World) -> str:
    commitment_id = _binding(w)
    url = f"/commitments/{commitment_id}/local-case"
    w.post("roi", url, w.as_(Role.HEAD_OF_DEPARTMENT), _release(w))
    return commitment_id


example(("roi", "POST", "/commitments/{commitment_id}/local-release"))(
    by(Role.HEAD_OF_RESOURCING, _rationale, commitment_id=_local_case)
)
example(("roi", "GET", "/officers/{officer_id}/commitments"))(
    by(Role.HEAD_OF_L_AND_D, officer_id=lambda w: w.commitment()["officer_id"])
)


@example(("roi", "GET", "/officers/{officer_id}/roi-status"))
def _roi_status(w: World) -> Req:
    path = {"officer_id": w.commitment(completed=True)["officer_id"]}
    return Req(w.as_(HR), path=path, query={"on": days(10)})


# -- the walk ----------------------------------------------------------------------------------


def _role_of(headers: dict[str, str]) -> str:
    token = headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["role"])


def _at_longest(w: World, made: Req, one: StringField) -> tuple[Req, str]:
    """The example with this field at its longest: as it is if it names a record at full
    length already, else a new longest value."""
    made = copy.deepcopy(made)
    if one.where == "body":
        current = _get(made.body, one.at)
    else:
        current = (made.path if one.where == "path" else made.query).get(one.name)
    if isinstance(current, str) and len(current) == one.max_length:
        return made, current
    value = longest(one, w.stem(one.name))
    if one.where == "body":
        made.body = made.body if made.body is not None else {}
        _put(made.body, one.at, value)
    else:
        (made.path if one.where == "path" else made.query)[one.name] = value
    return made, value


def _read_back(method: str, one: StringField, value: str, response: httpx.Response) -> str | None:
    """A record created or changed, or read by its id, gives the field back as sent."""
    if len(one.at) != 1 or "json" not in response.headers.get("content-type", ""):
        return None
    if not (
        response.status_code == 201
        or method in ("PUT", "PATCH")
        or (method == "GET" and one.where == "path")
    ):
        return None
    answer = response.json()
    said = answer.get(one.name) if isinstance(answer, dict) else None
    if isinstance(said, str) and said != value:
        return f"sent {len(value)} characters, read back {len(said)}: {said[:80]!r}"
    return None


def walk(w: World, specs: dict[str, dict[str, Any]]) -> tuple[list[str], int]:
    """Every string field of every operation at its longest: what went wrong, and how many
    requests were sent."""
    wrong, sent = [], 0
    for service, spec in specs.items():
        for method, template, operation in operations(spec):
            fields = [one for one in string_fields(spec, operation) if one.max_length]
            if not fields:
                continue
            where = f"{service} {method} {template}"
            make = EXAMPLES.get((service, method, template))
            if make is None:
                wrong.append(f"{where}: no example; add one to EXAMPLES")
                continue
            for one in fields:
                try:
                    example_made = make(w)
                except (AssertionError, httpx.TransportError) as exc:
                    wrong.append(f"{where} {one}: its example cannot be made: {exc}")
                    continue
                made, value = _at_longest(w, example_made, one)
                role = _role_of(made.headers)
                if role not in operation["x-roles"]:
                    wrong.append(f"{where}: the example's role {role} is not admitted")
                headers = dict(made.headers)
                if method != "GET":
                    headers["Idempotency-Key"] = identifier(lengths.IDEMPOTENCY_KEY, w.stem("key"))
                url = template.format_map(made.path)
                sent += 1
                try:
                    response = w.clients[service].request(
                        method, url, params=made.query, json=made.body, headers=headers
                    )
                except httpx.TransportError as exc:
                    wrong.append(f"{where} {one}: no answer ({exc!r})")
                    continue
                status = response.status_code
                if status in made.refused.get(str(one), ()) + made.refused.get("*", ()):
                    continue
                if status >= 300:
                    wrong.append(f"{where} {one}: {status} {response.text[:300]}")
                elif (said := _read_back(method, one, value, response)) is not None:
                    wrong.append(f"{where} {one}: {said}")
    return wrong, sent


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture
def backend() -> str:
    """PostgreSQL only: SQLite keeps a string of any length, whatever its column says."""
    return "postgresql"


@pytest.fixture
def world(database_urls: dict[str, str], tmp_path: Path) -> Iterator[World]:
    appeals = create_engine(database_urls["appeals"])
    try:
        with running_system(database_urls, tmp_path) as system:
            yield World(system, appeals)
    finally:
        appeals.dispose()


@pytest.mark.e2e
def test_every_documented_string_is_stored_at_its_maximum_length(
    world: World, tmp_path: Path
) -> None:
    wrong, sent = walk(world, openapi_documents(tmp_path))
    assert not wrong, "\n".join(wrong)
    assert sent > 150  # every field of every operation, not a few


@pytest.mark.e2e
def test_an_officer_registered_with_every_field_at_its_longest_reads_back_equal(
    world: World,
) -> None:
    hr = world.as_(HR)
    body = world.officer_body(supervisor_id=world.officer_id())
    created = world.post("postings", "/officers", hr, body, 201)
    read = world.system.postings.get(f"/officers/{body['officer_id']}", headers=hr).json()
    for name in ("officer_id", "name", "division", "place_of_duty", "home_town", "supervisor_id"):
        assert created[name] == read[name] == body[name], name
    assert read["skills"] == body["skills"]
    assert (len(read["officer_id"]), len(read["name"])) == (lengths.OFFICER_ID, lengths.NAME)


def test_every_documented_string_has_a_maximum_length(tmp_path: Path) -> None:
    unbounded = [
        f"{service} {method} {path} {one}"
        for service, spec in openapi_documents(tmp_path).items()
        for method, path, operation in operations(spec)
        for one in string_fields(spec, operation)
        if one.max_length is None and not one.enum and not one.formatted
    ]
    assert unbounded == []


#: Columns a documented field fills under another name.
FILLS: dict[str, tuple[str, ...]] = {
    "to_location": ("released_for", "local_case_for"),
    "userId": ("officer_id",),
}


def test_no_column_is_narrower_than_the_field_that_fills_it(tmp_path: Path) -> None:
    """Matched by name (and FILLS): each body field and path parameter against the
    service's columns of that name. Query parameters only filter."""
    narrower, matched = [], set()
    for service, spec in openapi_documents(tmp_path).items():
        columns: dict[str, list[tuple[str, int]]] = {}
        for kept in METADATA[service].tables.values():
            for column in kept.columns:
                if isinstance(column.type, String) and column.type.length is not None:
                    columns.setdefault(column.name, []).append((kept.name, column.type.length))
        for method, path, operation in operations(spec):
            for one in string_fields(spec, operation):
                if one.where == "query":
                    continue
                wanted = max([one.max_length or 0, *(len(value) for value in one.enum)])
                for name in (one.name, *FILLS.get(one.name, ())):
                    for table, length in columns.get(name, []):
                        matched.add((service, table, name))
                        if length < wanted:
                            narrower.append(
                                f"{service} {table}.{name} ({length}) < {method} {path} {one}"
                                f" ({wanted})"
                            )
    assert narrower == []
    for reached in [
        ("postings", "officers", "officer_id"),
        ("postings", "officers", "name"),
        ("postings", "consultations", "officer_id"),
        ("postings", "restrictions", "location"),
        ("postings", "units", "head_id"),
        ("postings", "establishment", "category"),
        ("appeals", "appeals", "hearer_id"),
        ("appeals", "appeals", "level"),
        ("roi", "designations", "title"),
        ("roi", "commitments", "released_for"),
        ("roi", "officer_keys", "officer_id"),
    ]:
        assert reached in matched, reached


@pytest.mark.parametrize(
    ("too_long", "user", "job"),
    [
        ("officer_id", {"userId": "K" * (lengths.OFFICER_ID + 1)}, {}),
        ("name", {"lastName": "N" * lengths.NAME}, {}),
        ("division", {}, {"department": "D" * (lengths.CODE + 1)}),
        ("supervisor_id", {}, {"managerId": "S" * (lengths.OFFICER_ID + 1)}),
    ],
)
def test_the_hr_sync_refuses_what_the_columns_cannot_keep(
    too_long: str, user: dict[str, str], job: dict[str, str]
) -> None:
    """The sync registers officers through the commands, not the API: a record longer than
    the columns is the officer's problem in the run's report, never a failed run."""
    ranks = PostingsSettings().hr_job_ranks
    hired = format_date(date(2020, 1, 6))
    fits_user = {"userId": "K300", "firstName": "Sam", "lastName": "Smith", "hireDate": hired}
    fits_job = {"jobCode": "PC", "department": "NORTH", "location": "MAIDSTONE"}
    assert officer_record(fits_user, fits_job, ranks).officer_id == "K300"
    with pytest.raises(ValueError, match=f"{too_long} is longer than"):
        officer_record({**fits_user, **user}, {**fits_job, **job}, ranks)
