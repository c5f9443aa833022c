"""Run the simulator on its own: ``python -m tests.sfsim [--port 8004] [--fixture kent]
[--public-key client.pem]``. With a public key, the OAuth client ``--api-key`` is
registered with it and SAML bearer tokens are issued; Basic is answered only with
``--basic user@company:password``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import uvicorn

from tests.sfsim.app import create_simulator
from tests.sfsim.oauth import Authority, OAuthClient
from tests.sfsim.store import Tenant


def main() -> None:
    parser = argparse.ArgumentParser(prog="sfsim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8004)
    parser.add_argument("--fixture", default="kent", help="a fixture name or a JSON file")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--company-id", default="KENTPOLICE")
    parser.add_argument("--api-key", default="officer-postings")
    parser.add_argument("--public-key", type=Path, help="PEM public key of the OAuth client")
    parser.add_argument("--basic", help="user@company:password, if Basic is still enabled")
    parser.add_argument("--learning-client", help="client_id:secret of Learning's token server")
    parser.add_argument("--data-centre", default="America/New_York", help="its time zone")
    args = parser.parse_args()
    tenant = Tenant(today=date.today(), data_centre=args.data_centre)
    tenant.load(args.fixture)
    basic = dict([args.basic.rsplit(":", 1)]) if args.basic else {}
    learning = dict([args.learning_client.split(":", 1)]) if args.learning_client else {}
    clients = [OAuthClient(args.api_key, args.public_key.read_bytes())] if args.public_key else []
    authority = Authority(
        company_id=args.company_id,
        clock=tenant.now,
        clients=clients,
        users=lambda: {u["userId"] for u in tenant.records["User"]} | {"sfapi"},
        basic=basic,
        learning_clients=learning,
    )
    app = create_simulator(tenant, authority, page_size=args.page_size)
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
