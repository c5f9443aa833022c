"""A faithful-enough SuccessFactors tenant over HTTP for the integration's tests and demos:
OData v2 reads with snapshot paging through ``__next``, ``/odata/v2/upsert`` answering 200
with a status per record, Basic or bearer authentication, and faults on request (429 with
``Retry-After``, 500s, failing records)."""

from __future__ import annotations

import base64
import secrets
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.sfsim.store import BadRequest, Tenant

#: Where SuccessFactors Learning serves learning history (OData v4).
LEARNING_HISTORY = "learning/odatav4/public/admin/learningHistory/v1/learninghistorys"


def _error(status: int, message: str, code: str = "COE_GENERAL_SERVER_FAILURE") -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": {"lang": "en-US", "value": message}}},
        status_code=status,
    )


def create_simulator(
    tenant: Tenant,
    *,
    username: str = "sfapi@KENTPOLICE",
    password: str = "sim-password",
    token: str = "sim-token",
    page_size: int = 1000,
) -> FastAPI:
    app = FastAPI(title="SuccessFactors simulator")
    basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    accepted = {basic, f"Bearer {token}"}

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return any(secrets.compare_digest(given, a) for a in accepted)

    def fault() -> JSONResponse | None:
        if tenant.faults.throttle:
            tenant.faults.throttle -= 1
            response = _error(429, "Too many requests", "COE_TOO_MANY_REQUESTS")
            response.headers["Retry-After"] = tenant.faults.retry_after
            return response
        if tenant.faults.errors:
            tenant.faults.errors -= 1
            return _error(500, "Internal server error")
        return None

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/odata/v2/{entity}")
    def read(entity: str, request: Request) -> JSONResponse:
        if not authorised(request):
            return _error(401, "Unauthorized", "COE_AUTHENTICATION_FAILED")
        problem = fault()
        if problem is not None:
            return problem
        params = dict(request.query_params)
        try:
            rows = tenant.query(
                entity,
                expression=params.get("$filter"),
                from_date=date.fromisoformat(params["fromDate"]) if "fromDate" in params else None,
                to_date=date.fromisoformat(params["toDate"]) if "toDate" in params else None,
            )
        except BadRequest as exc:
            return _error(400, str(exc), "COE_BAD_REQUEST")
        size = int(params.get("customPageSize", page_size))
        skip = int(params.get("$skiptoken", 0))
        page = rows[skip : skip + size]
        selected = params.get("$select")
        base = str(request.base_url).rstrip("/")
        results = []
        for row in page:
            shown = {k: v for k, v in row.items() if not selected or k in selected.split(",")}
            shown["__metadata"] = {"uri": f"{base}/odata/v2/{entity}", "type": f"SFOData.{entity}"}
            results.append(shown)
        body: dict[str, Any] = {"results": results}
        if skip + size < len(rows):
            following = {k: v for k, v in params.items() if k != "$skiptoken"}
            following["$skiptoken"] = str(skip + size)
            body["__next"] = f"{base}/odata/v2/{entity}?{urlencode(following)}"
        return JSONResponse({"d": body})

    @app.get(f"/{LEARNING_HISTORY}")
    def learning_history(request: Request) -> JSONResponse:
        """Learning's OData v4 API: ``{"value": [...], "@odata.nextLink": ...}``, with
        completion dates as milliseconds (Learning sends Longs, not ``/Date()/``)."""
        if not authorised(request):
            return _error(401, "Unauthorized", "COE_AUTHENTICATION_FAILED")
        problem = fault()
        if problem is not None:
            return problem
        params = dict(request.query_params)
        try:
            rows = tenant.query(
                "LearningHistory", expression=params.get("$filter"), from_date=None, to_date=None
            )
        except BadRequest as exc:
            return _error(400, str(exc), "COE_BAD_REQUEST")
        skip = int(params.get("$skiptoken", 0))
        body: dict[str, Any] = {"value": rows[skip : skip + page_size]}
        if skip + page_size < len(rows):
            following = {**params, "$skiptoken": str(skip + page_size)}
            body["@odata.nextLink"] = (
                f"{str(request.base_url).rstrip('/')}/{LEARNING_HISTORY}?{urlencode(following)}"
            )
        return JSONResponse(body)

    @app.post("/odata/v2/upsert")
    async def upsert(request: Request) -> JSONResponse:
        if not authorised(request):
            return _error(401, "Unauthorized", "COE_AUTHENTICATION_FAILED")
        problem = fault()
        if problem is not None:
            return problem
        payload = await request.json()
        records = payload if isinstance(payload, list) else [payload]
        results = []
        for index, record in enumerate(records):
            uri = str(record.get("__metadata", {}).get("uri", ""))
            if not uri.startswith("EmpJob"):
                results.append(
                    {
                        "key": None,
                        "status": "ERROR",
                        "message": f"cannot upsert {uri!r}",
                        "index": index,
                        "httpCode": 400,
                        "editStatus": None,
                        "inlineResults": None,
                    }
                )
                continue
            results.append(tenant.upsert_empjob(record, index))
        # Like the real API: 200 even when records failed; the results say which.
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
