"""A decision's reads run on their generic plans, and the log's writes on the plans the
settings give (shared.generic_plans): the setting rides on the statements that take the
records' locks and the log's ordering, is given back as it was, and ends with the
transaction. On PostgreSQL, the only database with a plan cache to set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from services.postings.projections.tables import kernel as postings_kernel
from shared import driver
from shared.eventstore import _locking
from shared.log_write import _ordering
from tests.force import (
    DIRECTOR,
    compulsory,
    expect,
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.support import pg

EVENTS = postings_kernel.events.name


@pytest.fixture
def backend() -> str:
    return "postgresql"


def _setting(session: Session) -> str:
    return str(session.execute(text("SELECT current_setting('plan_cache_mode')")).scalar())


def _ordered(session: Session, key: int) -> None:
    """The statement that takes the log's ordering, with no events to insert."""
    sql, params = _ordering(key, (), events=postings_kernel.events)
    empty = {"originator_ids": "{}", "originator_versions": "{}", "topics": "{}", "states": "{}"}
    driver.send(session, sql, {**params, **empty})


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    request.getfixturevalue("pg_templates")
    url = pg.clone("postings")
    made = create_engine(url)
    try:
        yield made
    finally:
        made.dispose()
        pg.drop(url)


@pytest.mark.parametrize("before", ["auto", "force_custom_plan"])
def test_the_setting_is_given_back_as_it_was(engine: Engine, before: str) -> None:
    with Session(engine) as session:
        session.execute(text(f"SET plan_cache_mode = {before}"))
        session.commit()
        driver.send(session, _locking(1, share=False), {"k0": 11})
        assert _setting(session) == "force_generic_plan"
        # A second set of locks in the same unit of work keeps what to give back.
        driver.send(session, _locking(2, share=True), {"k0": 12, "k1": 13, "rebuild": 14})
        assert _setting(session) == "force_generic_plan"
        _ordered(session, 15)
        assert _setting(session) == before
        session.commit()
        # The next transaction starts as the session was, and the ordering alone (a unit
        # of work that took no record's lock) leaves it so.
        assert _setting(session) == before
        _ordered(session, 15)
        assert _setting(session) == before
        session.rollback()


@pytest.mark.parametrize("kept_elsewhere", ["bogus", "force_custom_plan", "", "x|y"])
def test_a_value_of_the_kept_settings_name_set_elsewhere_is_never_given_back(
    engine: Engine, kept_elsewhere: str
) -> None:
    # As a database's or role's defaults would set it: the session's own value.
    with Session(engine) as session:
        session.execute(text(f"SET officer_postings.plan_cache_mode = '{kept_elsewhere}'"))
        session.commit()
        _ordered(session, 31)
        assert _setting(session) == "auto"
        session.commit()
        driver.send(session, _locking(1, share=False), {"k0": 32})
        assert _setting(session) == "force_generic_plan"
        _ordered(session, 31)
        assert _setting(session) == "auto"
        session.commit()


def test_a_transaction_that_ends_before_the_ordering_ends_the_setting(engine: Engine) -> None:
    with Session(engine) as session:
        driver.send(session, _locking(1, share=False), {"k0": 21})
        assert _setting(session) == "force_generic_plan"
        session.rollback()
        assert _setting(session) == "auto"


def test_a_decision_reads_on_generic_plans_and_writes_its_log_on_the_settings(
    client: TestClient,
) -> None:
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    seen: list[tuple[str, str]] = []

    def after(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        # Asked on the statement's own connection, in its transaction.
        raw = conn.connection.driver_connection
        row = raw.execute("SELECT current_setting('plan_cache_mode')").fetchone()
        seen.append((" ".join(sql.split()), row[0]))

    event.listen(engine, "after_cursor_execute", after)
    try:
        expect(
            client.post(
                "/postings/compulsory",
                json=compulsory(),
                headers={**DIRECTOR, "Idempotency-Key": f"generic-{uuid4()}"},
            ),
            201,
        )
    finally:
        event.remove(engine, "after_cursor_execute", after)
    settings = dict(seen)
    read_ahead = [s for sql, s in seen if sql.startswith("WITH kept AS")]
    # The officer's key is read in the read-ahead's statement (ADR 0038), nowhere else.
    keys = [s for sql, s in seen if "FROM officer_keys" in sql]
    # The events are inserted in the statement that takes the ordering and gives the
    # setting back; the chain's links, joined to the read models, are planned as before.
    adding = [s for sql, s in seen if f"added AS (INSERT INTO {EVENTS} " in sql]
    chain = [s for sql, s in seen if f"INSERT INTO {EVENTS}_chain" in sql]
    assert read_ahead == ["force_generic_plan"], settings
    assert keys == ["force_generic_plan"]
    assert next(sql for sql, _ in seen if "FROM officer_keys" in sql).startswith("WITH kept AS")
    assert adding == ["auto"]
    assert chain == ["auto"]
