"""Keeps postings' read models from its events, in each event's own transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from services.postings.domain.delegation import Delegation
from services.postings.domain.establishment import Establishment
from services.postings.domain.location import Location
from services.postings.domain.officer import Officer
from services.postings.domain.panel import PanelSitting
from services.postings.domain.policy import PolicySettings
from services.postings.domain.posting import Posting
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.unit import Unit
from services.postings.projections.strength import recount
from services.postings.projections.tables import (
    delegations,
    establishment,
    hr_outbox,
    locations,
    notifications,
    officers,
    panel_outcomes,
    panel_sittings,
    personal_file,
    policy_exceptions,
    policy_settings,
    postings,
    restrictions,
    transfer_requests,
    units,
)
from shared.arrival import place
from shared.compiled_once import CompiledOnce
from shared.db import insert_if_absent
from shared.envelope import jsonable
from shared.held_writes import flush_inserts, holding_inserts, insert_row, update_rows
from shared.log_write import still_riding, with_the_ordering

Handler = Callable[[Session, Any], None]
_HANDLERS: dict[type[Any], Handler] = {}


def handles(event_class: type[Any]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[event_class] = handler
        return handler

    return register


class PostingsProjector:
    def project(self, session: Session, event: Any) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is None:
            return
        decided: dict[str, dict[str, Any]] | None = session.info.get(_DECIDED_ROWS)
        if decided:
            # A later event changes the posting's row: it is read from the table again.
            decided.pop(str(event.originator_id), None)
        # Writes held back in a rebuild go first, unless this event only adds rows and
        # updates officers (other handlers read those tables or change their rows).
        if type(event) not in _APPEND_ONLY:
            flush_batch(session)
        handler(session, event)

    def begin_batch(self, session: Session) -> None:
        begin_batch(session)

    def flush_batch(self, session: Session) -> None:
        flush_batch(session)

    def recount(self, session: Session) -> None:
        recount(session)


# The officer's row, and the officer id of an aggregate, are the most frequent statements
# (a rebuild runs them for every officer event): built once, with the values as parameters,
# so each run costs no statement construction and no cache-key walk over literal values.
_UPDATE_OFFICER = CompiledOnce(
    update(officers).where(officers.c.aggregate_id == bindparam("b_aggregate"))
)
_OFFICER_ID = select(officers.c.officer_id).where(
    officers.c.aggregate_id == bindparam("b_aggregate")
)
_OFFICER_IDS = "postings.officer_ids"


_PENDING = "postings.officer_updates"
#: Key in ``Session.info``, in a rebuild: each officer's division as the replay has made it
#: so far, by officer id (see ``_division_replayed``).
_DIVISIONS = "postings.divisions"


def begin_batch(session: Session) -> None:
    """For a rebuild: most events add a row (held by ``insert_row``) or update their
    officer's row, of which only the last values matter. The updates wait too, merged per
    officer, until ``flush_batch``; an event whose handler reads or changes existing rows
    flushes first (see ``_APPEND_ONLY``)."""
    session.info[_PENDING] = {}
    session.info[_DIVISIONS] = {}


def flush_batch(session: Session) -> None:
    flush_inserts(session)  # an officer's row before its updates
    pending: dict[str, dict[str, Any]] | None = session.info.get(_PENDING)
    if not pending:
        return
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for aggregate, values in pending.items():
        by_columns.setdefault(tuple(sorted(values)), []).append(
            {"aggregate_id": aggregate, **values}
        )
    for rows in by_columns.values():
        update_rows(session, officers, "aggregate_id", rows)
    pending.clear()


def _bump_officer(session: Session, event: Any, *, ride: bool = False, **values: Any) -> None:
    """The officer's row at the event's version, with ``values`` changed; with ``ride``
    and no values, live, on the log's ordering's round trip (``_ride_version``)."""
    row = {"version": event.originator_version, **values}
    pending: dict[str, dict[str, Any]] | None = session.info.get(_PENDING)
    if pending is not None:
        pending.setdefault(str(event.originator_id), {}).update(row)
        officer_id = session.info.get(_OFFICER_IDS, {}).get(str(event.originator_id))
        if "division" in row and officer_id is not None:
            session.info[_DIVISIONS][officer_id] = row["division"]
        return
    if ride and _ride_version(session, str(event.originator_id), row["version"]):
        return
    _UPDATE_OFFICER.run(session, {"b_aggregate": str(event.originator_id), **row})


#: Key in ``Session.info``: the officers' versions riding on the log's ordering, by
#: aggregate, as their held values.
_RIDING_VERSIONS = "postings.riding_versions"

#: The officer's row moved on to a version, unless it is there already or past it.
_OFFICER_VERSION = CompiledOnce(
    update(officers)
    .where(
        officers.c.aggregate_id == bindparam("b_aggregate"),
        officers.c.version < bindparam("b_version"),
    )
    .values(version=bindparam("b_version"))
)


def _ride_version(session: Session, aggregate: str, version: int) -> bool:
    """An officer's row that only moves on to the event's version (a posting opened or
    closed) rides on the statement that asks for the log's ordering (ADR 0039), where a
    decision sent it alone: what reads the row's version (the officer's own view) is not
    read by the commands that do this. Two such moves of one officer are one write at the
    later version (PostgreSQL does one of two updates of a row in one statement); a later
    change of the officer's row, sent at once at a later version, leaves the held one
    nothing to do. Whether it was held (else the caller sends it)."""
    held: dict[str, dict[str, Any]] = session.info.setdefault(_RIDING_VERSIONS, {})
    values = held.get(aggregate)
    if values is not None and still_riding(session, values):
        values["b_version"] = max(values["b_version"], version)
        return True
    try:
        sql, params = _OFFICER_VERSION.as_sent(
            session.get_bind().dialect, {"b_aggregate": aggregate, "b_version": version}
        )
    except ValueError:
        return False
    riding = with_the_ordering(session, sql, params)
    if riding is None:
        return False
    held[aggregate] = riding
    return True


def _officer_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Domain values as columns."""
    out = dict(values)
    if "rank" in out:
        out["rank"] = out["rank"].value
    if "home" in out:
        home = out.pop("home")
        out["home_lat"], out["home_lon"] = (home.lat, home.lon) if home else (None, None)
    if "skills" in out:
        out["skills"] = json.dumps(out["skills"])
    if "welfare_factors" in out:
        out["welfare_factors"] = json.dumps([f.value for f in out["welfare_factors"]])
    return out


