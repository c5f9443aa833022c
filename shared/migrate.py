"""alembic, one version history per service database (migrations/<service>/)."""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("postings", "appeals", "roi")


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates its file but not the folder it is in."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(service: str, url: str) -> Config:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations" / service))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def service_metadata(service: str) -> MetaData:
    module = importlib.import_module(f"services.{service}.projections.tables")
    metadata: MetaData = module.metadata
    return metadata


def upgrade(service: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def upgrade_and_report(service: str, url: str) -> bool:
    """Upgrade to head; True when a database that already had a schema moved forward (so
    its read models must be rebuilt from the event log)."""
    from sqlalchemy import create_engine

    ensure_sqlite_folder(url)
    engine = create_engine(url)
    try:
        before = current_revision(engine)
    finally:
        engine.dispose()
    upgrade(service, url)
    return before is not None and before != head_revision(service)


def check(service: str, url: str) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(service, url))


def head_revision(service: str) -> str | None:
    script = ScriptDirectory(str(ROOT / "migrations" / service))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def run_env(service: str) -> None:
    """The body of every service's migrations/<service>/env.py."""
    from alembic import context
    from sqlalchemy import create_engine, pool

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from shared.settings import SETTINGS_BY_SERVICE

        url = SETTINGS_BY_SERVICE[service]().effective_database_url
    metadata = service_metadata(service)
    is_sqlite = url.startswith("sqlite")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    ensure_sqlite_folder(url)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=is_sqlite,
            compare_type=_compare_type,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def _compare_type(
    context: object,
    inspected_column: object,
    metadata_column: object,
    inspected_type: object,
    metadata_type: object,
) -> bool | None:
    """Like alembic's default, except for one false alarm: SQLite reflects the event store's
    BINARY(16) UUID column as NUMERIC. ``None`` means: compare as usual."""
    from sqlalchemy_utils.types.uuid import UUIDType

    dialect = getattr(context, "dialect", None)
    if isinstance(metadata_type, UUIDType) and getattr(dialect, "name", "") == "sqlite":
        return False
    return None
