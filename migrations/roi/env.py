"""alembic environment for the roi service's database."""

from shared.migrate import run_env

run_env("roi")