@handles(Officer.Registered)
def _officer_registered(session: Session, event: Officer.Registered) -> None:
    fields = {
        name: getattr(event, name)
        for name in (
            "officer_id",
            "name",
            "rank",
            "division",
            "place_of_duty",
            "appointed_on",
            "home_town",
            "home",
            "probation_ends_on",
            "initial_training_complete",
            "supervisor_id",
            "skills",
            "working_pattern",
            "welfare_factors",
        )
    }
    insert_row(
        session,
        officers,
        {
            "aggregate_id": str(event.originator_id),
            "home_town_exception": False,
            "probation_reviewed": False,
            "version": event.originator_version,
            **_officer_values(fields),
        },
    )
    session.info.setdefault(_OFFICER_IDS, {})[str(event.originator_id)] = event.officer_id
    divisions: dict[str, str] | None = session.info.get(_DIVISIONS)
    if divisions is not None:
        divisions[event.officer_id] = event.division


@handles(Officer.DetailsChanged)
def _officer_changed(session: Session, event: Officer.DetailsChanged) -> None:
    _bump_officer(session, event, **_officer_values(event.changes))


@handles(Officer.PdrRecorded)
def _pdr_recorded(session: Session, event: Officer.PdrRecorded) -> None:
    _bump_officer(
        session, event, pdr_due_on=event.cycle.due_on, pdr_completed_on=event.cycle.completed_on
    )


