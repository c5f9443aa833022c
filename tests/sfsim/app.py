"""A SuccessFactors tenant over HTTP for the integration's tests and demos, answering as SAP
documents (each behaviour names its KBA): OData v2 reads with ``$metadata``, snapshot
paging through ``__next`` and at most 1,000 a page, ``/odata/v2/upsert`` answering 200
with a status per record, OAuth2 SAML bearer tokens (Basic only where still enabled),
Learning's own OData v4 API and token server, and faults on request (429 with
``Retry-After``, 500s, refused records)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.sfsim.metadata import ENTITIES, edmx
from tests.sfsim.oauth import Authority, Refused
from tests.sfsim.store import BadRequest, Tenant

#: Where SuccessFactors Learning serves a learner's history (OData v4; KBA 2814035).
LEARNING_HISTORY = "learning/odatav4/public/user/learningHistory/v1/learninghistorys"
#: Snapshot paging serves at most this many records a page ("Pagination" in the OData API
#: developer guide; customPageSize above it is refused).
MAX_PAGE_SIZE = 1000
#: Snapshots kept for following pages; the oldest is dropped beyond this.
SNAPSHOTS_KEPT = 200


def _error(status: int, message: str, code: str = "COE_GENERAL_SERVER_FAILURE") -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": {"lang": "en-US", "value": message}}},
        status_code=status,
    )


def create_simulator(
    tenant: Tenant, authority: Authority, *, page_size: int = MAX_PAGE_SIZE
) -> FastAPI:
    app = FastAPI(title="SuccessFactors simulator")
    #: Snapshot paging: the result set as it was when the first page was asked for, so a
    #: change between pages neither skips nor repeats a record (OData API guide,
    #: "Snapshot-Based Pagination"); ``$skiptoken`` names the snapshot and the offset.
    snapshots: dict[str, list[dict[str, Any]]] = {}

    def fault() -> JSONResponse | None:
        """Faults asked for: 429 with ``Retry-After`` when the tenant throttles a client
        that calls too often (KBA 2735876), or a request-level 500 (KBA 2545055)."""
        if tenant.faults.throttle:
            tenant.faults.throttle -= 1
            response = _error(429, "Too many requests", "COE_TOO_MANY_REQUESTS")
            response.headers["Retry-After"] = tenant.faults.retry_after
            return response
        if tenant.faults.errors:
            tenant.faults.errors -= 1
            return _error(500, "Internal server error")
        return None

    def admitted(request: Request, api: str) -> JSONResponse | None:
        """A refusal for a call without a valid token (or allowed Basic credentials) for
        this API, else the fault asked for, else None."""
        tenant.requests.append((request.method, request.url.path))
        try:
            authority.check(request.headers.get("authorization", ""), api)
        except Refused as refused:
            return _error(refused.status, str(refused), "COE_AUTHENTICATION_FAILED")
        return fault()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/oauth/token")
    async def oauth_token(request: Request) -> JSONResponse:
        """The platform's token endpoint: the saml2-bearer grant with a signed assertion
        (KBA 3462403); tokens last 24 hours (KBA 2872019)."""
        form = dict(parse_qsl((await request.body()).decode(errors="replace")))
        try:
            body = authority.platform_token(
                form, f"{str(request.base_url).rstrip('/')}/oauth/token"
            )
        except Refused as refused:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": str(refused)},
                status_code=refused.status,
            )
        return JSONResponse(body)

    @app.post("/learning/oauth-api/rest/v1/token")
    async def learning_token(request: Request) -> JSONResponse:
        """Learning's own token server: client id and secret as Basic credentials and a
        JSON scope (KBA 2558226)."""
        try:
            body = await request.json()
        except ValueError:
            body = None
        try:
            issued = authority.learning_token(request.headers.get("authorization", ""), body)
        except Refused as refused:
            return JSONResponse({"error": str(refused)}, status_code=refused.status)
        return JSONResponse(issued)

    @app.get("/odata/v2/$metadata")
    def all_metadata(request: Request) -> Response:
        """The service's ``$metadata``: what a property's type is (KBA 2933028)."""
        refused = admitted(request, "platform")
        return refused or Response(edmx(list(ENTITIES)), media_type="application/xml")

    @app.get("/odata/v2/{entity}/$metadata")
    def entity_metadata(entity: str, request: Request) -> Response:
        """One entity set's ``$metadata``; an unknown entity is ``COE_ENTITY_NOT_FOUND``
        (KBA 2545055)."""
        refused = admitted(request, "platform")
        if refused is not None:
            return refused
        if entity not in ENTITIES:
            return _error(404, f"Entity {entity} is not found", "COE_ENTITY_NOT_FOUND")
        return Response(edmx([entity]), media_type="application/xml")

    @app.get("/odata/v2/{entity}")
    def read(entity: str, request: Request) -> JSONResponse:
        """A query: ``$filter``, ``$select``, ``$orderby`` and ``$expand`` on properties
        ``$metadata`` has (else 400 ``COE_PROPERTY_NOT_FOUND``, KBA 2545055; an unknown
        entity is 404 ``COE_ENTITY_NOT_FOUND``), both date literals (KBA 2933028), active
        Users only unless the filter names status (KBA 2736579), effective dating, and
        snapshot paging of at most 1,000 a page; 403 for an entity the API user may not
        read (KBA 2545055)."""
        refused = admitted(request, "platform")
        if refused is not None:
            return refused
        if entity in tenant.faults.forbidden:
            return _error(403, f"[COE0022] No permission to read {entity}", "COE_PERMISSION_DENIED")
        if entity not in ENTITIES:
            return _error(404, f"Entity {entity} is not found", "COE_ENTITY_NOT_FOUND")
        params = dict(request.query_params)
        try:
            tenant.check_expand(entity, params.get("$expand"))
            size = int(params.get("customPageSize", page_size))
            if not 0 < size <= MAX_PAGE_SIZE:
                raise BadRequest(f"customPageSize must be between 1 and {MAX_PAGE_SIZE}")
            selected = tenant.check_select(entity, params.get("$select"))
            if "$skiptoken" in params:
                snapshot, _, offset = params["$skiptoken"].partition(":")
                if snapshot not in snapshots:
                    raise BadRequest("Invalid $skiptoken: the snapshot has expired")
                rows, skip = snapshots[snapshot], int(offset)
            else:
                rows, skip = (
                    tenant.query(
                        entity,
                        expression=params.get("$filter"),
                        from_date=(
                            date.fromisoformat(params["fromDate"]) if "fromDate" in params else None
                        ),
                        to_date=(
                            date.fromisoformat(params["toDate"]) if "toDate" in params else None
                        ),
                    ),
                    0,
                )
                tenant.order(entity, params.get("$orderby"), rows)
                snapshot = secrets.token_hex(8)
                if len(rows) > size:
                    snapshots[snapshot] = rows
                    while len(snapshots) > SNAPSHOTS_KEPT:
                        snapshots.pop(next(iter(snapshots)))
        except BadRequest as exc:
            return _error(400, str(exc), exc.code)
        except ValueError as exc:
            return _error(400, str(exc), "COE_GENERAL_BAD_REQUEST")
        base = str(request.base_url).rstrip("/")
        results = []
        for row in rows[skip : skip + size]:
            shown = {k: v for k, v in row.items() if selected is None or k in selected}
            shown["__metadata"] = {"uri": f"{base}/odata/v2/{entity}", "type": f"SFOData.{entity}"}
            results.append(shown)
        body: dict[str, Any] = {"results": results}
        if skip + size < len(rows):
            following = {k: v for k, v in params.items() if k != "$skiptoken"}
            following["$skiptoken"] = f"{snapshot}:{skip + size}"
            body["__next"] = f"{base}/odata/v2/{entity}?{urlencode(following)}"
        return JSONResponse({"d": body})

    @app.get(f"/{LEARNING_HISTORY}")
    def learning_history(request: Request) -> JSONResponse:
        """Learning's OData v4 API (``{"value": [...]}``), with its own token (KBA 2558226)
        and ``criteria/…`` filters (KBA 2814035, 2846276); completion dates are
        milliseconds."""
        tenant.requests.append((request.method, request.url.path))
        try:
            issued = authority.check(request.headers.get("authorization", ""), "learning")
        except Refused as refused:
            return _error(refused.status, str(refused), "COE_AUTHENTICATION_FAILED")
        problem = fault()
        if problem is not None:
            return problem
        try:
            rows = tenant.learning_history(
                request.query_params.get("$filter"), admin=bool(issued and issued.admin)
            )
        except BadRequest as exc:
            return _error(400, str(exc), "BAD_REQUEST")
        return JSONResponse({"value": rows})

    @app.post("/odata/v2/upsert")
    async def upsert(request: Request) -> JSONResponse:
        """200 with a result per record, business refusals as ``ERROR`` with ``httpCode``
        500 (KBA 2942505, 2481513); a request it cannot read is a 400 for the whole
        request and nothing is written (KBA 3145174)."""
        refused = admitted(request, "platform")
        if refused is not None:
            return refused
        try:
            records = tenant.check_upsert(await request.json())
        except BadRequest as exc:
            return _error(400, str(exc), exc.code)
        except ValueError:
            return _error(
                400, "BadRequestException: the body is not JSON", "COE_GENERAL_BAD_REQUEST"
            )
        results = [tenant.upsert_empjob(record, index) for index, record in enumerate(records)]
        # 200 even when records failed; each record's own status says which (KBA 2481513).
        return JSONResponse({"d": results})

    # -- for tests and demos: not part of SuccessFactors ---------------------------------

    @app.post("/_sim/faults")
    async def set_faults(request: Request) -> dict[str, Any]:
        wanted = await request.json()
        faults = tenant.faults
        faults.throttle = int(wanted.get("throttle", faults.throttle))
        faults.retry_after = str(wanted.get("retry_after", faults.retry_after))
        faults.errors = int(wanted.get("errors", faults.errors))
        faults.failing_upserts.update(wanted.get("failing_upserts", {}))
        return {"ok": True}

    @app.get("/_sim/empjob/{user_id}")
    def empjob_history(user_id: str) -> list[dict[str, Any]]:
        return tenant.history(user_id)

    @app.post("/_sim/change/{entity}")
    async def change(entity: str, request: Request) -> dict[str, Any]:
        body = await request.json()
        tenant.change(entity, body["key"], body["values"])
        return {"ok": True}

    return app
