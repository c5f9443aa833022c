"""The project's one command-line entry point: ``python -m shared.cli`` (``./dev`` wraps it).

run [SERVICE ...]          migrate and run the services (all three by default) and the web
                           console beside them (--no-console: not), URLs printed;
                           --with-hr-simulator also runs a SuccessFactors simulator and syncs
serve SERVICE              run one service (migrating first unless --no-migrate), or the console;
                           --workers N runs N processes of it (PostgreSQL only)
migrate [SERVICE ...]      bring databases to head, rebuilding read models after a change
rebuild [SERVICE ...]      rebuild read models from the event log
verify [SERVICE ...]       re-hash the logs against their chains and signed checkpoints
checkpoint [SERVICE ...]   sign a checkpoint of the logs now
export SERVICE             export a log (or one officer's cases, or a date range) as JSON Lines
replay FILE                verify an export against checkpoints and rebuild its cases, offline
hr-sync [--full]           read officers and PDRs from the HR system (SuccessFactors) now
hr-deliver                 write the due posting outcomes to the HR system now
check-migrations           fail if any service's models and migrations disagree
token --role ROLE          mint a development token (HS256 secret only; shared.tokens)
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine

from services.console.settings import ConsoleSettings
from shared import cli_audit, migrate
from shared.checkpoints import CheckpointStore
from shared.rebuild import rebuild_read_models
from shared.settings import SETTINGS_BY_SERVICE
from shared.verify import verify_log, write_checkpoint

SERVICES = migrate.SERVICES
#: The web console: no database of its own, a client of the three services' APIs.
CONSOLE = "console"
#: Postings' HR-system settings when the run command starts the simulator beside it:
#: OAuth2 SAML bearer with a key made for the demo (its public half registered in the
#: simulator), Learning's own client, and SAP's guidance on polling (KBA 2735876): read
#: changes hourly (Intelligent Services signals re-read an officer at once in between);
#: deliveries are checked every minute, which calls the tenant only when one is due.
SIMULATED_TENANT = {
    "HR_URL": "{url}",
    "HR_AUTH": "saml",
    "HR_COMPANY_ID": "KENTPOLICE",
    "HR_API_KEY": "officer-postings",
    "HR_API_USER": "sfapi",
    "HR_LEARNING_CLIENT_ID": "KENTPOLICE",
    "HR_LEARNING_CLIENT_SECRET": "demo-learning-secret",
    "HR_CODES": '{"maidstone": "MAIDSTONE", "tonbridge": "TONBRIDGE", "dover": "DOVER"}',
    "HR_SYNC_INTERVAL_SECONDS": "3600",
    "HR_DELIVERY_INTERVAL_SECONDS": "60",
}


def _demo_signing_key(directory: Path) -> tuple[str, Path]:
    """A key pair for the demo's OAuth client, made once and kept under ``var/``: the
    private key (PEM text) for postings, the public key's file for the simulator."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / "oauth-client.key", directory / "oauth-client.pub"
    if not private.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private.touch(mode=0o600)
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private.read_text(), public


def _migrate(services: list[str]) -> None:
    for service in services:
        settings = SETTINGS_BY_SERVICE[service]()
        url = settings.effective_database_url
        moved = migrate.upgrade_and_report(service, url)
        print(f"{service}: migrations at head ({url})")
        if moved:
            # Read models are derived: after a schema change they are rebuilt from events.
            replayed = _rebuild(service, settings)
            print(f"{service}: read models rebuilt from {replayed} events")


def _rebuild(service: str, settings: Any) -> int:
    main = importlib.import_module(f"services.{service}.main")
    runtime = main.build_runtime(settings)
    try:
        return rebuild_read_models(
            runtime.application, migrate.service_metadata(service), runtime.tables
        )
    finally:
        runtime.db.close()


def _progress(service: str) -> Callable[[int], None]:
    def report(count: int) -> None:
        print(f"  {service}: {count} events verified", file=sys.stderr)

    return report