def _officer_id(session: Session, event: Any) -> str:
    """The officer id of an officer aggregate: fixed at registration (the aggregate id is
    derived from it), so read at most once per unit of work."""
    known: dict[str, str] = session.info.setdefault(_OFFICER_IDS, {})
    aggregate = str(event.originator_id)
    if aggregate not in known:
        known[aggregate] = str(
            session.execute(_OFFICER_ID, {"b_aggregate": aggregate}).scalar_one()
        )
    return known[aggregate]


@handles(Officer.LocationRestricted)
def _restricted(session: Session, event: Officer.LocationRestricted) -> None:
    insert_row(
        session,
        restrictions,
        {
            "officer_id": _officer_id(session, event),
            "location": event.location,
            "source": event.source.value,
            "reason": event.decision.rationale,
            "supported_by_psd": False,
            "supported_by_head_of_resourcing": False,
            "recorded_at": event.timestamp,
        },
    )
    _bump_officer(session, event)


def _restriction_row(session: Session, event: Any) -> Any:
    officer_id = _officer_id(session, event)
    return (restrictions.c.officer_id == officer_id) & (restrictions.c.location == event.location)


@handles(Officer.RestrictionLifted)
def _lifted(session: Session, event: Officer.RestrictionLifted) -> None:
    session.execute(
        restrictions.delete().where(
            _restriction_row(session, event) & (restrictions.c.source == event.source.value)
        )
    )
    _bump_officer(session, event)


@handles(Officer.RestrictionExceptionSupported)
def _exception_supported(session: Session, event: Officer.RestrictionExceptionSupported) -> None:
    # As the event says it was given, and to which restrictions (version 1: every one).
    column = (
        "supported_by_psd"
        if event.supported_as.value == "psd"
        else "supported_by_head_of_resourcing"
    )
    covered = _restriction_row(session, event)
    if event.covers is not None:
        covered = covered & restrictions.c.source.in_([s.value for s in event.covers])
    session.execute(update(restrictions).where(covered).values({column: True}))
    _bump_officer(session, event)


@handles(Officer.HomeTownExceptionGranted)
def _home_town_exception(session: Session, event: Officer.HomeTownExceptionGranted) -> None:
    _bump_officer(session, event, home_town_exception=True)


@handles(Officer.PlaceOfDutyChanged)
def _place_of_duty(session: Session, event: Officer.PlaceOfDutyChanged) -> None:
    _bump_officer(session, event, place_of_duty=event.location, division=event.division)


@handles(Officer.PreferencesStated)
def _preferences_stated(session: Session, event: Officer.PreferencesStated) -> None:
    # The preferences are read from the officer's own events (they are sealed); the
    # officer's row takes the version, which its view and ETag give (found by the outside
    # tester: left behind, every If-Match taken from the officer's view was refused).
    _bump_officer(session, event)


@handles(Officer.PostingOpened)
@handles(Officer.PostingClosed)
def _posting_opened_or_closed(session: Session, event: Any) -> None:
    # The posting's own row says where it stands; the officer's row takes its version,
    # on the ordering's round trip: the commands that open or close a posting answer with
    # the posting, the appeal or the move, never with the officer's row.
    _bump_officer(session, event, ride=True)


@handles(Location.Registered)
def _location(session: Session, event: Location.Registered) -> None:
    session.execute(
        insert(locations).values(
            code=event.code,
            name=event.name,
            division=event.division,
            town=event.town,
            lat=event.point.lat,
            lon=event.point.lon,
            kind=event.kind,
            version=event.originator_version,
        )
    )


@handles(PolicySettings.Started)
def _policy_started(session: Session, event: PolicySettings.Started) -> None:
    session.execute(
        insert(policy_settings).values(
            id=1, travel_limit_km=None, notice_days=28, version=event.originator_version
        )
    )


