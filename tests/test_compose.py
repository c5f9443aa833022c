"""docker-compose.yml agrees with the settings the code reads. No Docker engine runs here, so
this test is what keeps the two from drifting apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from services.console.settings import ConsoleSettings
from shared.migrate import SERVICES
from shared.settings import SETTINGS_BY_SERVICE, AppealsSettings, PostingsSettings, RoiSettings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
INIT_SQL = (ROOT / "deploy" / "postgres-init.sql").read_text()
_DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")


def environment(service: str) -> dict[str, str]:
    """The service's environment as compose would set it with no overrides."""
    raw: dict[str, Any] = COMPOSE["services"][service]["environment"]
    return {key: _DEFAULTED.sub(lambda m: m.group(2), str(value)) for key, value in raw.items()}


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_is_a_setting_of_that_service(service: str) -> None:
    settings_class = SETTINGS_BY_SERVICE[service]
    prefix = settings_class.model_config.get("env_prefix", "")
    known = {prefix + name.upper() for name in settings_class.model_fields}
    assert set(environment(service)) <= known


@pytest.mark.parametrize("service", SERVICES)
def test_the_settings_load_from_the_compose_environment(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in environment(service).items():
        monkeypatch.setenv(key, value)
    settings = SETTINGS_BY_SERVICE[service]()

    url = make_url(settings.effective_database_url)
    assert url.get_backend_name() == "postgresql"
    assert url.host == "postgres"
    assert f"CREATE DATABASE {url.database};" in INIT_SQL
    assert url.database == service  # each service its own database
    assert settings.host == "0.0.0.0"
    assert COMPOSE["services"][service]["ports"] == [f"{settings.port}:{settings.port}"]
    assert COMPOSE["services"][service]["command"][-3:] == ["serve", service, "--no-migrate"]
    assert "migrate" in COMPOSE["services"][service]["depends_on"]


def test_migrate_step_migrates_the_databases_the_services_use() -> None:
    migrate_env = environment("migrate")
    assert COMPOSE["services"]["migrate"]["command"][-1] == "migrate"
    for service in SERVICES:
        key = SETTINGS_BY_SERVICE[service].model_config.get("env_prefix", "") + "DATABASE_URL"
        assert migrate_env[key] == environment(service)[key]


def test_appeals_reads_the_postings_service(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in environment("appeals").items():
        monkeypatch.setenv(key, value)
    postings_port = environment("postings")["POSTINGS_PORT"]
    assert AppealsSettings().postings_url == f"http://postings:{postings_port}"


def test_roi_checks_delegations_with_postings(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in environment("roi").items():
        monkeypatch.setenv(key, value)
    assert (
        RoiSettings().postings_url == f"http://postings:{environment('postings')['POSTINGS_PORT']}"
    )


def test_postings_asks_the_roi_service(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in environment("postings").items():
        monkeypatch.setenv(key, value)
    assert PostingsSettings().roi_url == f"http://roi:{environment('roi')['ROI_PORT']}"
    assert (
        PostingsSettings().appeals_url == f"http://appeals:{environment('appeals')['APPEALS_PORT']}"
    )


def test_services_trust_the_same_token_issuer() -> None:
    """The console's sign-in mints what the services verify: all four agree."""
    keys = ("JWT_ALGORITHM", "JWT_SECRET", "JWT_ISSUER", "JWT_AUDIENCE")
    values = {
        service: tuple(environment(service)[f"{service.upper()}_{k}"] for k in keys)
        for service in (*SERVICES, "console")
    }
    assert len(set(values.values())) == 1


def test_the_console_reaches_each_service_where_compose_runs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    known = {"CONSOLE_" + name.upper() for name in ConsoleSettings.model_fields}
    assert set(environment("console")) <= known
    for key, value in environment("console").items():
        monkeypatch.setenv(key, value)
    console = ConsoleSettings()
    for service in SERVICES:
        port = environment(service)[f"{service.upper()}_PORT"]
        assert getattr(console, f"{service}_url") == f"http://{service}:{port}"
        assert service in COMPOSE["services"]["console"]["depends_on"]
    assert console.host == "0.0.0.0"
    assert COMPOSE["services"]["console"]["ports"] == [f"{console.port}:{console.port}"]
    assert COMPOSE["services"]["console"]["command"][-2:] == ["serve", "console"]
