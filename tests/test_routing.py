"""Routing: each service's routes sit in its app's own list (shared.api.app._serve), and a
route tells a path that is not its own by how it starts before matching its pattern
(shared.api.edge.EdgeRoute), with the same outcome as the pattern alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Match

from shared.api.edge import EdgeRoute
from shared.settings import SETTINGS_BY_SERVICE


def app_of(service: str, tmp_path: Path) -> FastAPI:
    import importlib

    main = importlib.import_module(f"services.{service}.main")
    settings = SETTINGS_BY_SERVICE[service](
        database_url=f"sqlite:///{tmp_path / 'routing.sqlite3'}", audit_dir=str(tmp_path)
    )
    app: FastAPI = main.create_app(settings)
    return app


def scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": ""}


@pytest.mark.parametrize("service", sorted(SETTINGS_BY_SERVICE))
def test_every_route_is_in_the_apps_own_list(service: str, tmp_path: Path) -> None:
    app = app_of(service, tmp_path)
    assert [r for r in app.router.routes if hasattr(r, "original_router")] == []
    assert sum(isinstance(r, EdgeRoute) for r in app.router.routes) > 10


@pytest.mark.parametrize("service", sorted(SETTINGS_BY_SERVICE))
def test_a_route_tells_paths_apart_as_its_pattern_does(service: str, tmp_path: Path) -> None:
    """Every route against a path of every route: the literal start never turns away a
    path the pattern would match, and a path it turns away the pattern does not match."""
    app = app_of(service, tmp_path)
    routes = [r for r in app.router.routes if isinstance(r, EdgeRoute)]
    paths = [re.sub(r"\{[^}]+\}", "K100", r.path_format) for r in routes]
    for route in routes:
        for path in paths:
            asked = {**scope(path), "app": app}
            by_pattern = APIRoute.matches(route, asked)[0]
            if not path.startswith(route.literal_start):
                assert by_pattern is Match.NONE, (route.path_format, path)
                assert route.matches(asked)[0] is Match.NONE
            elif not route.param_convertors:
                # (A parameterised route also gives way to a more literal path: edge.py.)
                assert route.matches(asked)[0] is by_pattern, (route.path_format, path)


def test_a_dependency_override_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    """The routes are the routers' own, made without the app: an override set on the app
    would never be consulted (found by the outside tester)."""
    from shared.api.limits import limit_expensive

    app = app_of("roi", tmp_path)
    with pytest.raises(TypeError, match="not served"):
        app.dependency_overrides[limit_expensive] = lambda: None
    with pytest.raises(TypeError, match="not served"):
        app.dependency_overrides.update({limit_expensive: lambda: None})
    assert app.dependency_overrides == {}


@pytest.mark.parametrize("root_path", ["", "/api"])
def test_under_a_root_path_a_path_is_routed_and_answered_as_without_one(
    root_path: str, tmp_path: Path
) -> None:
    """Served under a root path (a proxy's prefix), a path reaches the same route, and a
    method it does not allow is answered with the methods it does (found by the outside
    tester: the Allow header was empty under a root path)."""
    from fastapi.testclient import TestClient

    from shared.roles import Role
    from tests.support.tokens import bearer

    with TestClient(app_of("roi", tmp_path), root_path=root_path) as client:
        auditor = bearer(Role.AUDITOR)
        # Reached: the route asks who is calling (its database is not needed to say so).
        assert client.get(f"{root_path}/audit/decisions").status_code == 401
        assert client.get(f"{root_path}/nowhere").status_code == 404
        refused = client.delete(f"{root_path}/designations/K100", headers=auditor)
        assert refused.status_code == 405
        assert refused.headers["allow"] == "GET"
        # A literal path that a parameterised one would swallow is still its own.
        literal = client.get(f"{root_path}/designations/exceptional", headers=auditor)
        assert literal.status_code == 405
        assert literal.headers["allow"] == "POST"