@handles(PolicySettings.TravelLimitSet)
def _travel_limit(session: Session, event: PolicySettings.TravelLimitSet) -> None:
    session.execute(
        update(policy_settings).values(
            travel_limit_km=event.limit_km, version=event.originator_version
        )
    )


@handles(PolicySettings.NoticePeriodSet)
def _notice_period(session: Session, event: PolicySettings.NoticePeriodSet) -> None:
    session.execute(
        update(policy_settings).values(notice_days=event.days, version=event.originator_version)
    )


@handles(Delegation.Granted)
def _delegation_granted(session: Session, event: Delegation.Granted) -> None:
    session.execute(
        insert(delegations).values(
            id=str(event.originator_id),
            delegate_id=event.delegate_id,
            powers=json.dumps([p.value for p in event.powers]),
            valid_from=event.valid_from,
            valid_to=event.valid_to,
            granted_by=event.decision.actor_id,
            rationale=event.decision.rationale,
            revoked=0,
            version=event.originator_version,
        )
    )


@handles(Delegation.Revoked)
def _delegation_revoked(session: Session, event: Delegation.Revoked) -> None:
    session.execute(
        update(delegations)
        .where(delegations.c.id == str(event.originator_id))
        .values(revoked=1, version=event.originator_version)
    )


@handles(Delegation.Exercised)
def _delegation_exercised(session: Session, event: Delegation.Exercised) -> None:
    session.execute(
        update(delegations)
        .where(delegations.c.id == str(event.originator_id))
        .values(version=event.originator_version)
    )


def _posting_row(event: Any) -> Any:
    return postings.c.id == str(event.originator_id)


#: Built once (every decision runs it): the officer's division is found by the INSERT
#: itself.
_DECIDED = insert(postings).values(
    # The officer's division when the decision was taken: their own SLT and commander see
    # the posting that takes the officer away, too.
    from_division=select(officers.c.division)
    .where(officers.c.officer_id == bindparam("whose_division"))
    .scalar_subquery(),
)


#: Key in ``Session.info``: the rows of the postings this unit of work decided, as the
#: INSERT returned them, for the decision's answer (``decided_row``).
_DECIDED_ROWS = "postings.decided_rows"
_DECIDED_RETURNING = CompiledOnce(_DECIDED.returning(*postings.c))


def decided_row(session: Session, posting_id: str) -> dict[str, Any] | None:
    """The posting's row as this unit of work's decision wrote it, if it did and nothing
    since changed it: the answer to a decision without reading back what it just wrote."""
    decided: dict[str, dict[str, Any]] = session.info.get(_DECIDED_ROWS, {})
    return decided.get(posting_id)


def _division_replayed(session: Session, officer_id: str) -> str | None:
    """In a rebuild, the officer's division as the officers' table would give it at this
    point of the replay: their rows are written only by ``_officer_registered`` and
    ``_bump_officer``, which note it (an update of an officer the replay has not
    registered changes no row). None where the table has no such officer, as the
    statement's subquery would give."""
    divisions: dict[str, str] = session.info[_DIVISIONS]
    return divisions.get(officer_id)


@handles(Posting.Decided)
def _posting_decided(session: Session, event: Posting.Decided) -> None:
    decision = event.decision
    live = not holding_inserts(session)
    row = dict(
        id=str(event.originator_id),
        # The panel's queue is in the order the log holds the decisions.
        decided_seq=place(session, event, postings.c.decided_seq),
        kind=event.kind.value,
        state="date_confirmed" if event.posting_date else "awaiting_date",
        officer_id=event.officer_id,
        division=event.division,
        from_location=event.from_location,
        to_location=event.to_location,
        likely_posting_date=decision.effective_date,
        posting_date=event.posting_date,
        decided_by=decision.actor_id,
        decided_role=decision.actor_role.value,
        delegation_id=str(decision.delegation_id) if decision.delegation_id else None,
        decided_at=event.timestamp,
        clause=decision.clause,
        rationale=decision.rationale,
        # None once the officer's personal data is disposed of: nothing to show.
        details=json.dumps(jsonable(event.details) if event.details is not None else {}),
        facts=json.dumps(decision.facts),
        date_confirmed_at=event.timestamp if event.posting_date else None,
        version=event.originator_version,
    )
    if not live:
        # A rebuild holds the row with the rest, rather than flush every write held so
        # far for the statement's read of the officer's division: thousands of decisions
        # made each a round trip of its own, the slowest part of a rebuild.
        division = _division_replayed(session, event.officer_id)
        insert_row(session, postings, {**row, "from_division": division})
        return
    written = _DECIDED_RETURNING.run(session, {**row, "whose_division": event.officer_id})
    answer = written.one()._asdict()
    session.info.setdefault(_DECIDED_ROWS, {})[answer["id"]] = answer


