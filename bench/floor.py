"""The floor: the least a FastAPI endpoint writing to the same PostgreSQL can do, one
INSERT per request, on the same machine. Our decision throughput is reported against it."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

metadata = MetaData()
rows = Table(
    "floor_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("body", String(200), nullable=False),
)


def create_app() -> FastAPI:
    engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_size=20)
    metadata.create_all(engine)
    app = FastAPI()

    @app.post("/rows", status_code=201)
    def add(body: dict[str, Any]) -> dict[str, int]:
        with engine.begin() as conn:
            new_id = conn.execute(insert(rows).values(body=str(body)[:200])).inserted_primary_key
        return {"id": int(new_id[0]) if new_id else 0}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
