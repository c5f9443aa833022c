"""Builds a service's FastAPI app around its runtime: problems, CORS, probes, feed, and the
roles of every endpoint written into its OpenAPI description."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from shared.api import feed, health
from shared.api.problems import install_problem_handlers, problem_response
from shared.runtime import Runtime


def build_api(
    runtime: Runtime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    start_followers: bool = True,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_followers:
            runtime.start()
        try:
            yield
        finally:
            runtime.stop()

    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.runtime = runtime
    install_problem_handlers(app)

    max_body = runtime.settings.max_body_bytes

    @app.middleware("http")
    async def _limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_body:
            return problem_response(
                request, 413, "body-too-large", f"request body exceeds {max_body} bytes"
            )
        return await call_next(request)

    if runtime.settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=runtime.settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
            expose_headers=["ETag", "Location"],
        )

    app.include_router(health.router)
    app.include_router(feed.router)
    for router in routers:
        app.include_router(router)
    _document_roles(app)
    return app


def _document_roles(app: FastAPI) -> None:
    for route in app.routes:
        if isinstance(route, APIRoute) and route.openapi_extra:
            roles = route.openapi_extra.get("x-roles")
            if roles:
                route.description = f"{route.description}\n\n**Roles:** {', '.join(roles)}".strip()
