"""Run the simulator on its own: ``python -m tests.sfsim [--port 8004] [--fixture kent]``."""

from __future__ import annotations

import argparse
from datetime import date

import uvicorn

from tests.sfsim.app import create_simulator
from tests.sfsim.store import Tenant


def main() -> None:
    parser = argparse.ArgumentParser(prog="sfsim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8004)
    parser.add_argument("--fixture", default="kent", help="a fixture name or a JSON file")
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    tenant = Tenant(today=date.today())
    tenant.load(args.fixture)
    uvicorn.run(create_simulator(tenant, page_size=args.page_size), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