@handles(Posting.DateConfirmed)
def _date_confirmed(session: Session, event: Posting.DateConfirmed) -> None:
    session.execute(
        update(postings)
        .where(_posting_row(event))
        .values(
            state="date_confirmed",
            posting_date=event.posting_date,
            date_confirmed_at=event.timestamp,
            sitting_id=str(event.sitting_id) if event.sitting_id else None,
            version=event.originator_version,
        )
    )
    if event.sitting_id:
        _panel_outcome(session, event, "date_confirmed", event.posting_date)


@handles(Posting.Deferred)
def _deferred(session: Session, event: Posting.Deferred) -> None:
    _bump_posting(session, event)
    _panel_outcome(session, event, "deferred", None)


def _panel_outcome(session: Session, event: Any, outcome: str, posting_date: Any) -> None:
    session.execute(
        insert(panel_outcomes).values(
            sitting_id=str(event.sitting_id),
            posting_id=str(event.originator_id),
            outcome=outcome,
            posting_date=posting_date,
            rationale=event.decision.rationale,
            decided_at=event.timestamp,
        )
    )


def _bump_posting(session: Session, event: Any, **values: Any) -> None:
    session.execute(
        update(postings)
        .where(_posting_row(event))
        .values(version=event.originator_version, **values)
    )


@handles(Posting.Delayed)
def _delayed(session: Session, event: Posting.Delayed) -> None:
    _bump_posting(session, event, posting_date=event.posting_date)


@handles(Posting.NoticeShortenedByAgreement)
def _notice_agreed(session: Session, event: Posting.NoticeShortenedByAgreement) -> None:
    _bump_posting(session, event, agreed_notice_days=event.agreed_days)


@handles(Posting.OfficerNotified)
def _notified(session: Session, event: Posting.OfficerNotified) -> None:
    officer_id = session.execute(
        select(postings.c.officer_id, postings.c.notified_at).where(_posting_row(event))
    ).one()
    values: dict[str, Any] = {}
    # Whether it started the appeal window is on the notification, as decided then.
    if event.window_started(
        officer_id=officer_id.officer_id, already_notified=officer_id.notified_at is not None
    ):
        values["notified_at"] = event.notified_at
    _bump_posting(session, event, **values)
    session.execute(
        insert(notifications).values(
            posting_id=str(event.originator_id),
            officer_id=officer_id.officer_id,
            recipients=json.dumps(event.recipients),
            content=event.content,
            notified_at=event.notified_at,
            recorded_at=event.timestamp,
            sent_by=event.actor_id,
            how=event.how.value,
        )
    )


@handles(Posting.Moved)
def _moved(session: Session, event: Posting.Moved) -> None:
    # The move is a decision of its own: keep what it relied on beside the original facts.
    facts = json.loads(
        session.execute(select(postings.c.facts).where(_posting_row(event))).scalar_one()
    )
    facts["move"] = {"decided_by": event.decision.actor_id, **event.decision.facts}
    _bump_posting(session, event, state="moved", moved_on=event.moved_on, facts=json.dumps(facts))
    # The outcome goes out to Employee Central from the outbox (issue 7): written in this
    # transaction, so never lost; kept by a rebuild and ignored on a replay, so never twice.
    posting = session.execute(
        select(
            postings.c.officer_id, postings.c.kind, postings.c.division, postings.c.to_location
        ).where(_posting_row(event))
    ).one()
    insert_if_absent(
        session,
        hr_outbox,
        {
            "posting_id": str(event.originator_id),
            **posting._asdict(),
            "moved_on": event.moved_on,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": event.timestamp,
            "created_at": event.timestamp,
        },
        key=["posting_id"],
    )