def cmd_verify(args: argparse.Namespace) -> int:
    """Re-hash a service's log against its chain and signed checkpoints."""
    failed = False
    for service in args.services or list(SERVICES):
        settings = SETTINGS_BY_SERVICE[service]()
        main = importlib.import_module(f"services.{service}.projections.tables")
        engine = create_engine(settings.effective_database_url)
        try:
            report = verify_log(
                engine,
                main.kernel,
                CheckpointStore(Path(settings.effective_audit_dir)),
                service=service,
                progress=_progress(service),
            )
        finally:
            engine.dispose()
        print(json.dumps(report.as_dict()))
        failed = failed or not report.ok
    return 1 if failed else 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    """Sign a checkpoint of each service's log now."""
    for service in args.services or list(SERVICES):
        settings = SETTINGS_BY_SERVICE[service]()
        tables = importlib.import_module(f"services.{service}.projections.tables")
        engine = create_engine(settings.effective_database_url)
        try:
            signed = write_checkpoint(
                engine,
                tables.kernel,
                CheckpointStore(Path(settings.effective_audit_dir)),
                service=service,
                at=datetime.now(tz=UTC),
            )
        finally:
            engine.dispose()
        print(
            f"{service}: "
            + (f"signed size {signed.size}, head {signed.head}" if signed else "empty log")
        )
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    for service in args.services or list(SERVICES):
        replayed = _rebuild(service, SETTINGS_BY_SERVICE[service]())
        print(f"{service}: read models rebuilt from {replayed} events")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _migrate(args.services or list(SERVICES))
    return 0


def cmd_check_migrations(_: argparse.Namespace) -> int:
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for service in SERVICES:
            url = f"sqlite:///{Path(tmp) / service}.sqlite3"
            migrate.upgrade(service, url)
            try:
                migrate.check(service, url)
                print(f"{service}: models and migrations agree")
            except Exception as exc:  # alembic reports drift as a plain CommandError
                print(f"{service}: DRIFT: {exc}")
                failed = True
    return 1 if failed else 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from shared.recycled_connections import protocol_for

    service = args.service
    if service == CONSOLE:
        console = ConsoleSettings()
        uvicorn.run(
            "shared.served:console",
            factory=True,
            host=console.host,
            port=console.port,
            log_level=args.log_level,
        )
        return 0
    settings = SETTINGS_BY_SERVICE[service]()
    if args.workers > 1:
        if not settings.effective_database_url.startswith("postgresql"):
            # Several processes writing one SQLite file would queue on its lock; the
            # advisory locks that keep one follower and one signer at a time are
            # PostgreSQL's.
            print("--workers above 1 needs a PostgreSQL database", file=sys.stderr)
            return 2
        # The signing key is made once, before the workers, which would otherwise race
        # to make one each.
        CheckpointStore(Path(settings.effective_audit_dir)).public_key()
    if not args.no_migrate:
        _migrate([service])
    uvicorn.run(
        f"shared.served:{service}",
        factory=True,
        host=settings.host,
        port=settings.effective_port,
        log_level=args.log_level,
        workers=args.workers,
        http=protocol_for(args.workers),
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    services = args.services or list(SERVICES)
    _migrate(services)
    children: dict[str, subprocess.Popen[bytes]] = {}
    urls: dict[str, str] = {}
    for service in services:
        settings = SETTINGS_BY_SERVICE[service]()
        urls[service] = f"http://{settings.host}:{settings.effective_port}"
    env = os.environ.copy()
    if "appeals" in urls:
        # Run together, postings follows appeals' outcomes unless told otherwise.
        env.setdefault("POSTINGS_APPEALS_URL", urls["appeals"])
    # Run together, each finds the others where they were started.
    if "roi" in urls:
        env.setdefault("POSTINGS_ROI_URL", urls["roi"])
    if "postings" in urls:
        env.setdefault("APPEALS_POSTINGS_URL", urls["postings"])
        env.setdefault("ROI_POSTINGS_URL", urls["postings"])
    if args.with_hr_simulator:
        sim_url = f"http://127.0.0.1:{args.hr_simulator_port}"
        private_key, public_key = _demo_signing_key(Path("var") / "hr-simulator")
        learning = (
            SIMULATED_TENANT["HR_LEARNING_CLIENT_ID"],
            SIMULATED_TENANT["HR_LEARNING_CLIENT_SECRET"],
        )
        children["hr-simulator"] = subprocess.Popen(  # noqa: S603 - our own module
            [
                sys.executable,
                "-m",
                "tests.sfsim",
                "--port",
                str(args.hr_simulator_port),
                "--company-id",
                SIMULATED_TENANT["HR_COMPANY_ID"],
                "--api-key",
                SIMULATED_TENANT["HR_API_KEY"],
                "--public-key",
                str(public_key),
                "--learning-client",
                ":".join(learning),
            ],
            env=env,
        )
        _wait_healthy(sim_url, children["hr-simulator"])
        for name, value in SIMULATED_TENANT.items():
            env.setdefault(f"POSTINGS_{name}", value.replace("{url}", sim_url))
        env.setdefault("POSTINGS_HR_SAML_PRIVATE_KEY", private_key)
    for service in services:
        children[service] = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "shared.cli", "serve", service, "--no-migrate"],
            env=env,
        )
    console_url = None
    if not args.no_console:
        # The console finds each service where it was started, as the services find each other.
        for service, url in urls.items():
            env.setdefault(f"CONSOLE_{service.upper()}_URL", url)
        console_url = ConsoleSettings().url
        children[CONSOLE] = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "shared.cli", "serve", CONSOLE], env=env
        )

    def stop(*_: object) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _wait_ready({**urls, **({CONSOLE: console_url} if console_url else {})}, children)
    print("\nofficer-postings is running:")
    if console_url:
        # People start here: the console's address comes first.
        print(f"  {CONSOLE:9} {console_url}   (sign in by choosing who you are)")
    for service, url in urls.items():
        print(f"  {service:9} {url}   (API docs: {url}/docs)")
    if args.with_hr_simulator:
        print(f"  HR system (simulator) http://127.0.0.1:{args.hr_simulator_port}")
    print("Mint a token with: ./dev token --role hr_resource_planning   (Ctrl-C stops)\n")
    sys.stdout.flush()
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
    finally:
        stop()
        for child in children.values():
            child.wait(timeout=15)
    return max((child.returncode or 0) for child in children.values())


