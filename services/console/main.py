"""The console's composition root: settings -> the three APIs' clients -> pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.console.auth import development, oidc, sign_out
from services.console.browser import COOKIE, FormNotTrusted, NotForYou, SignInNeeded
from services.console.clients.api import Refused, ServiceApi, Services, Unreachable
from services.console.pages import (
    appeals,
    audit,
    audit_cases,
    audit_consultations,
    audit_export,
    delegations,
    home,
    locations,
    monitoring,
    officers,
    panel,
    pdr,
    policy,
    postings,
    preferences,
    requests,
    restrictions,
    roi_commitments,
    roi_courses,
    strength,
    units,
)
from services.console.rendering import build_templates, render
from services.console.sessions import SessionStore
from services.console.settings import ConsoleSettings
from services.console.stale import StaleForm, what_changed

HERE = Path(__file__).parent
FRONTEND = HERE / "frontend"
#: GOV.UK Frontend's scripts, images and manifest, as npm installed them.
GOVUK_FRONTEND = FRONTEND / "node_modules" / "govuk-frontend" / "dist" / "govuk"
#: Our stylesheet, compiled from GOV.UK Frontend's Sass by the set-up.
BUILT = FRONTEND / "dist"

#: Every router of pages and sign-in, each checking the CSRF token of its forms.
ROUTERS = tuple(
    module.router
    for module in (
        development,
        oidc,
        sign_out,
        home,
        officers,
        pdr,
        preferences,
        locations,
        audit,
        audit_cases,
        audit_consultations,
        audit_export,
        strength,
        appeals,
        panel,
        restrictions,
        requests,
        policy,
        monitoring,
        postings,
        delegations,
        roi_courses,
        roi_commitments,
        units,
    )
)
#: The pages load only their own styles and scripts, and are framed by no one.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def content_security_policy(settings: ConsoleSettings) -> str:
    """Forms post only here; signing out may then send the browser on to the identity
    provider (a redirect after a form is held to form-action too), so its origin is
    allowed when one is configured."""
    targets = ["'self'"]
    if settings.oidc_issuer:
        issuer = urlsplit(settings.oidc_issuer)
        targets.append(f"{issuer.scheme}://{issuer.netloc}")
    return (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        f"form-action {' '.join(targets)}; frame-ancestors 'none'"
    )


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or ConsoleSettings()
    if (
        not (GOVUK_FRONTEND / "govuk-frontend.min.js").exists()
        or not (BUILT / "console.css").exists()
    ):
        raise RuntimeError(
            "the console's assets are not built: ./dev sets them up "
            "(npm ci and npm run build in services/console/frontend)"
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.api_timeout_seconds)
        async with (
            httpx.AsyncClient(base_url=settings.postings_url, timeout=timeout) as p,
            httpx.AsyncClient(base_url=settings.appeals_url, timeout=timeout) as a,
            httpx.AsyncClient(base_url=settings.roi_url, timeout=timeout) as r,
        ):
            app.state.services = Services(
                postings=ServiceApi("postings", p),
                appeals=ServiceApi("appeals", a),
                roi=ServiceApi("roi", r),
            )
            yield

    app = FastAPI(
        title="officer-postings console",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # As the services (shared.api.app): nothing is exported through OpenTelemetry, and
        # FastAPI would ask its global providers on every request whether anything is.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.sessions = SessionStore(idle=timedelta(minutes=settings.session_idle_minutes))
    app.state.templates = build_templates()
    app.state.oauth = oidc.registry(settings)

    app.mount("/assets/frontend", StaticFiles(directory=GOVUK_FRONTEND), name="govuk-frontend")
    app.mount("/assets/console", StaticFiles(directory=BUILT), name="console-assets")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "console"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> dict[str, str]:
        # Nothing of its own to wait for: the services it calls say so on each page.
        return {"status": "ready", "service": "console"}

    policy = content_security_policy(settings)

    @app.middleware("http")
    async def session_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        secure = request.url.scheme == "https"
        new_id = getattr(request.state, "set_session", None)
        if new_id:
            response.set_cookie(
                COOKIE, new_id, httponly=True, samesite="lax", secure=secure, path="/"
            )
        elif getattr(request.state, "clear_session", False):
            response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=secure, path="/")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    install_error_pages(app)
    return app


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(oidc.OidcNotConfigured)
    @app.exception_handler(development.DevelopmentSignInClosed)
    async def _closed(request: Request, exc: Exception) -> Response:
        return render(request, "auth/unavailable.html", status_code=403)

    @app.exception_handler(NotForYou)
    async def _not_for_you(request: Request, exc: NotForYou) -> Response:
        return _problem(
            request,
            403,
            "You cannot use this page",
            "Your role does not do this. Nothing was sent.",
        )

    @app.exception_handler(FormNotTrusted)
    async def _untrusted(request: Request, exc: FormNotTrusted) -> Response:
        return _problem(
            request,
            403,
            "This form has expired",
            "Nothing was saved. Go back, reload the page and send the form again.",
        )

    @app.exception_handler(StaleForm)
    async def _stale(request: Request, exc: StaleForm) -> Response:
        api: ServiceApi = getattr(request.app.state.services, exc.service)
        try:
            current = (await api.get(exc.record, exc.token)).body
        except Refused as refused:
            # A record the person may act on but not read (a Head of Department's local
            # case): nothing was saved, and there is nothing of it to show.
            if refused.status not in (403, 404):
                raise
            current = None
        return render(
            request,
            "pages/stale.html",
            {
                "record": current or {},
                "changes": what_changed(exc.seen, current) if current is not None else None,
                "again": exc.again,
            },
            status_code=409,
        )

    @app.exception_handler(Unreachable)
    async def _unreachable(request: Request, exc: Unreachable) -> Response:
        return _problem(
            request,
            503,
            "Sorry, there is a problem with the service",
            f"The {exc.service} service is not answering. Try again in a few minutes.",
        )

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        detail = str(exc.problem.get("detail") or "")
        if exc.status == 401:
            return _problem(
                request, 401, "Your sign-in has ended", "Sign in again to carry on.", detail
            )
        if exc.status == 403:
            return _problem(request, 403, "You cannot see this page", detail)
        if exc.status in (404, 422):
            return _problem(request, 404, "Page not found", detail)
        return _problem(request, exc.status, "Sorry, the service could not do that", detail)

    @app.exception_handler(404)
    async def _not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(("/assets/", "/static/")):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return _problem(request, 404, "Page not found", "Check the address is right.")


def _problem(request: Request, status: int, heading: str, *lines: str) -> Response:
    text = [line[:1].upper() + line[1:] for line in lines if line]
    return render(request, "problem.html", {"heading": heading, "lines": text}, status_code=status)