@handles(Posting.SetAside)
def _set_aside(session: Session, event: Posting.SetAside) -> None:
    facts = json.loads(
        session.execute(select(postings.c.facts).where(_posting_row(event))).scalar_one()
    )
    facts["set_aside"] = {
        "appeal_id": str(event.appeal_id),
        "effect": event.effect,
        "decided_by": event.decision.actor_id,
    }
    _bump_posting(session, event, state=event.effect, facts=json.dumps(facts))


@handles(Posting.Withdrawn)
def _withdrawn(session: Session, event: Posting.Withdrawn) -> None:
    facts = json.loads(
        session.execute(select(postings.c.facts).where(_posting_row(event))).scalar_one()
    )
    facts["withdrawn"] = {
        "decided_by": event.decision.actor_id,
        "rationale": event.decision.rationale,
        **event.decision.facts,
    }
    _bump_posting(session, event, state="withdrawn", facts=json.dumps(facts))


@handles(PanelSitting.Scheduled)
def _sitting(session: Session, event: PanelSitting.Scheduled) -> None:
    session.execute(
        insert(panel_sittings).values(
            id=str(event.originator_id),
            sits_on=event.sits_on,
            closed=False,
            version=event.originator_version,
        )
    )


@handles(PanelSitting.OutcomeRecorded)
def _sitting_outcome(session: Session, event: PanelSitting.OutcomeRecorded) -> None:
    session.execute(
        update(panel_sittings)
        .where(panel_sittings.c.id == str(event.originator_id))
        .values(version=event.originator_version)
    )


@handles(PanelSitting.Closed)
def _sitting_closed(session: Session, event: PanelSitting.Closed) -> None:
    session.execute(
        update(panel_sittings)
        .where(panel_sittings.c.id == str(event.originator_id))
        .values(closed=True, version=event.originator_version)
    )


@handles(Officer.ProbationReviewed)
def _probation_reviewed(session: Session, event: Officer.ProbationReviewed) -> None:
    _bump_officer(session, event, probation_reviewed=True)


def _request_row(event: Any) -> Any:
    return transfer_requests.c.id == str(event.originator_id)


@handles(TransferRequest.Submitted)
def _request_submitted(session: Session, event: TransferRequest.Submitted) -> None:
    session.execute(
        insert(transfer_requests).values(
            id=str(event.originator_id),
            # 1068 requests are listed in the order the log holds them.
            submitted_seq=place(session, event, transfer_requests.c.submitted_seq),
            officer_id=event.officer_id,
            division=event.division,
            grounds=event.grounds,
            reasons=event.reasons,
            roles_sought=json.dumps(event.roles_sought),
            locations_sought=json.dumps(event.locations_sought),
            state="submitted",
            submitted_by=event.actor_id,
            submitted_at=event.timestamp,
            version=event.originator_version,
        )
    )


@handles(TransferRequest.Supported)
def _request_supported(session: Session, event: TransferRequest.Supported) -> None:
    session.execute(
        update(transfer_requests)
        .where(_request_row(event))
        .values(
            state="supported",
            decided_by=event.decision.actor_id,
            decision_reasons=event.decision.rationale,
            version=event.originator_version,
        )
    )