def _wait_healthy(url: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit("the HR-system simulator exited while starting")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the HR-system simulator was not ready in time")


def _wait_ready(urls: dict[str, str], children: dict[str, subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 60
    pending = dict(urls)
    while pending and time.monotonic() < deadline:
        for service, url in list(pending.items()):
            if children[service].poll() is not None:
                raise SystemExit(f"{service} exited while starting")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    del pending[service]
            except httpx.HTTPError:
                pass  # not listening yet
        time.sleep(0.2)
    if pending:
        raise SystemExit(f"not ready in time: {', '.join(pending)}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="officer-postings",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="migrate and run the services (all three by default)")
    run.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICES)}")
    run.add_argument(
        "--with-hr-simulator",
        action="store_true",
        help="also run a SuccessFactors simulator and sync postings with it (hourly, and on "
        "its signals)",
    )
    run.add_argument("--hr-simulator-port", type=int, default=8004)
    run.add_argument("--no-console", action="store_true", help="run the services alone")
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="run one service, or the console")
    serve.add_argument("service", choices=(*SERVICES, CONSOLE))
    serve.add_argument("--no-migrate", action="store_true")
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--workers", type=int, default=1, help="processes serving the service (PostgreSQL)"
    )
    serve.set_defaults(func=cmd_serve)

    mig = sub.add_parser("migrate", help="bring databases to head")
    mig.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICES)}")
    mig.set_defaults(func=cmd_migrate)

    ver = sub.add_parser("verify", help="verify the logs' hash chains and checkpoints")
    ver.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICES)}")
    ver.set_defaults(func=cmd_verify)

    chk_sign = sub.add_parser("checkpoint", help="sign a checkpoint of the logs now")
    chk_sign.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICES)}")
    chk_sign.set_defaults(func=cmd_checkpoint)

    cli_audit.add_commands(sub, SERVICES)
    importlib.import_module("services.postings.hr_system.cli").add_commands(sub)

    reb = sub.add_parser("rebuild", help="rebuild read models from the event log")
    reb.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICES)}")
    reb.set_defaults(func=cmd_rebuild)

    chk = sub.add_parser("check-migrations", help="fail on drift between models and migrations")
    chk.set_defaults(func=cmd_check_migrations)

    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    unknown = set(getattr(args, "services", None) or []) - set(SERVICES)
    if unknown:
        parser().error(f"unknown service(s): {', '.join(sorted(unknown))}")
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
