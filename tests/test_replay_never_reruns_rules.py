"""Events carry the outcome decided at the time (issue 13, point 3): change the rules after
the fact (their constants, and every rule made to fail if it is called at all), rebuild
every read model of the three services from their logs, and nothing a reader sees moves."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from shared.rebuild import kept_tables, rebuild_read_models
from shared.rules import base
from shared.runtime import Runtime
from shared.settings import SETTINGS_BY_SERVICE
from tests.support.three_services import build_history, running_system

RULES_PACKAGES = (
    "services.postings.domain.rules",
    "services.appeals.domain.rules",
    "services.roi.domain.rules",
    "shared.rules",
)
#: Constants of rules that a replay must not read: the appeal window, the PDR window and
#: the default ROI period, changed as a later policy might change them.
CHANGED: dict[str, dict[str, Any]] = {
    "services.appeals.domain.rules.s3_10_appeals": {"WINDOW_DAYS": 21},
    "services.postings.domain.rules.s3_1_general": {"PDR_WINDOW": timedelta(days=30)},
    "services.roi.domain.rules.s3_9_roi": {"DEFAULT_ROI_PERIOD_MONTHS": 24},
}


def _runtime(service: str, database_url: str, audit_dir: Path) -> Runtime:
    settings = SETTINGS_BY_SERVICE[service](database_url=database_url, audit_dir=str(audit_dir))
    build: Any = importlib.import_module(f"services.{service}.main").build_runtime
    runtime: Runtime = build(settings)
    return runtime


def _read_models(runtime: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    """Every table a rebuild rewrites, row by row, in a stable order."""
    kernel = runtime.tables
    metadata: MetaData = kernel.events.metadata
    kept = kept_tables(kernel)
    out = {}
    with runtime.db.unit_of_work(write=False) as session:
        for table in metadata.sorted_tables:
            if table.name in kept or table.info.get("rebuild") == "keep":
                continue
            # Surrogate keys of rows added by a rebuild are numbered anew; the rest is the
            # read model.
            columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]
            rows = session.execute(select(*columns)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _refuse_to_run(*_: Any, **__: Any) -> Any:
    raise AssertionError("a rule was run while replaying history")


def _break_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    for rule in base.REGISTRY.values():
        if "check" in vars(rule):
            monkeypatch.setattr(rule, "check", _refuse_to_run)
    for package_name in RULES_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__, f"{package_name}."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if inspect.isfunction(value) and value.__module__ == module.__name__:
                    monkeypatch.setattr(module, name, _refuse_to_run)
    for module_name, constants in CHANGED.items():
        module = importlib.import_module(module_name)
        for name, value in constants.items():
            assert hasattr(module, name), f"{module_name}.{name}"
            monkeypatch.setattr(module, name, value)


@pytest.mark.e2e
def test_rebuilding_after_the_rules_change_leaves_every_read_model_as_it_was(
    database_urls: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_system(database_urls, tmp_path) as system:
        build_history(system)
    runtimes = {
        service: _runtime(service, url, tmp_path / f"audit-{service}")
        for service, url in database_urls.items()
    }
    try:
        before = {service: _read_models(r) for service, r in runtimes.items()}
        assert all(any(rows for rows in tables.values()) for tables in before.values())
        _break_every_rule(monkeypatch)
        for runtime in runtimes.values():
            rebuild_read_models(runtime.application, runtime.tables.events.metadata, runtime.tables)
        after = {service: _read_models(r) for service, r in runtimes.items()}
    finally:
        for runtime in runtimes.values():
            runtime.db.close()
    assert after == before
