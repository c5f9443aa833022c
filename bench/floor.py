"""The floor: the least a FastAPI endpoint writing to the same PostgreSQL can do, one
INSERT per request, on the same machine. Our decision throughput is reported against it."""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

from shared.recycled_connections import protocol_for

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


def main() -> None:
    """Serves the floor as the services are served: by ``--workers`` processes, whose
    kept-alive connections are closed after a hundred requests when there are several
    (shared/recycled_connections.py), so that the floor is spread across its processes as
    the decisions are."""
    parser = argparse.ArgumentParser(prog="bench.floor")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "bench.floor:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        workers=args.workers,
        http=protocol_for(args.workers),
    )


if __name__ == "__main__":
    main()