@handles(TransferRequest.Declined)
def _request_declined(session: Session, event: TransferRequest.Declined) -> None:
    session.execute(
        update(transfer_requests)
        .where(_request_row(event))
        .values(
            state="declined",
            decided_by=event.decision.actor_id,
            decision_reasons=event.decision.rationale,
            version=event.originator_version,
        )
    )
    officer_id = session.execute(
        select(transfer_requests.c.officer_id).where(_request_row(event))
    ).scalar_one()
    # The reasons are communicated to the officer and the request placed on their file.
    session.execute(
        insert(notifications).values(
            request_id=str(event.originator_id),
            officer_id=officer_id,
            recipients=json.dumps([officer_id]),
            content=event.decision.rationale,
            notified_at=event.timestamp,
            recorded_at=event.timestamp,
            sent_by=event.decision.actor_id,
            how="this_system",
        )
    )
    session.execute(
        insert(personal_file).values(
            officer_id=officer_id,
            kind="declined_1068",
            reference=str(event.originator_id),
            summary=event.decision.rationale,
            recorded_at=event.timestamp,
        )
    )


@handles(TransferRequest.Fulfilled)
def _request_fulfilled(session: Session, event: TransferRequest.Fulfilled) -> None:
    session.execute(
        update(transfer_requests)
        .where(_request_row(event))
        .values(
            state="fulfilled", posting_id=str(event.posting_id), version=event.originator_version
        )
    )


@handles(Officer.PolicyExceptionGranted)
def _exception_granted(session: Session, event: Officer.PolicyExceptionGranted) -> None:
    insert_row(
        session,
        policy_exceptions,
        {
            "officer_id": _officer_id(session, event),
            "granted_version": event.originator_version,
            "rule": event.rule,
            "granted_by": event.decision.actor_id,
            "rationale": event.decision.rationale,
            "granted_at": event.timestamp,
        },
    )
    _bump_officer(session, event)


@handles(Officer.PolicyExceptionApplied)
def _exception_applied(session: Session, event: Officer.PolicyExceptionApplied) -> None:
    officer_id = _officer_id(session, event)
    row = policy_exceptions.c
    session.execute(
        update(policy_exceptions)
        .where(row.officer_id == officer_id, row.rule == event.rule, row.used_for.is_(None))
        .values(used_for=event.case, used_at=event.timestamp)
    )
    _bump_officer(session, event)


@handles(Unit.Registered)
def _unit(session: Session, event: Unit.Registered) -> None:
    session.execute(
        insert(units).values(
            code=event.code,
            name=event.name,
            kind=event.kind,
            head_id=event.head_id,
            version=event.originator_version,
        )
    )


@handles(Unit.HeadChanged)
def _unit_head(session: Session, event: Unit.HeadChanged) -> None:
    session.execute(
        update(units)
        .where(units.c.code == event.code)
        .values(head_id=event.head_id, version=event.originator_version)
    )


@handles(Establishment.TargetSet)
def _target(session: Session, event: Establishment.TargetSet) -> None:
    key = (
        (establishment.c.division == event.division)
        & (establishment.c.category == event.category)
        & (establishment.c.key == event.key)
    )
    if session.execute(select(establishment.c.target).where(key)).first() is None:
        session.execute(
            insert(establishment).values(
                division=event.division,
                category=event.category,
                key=event.key,
                target=event.target,
            )
        )
    else:
        session.execute(update(establishment).where(key).values(target=event.target))


#: Events whose handlers, in a rebuild, only add rows and update their officer's row,
#: reading nothing back (a decision's row takes its officer's division from the replay,
#: ``_division_replayed``): their writes may wait for ``flush_batch``; every other event
#: flushes them first.
_APPEND_ONLY = frozenset(
    {
        Posting.Decided,
        Officer.Registered,
        Officer.DetailsChanged,
        Officer.PdrRecorded,
        Officer.LocationRestricted,
        Officer.HomeTownExceptionGranted,
        Officer.PlaceOfDutyChanged,
        Officer.ProbationReviewed,
        Officer.PolicyExceptionGranted,
        Officer.PostingOpened,
        Officer.PostingClosed,
        Officer.PreferencesStated,
    }
)
