"""The paths an app documents, for the answers that depend on which paths exist rather than
on the route a request reached: the methods a path allows, and a literal path that a
parameterised route would otherwise swallow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute


@dataclass(frozen=True)
class DocumentedPath:
    template: str
    pattern: re.Pattern[str]
    methods: frozenset[str]
    parameters: int


def documented_paths(app: Any) -> list[DocumentedPath]:
    """The app's paths and their methods, read off its routes once per app (the same as its
    OpenAPI document's, without the cost of generating that document on a first request)."""
    paths: list[DocumentedPath] | None = getattr(app.state, "documented_paths", None)
    if paths is None:
        methods: dict[str, set[str]] = {}
        for template, verbs in _routes(app.router.routes):
            methods.setdefault(template, set()).update(verbs)
        paths = [
            DocumentedPath(
                template=template,
                pattern=re.compile(_shape(template)),
                methods=frozenset(verbs),
                parameters=template.count("{"),
            )
            for template, verbs in methods.items()
        ]
        app.state.documented_paths = paths
    return paths


def _routes(routes: Any) -> Iterator[tuple[str, set[str]]]:
    # The routes sit in the app's own list, each with its whole path (shared.api.app._serve).
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.path_format, set(route.methods or ())


def allowed_methods(app: Any, path: str) -> str:
    """Every method a path answers (RFC 9110 15.5.6), as the OpenAPI document lists them.
    Starlette names only those of the first route that matched the path, and a path is
    often served by two routes (a list's GET and its POST). Where templates of different
    depth match, the path is the most literal one's (see below)."""
    matching = [d for d in documented_paths(app) if d.pattern.match(path)]
    fewest = min((d.parameters for d in matching), default=0)
    methods = set().union(*(d.methods for d in matching if d.parameters == fewest))
    return ", ".join(sorted(methods))


def claimed_by_a_more_literal_path(app: Any, path: str, template: str) -> bool:
    """Whether another path with fewer parameters names this path: then
    ``/designations/exceptional`` is that path (answering 405 to a method it lacks), not
    ``/designations/{designation_id}`` with a malformed id (422). Asked on every request a
    parameterised route matches, so each template's rivals are found once per app: those
    with fewer parameters that some path of this template's shape could also be."""
    rivals: dict[str, list[re.Pattern[str]]] | None = getattr(app.state, "path_rivals", None)
    if rivals is None:
        rivals = {}
        app.state.path_rivals = rivals
    if template not in rivals:
        own = template.count("{")
        shape = re.compile(_shape(template))
        rivals[template] = [
            d.pattern
            for d in documented_paths(app)
            if d.parameters < own and shape.match(_sample(d.template))
        ]
    return any(pattern.match(path) for pattern in rivals[template])


def _shape(template: str) -> str:
    return re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"


def _sample(template: str) -> str:
    """A path of the template's shape, each parameter filled in."""
    return re.sub(r"\{[^/]+?\}", "x", template)
