"""Test databases on the machine's PostgreSQL: one template per service, built by the
migrations, from which a test's databases are cloned (and then emptied and lent to the
process's next test: tests.support.pg_reuse).

``python -m tests.support.pg prepare`` (run by ``./dev test``) builds the templates; the test
suite calls the same code, so running pytest alone works too."""

from __future__ import annotations

import hashlib
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from shared import migrate

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TEMPLATE_PREFIX = "op_test_tmpl_"
CLONE_PREFIX = "op_test_"


def admin_url() -> URL:
    return make_url(os.environ.get("OP_TEST_PG_URL", DEFAULT_ADMIN_URL))


def database_url(name: str) -> str:
    return admin_url().set(database=name).render_as_string(hide_password=False)


def read_alone(engine: Engine, sql: str, **params: object) -> object:
    """One value read in a transaction of its own: within one, the server's view of its
    sessions and locks is read once and kept, so a test polling for a wait would never see
    it begin."""
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def template_name(service: str) -> str:
    """Named by the migrations' content, so two checkouts on one machine (or a run while the
    migrations change) never rebuild a template another is cloning from."""
    return f"{TEMPLATE_PREFIX}{service}_{fingerprint(service)[:12]}"


def fingerprint(service: str) -> str:
    """The content of a service's migrations: a template built from other content (an
    earlier checkout, an edited revision) is rebuilt, whatever its revision number says."""
    digest = hashlib.sha256()
    migrations = migrate.ROOT / "migrations"
    # The service's own revisions, and the shared steps they call.
    for path in [*sorted((migrations / service).rglob("*.py")), *sorted(migrations.glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: Held while templates are built: two test processes (pytest workers, two checkouts) may
#: prepare at once, and one must not drop a template the other is building.
_PREPARING = 0x6F705F74  # "op_t"


def prepare() -> None:
    """(Re)build each service's template unless it was built from these very migrations."""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PREPARING})
            try:
                _prepare(engine)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PREPARING})
    finally:
        engine.dispose()


def _prepare(engine: Engine) -> None:
    for service in migrate.SERVICES:
        name = template_name(service)
        wanted = fingerprint(service)
        with engine.connect() as conn:
            built_from = conn.execute(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :n"
                ),
                {"n": name},
            ).first()
        if built_from is not None and built_from[0] == wanted:
            continue
        with engine.connect() as conn:
            if built_from is not None:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        migrate.upgrade(service, database_url(name))
        with engine.connect() as conn:
            conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{wanted}'"))


def clone(service: str) -> str:
    """A fresh database for one test, copied from the service's template; returns its URL."""
    name = f"{CLONE_PREFIX}{service}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name(service)}"'))
    finally:
        engine.dispose()
    return database_url(name)


class Clones(dict[str, str]):
    """A test's databases, each made when first asked for (``make``: a fresh clone by
    default): a test of postings alone never pays for appeals' and ROI's. Anything that
    walks the whole mapping gets them all."""

    def __init__(self, make: Callable[[str], str] = clone) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, service: str) -> str:
        if service not in migrate.SERVICES:
            raise KeyError(service)
        url = self[service] = self._make(service)
        return url

    def _all(self) -> None:
        for service in migrate.SERVICES:
            # Asking for it is what clones it.
            self.__getitem__(service)

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        return len(migrate.SERVICES)

    def __contains__(self, service: object) -> bool:
        return service in migrate.SERVICES

    def keys(self) -> dict_keys[str, str]:
        self._all()
        return super().keys()

    def values(self) -> dict_values[str, str]:
        self._all()
        return super().values()

    def items(self) -> dict_items[str, str]:
        self._all()
        return super().items()

    def made(self) -> list[tuple[str, str]]:
        """The databases made so far, by service, without making the rest."""
        return list(dict.items(self))


def drop(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:] != ["prepare"]:
        raise SystemExit("usage: python -m tests.support.pg prepare")
    prepare()
    print("test database templates are at head")
