"""``./dev token``: mint a development token, quickly (it imports identity and settings
only, never the services), and refuse one the services would refuse."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from shared.identity import InvalidToken, mint_token
from shared.roles import DIVISIONAL_ROLES, Role
from shared.settings import SETTINGS_BY_SERVICE

SERVICES = ("postings", "appeals", "roi")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="./dev token", description=__doc__)
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument(
        "--sub",
        help="who the token is for (default: an officer's id, else dev:<role>[:<division>])",
    )
    p.add_argument("--officer-id", help="required for role officer")
    divisional = ", ".join(sorted(r.value for r in DIVISIONAL_ROLES))
    p.add_argument("--division", help=f"required for {divisional}")
    p.add_argument("--ttl-hours", type=float, default=8)
    p.add_argument(
        "--service",
        choices=SERVICES,
        default="postings",
        help="whose JWT settings to sign with (they agree by default)",
    )
    return p


def default_subject(role: Role, officer_id: str | None, division: str | None) -> str:
    """One person per default: two officers, or a role's holders in two divisions, never
    share a subject by omission (records that name a person would take one for the other)."""
    if role is Role.OFFICER and officer_id:
        return officer_id
    return f"dev:{role.value}:{division}" if division else f"dev:{role.value}"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    role = Role(args.role)
    if not 0 < args.ttl_hours <= 24 * 366:
        print("./dev token: --ttl-hours must be more than 0 and at most a year", file=sys.stderr)
        return 2
    try:
        token = mint_token(
            SETTINGS_BY_SERVICE[args.service](),
            subject=args.sub or default_subject(role, args.officer_id, args.division),
            role=role,
            officer_id=args.officer_id,
            division=args.division,
            ttl=timedelta(hours=args.ttl_hours),
        )
    except (InvalidToken, ValueError) as exc:
        print(f"./dev token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
