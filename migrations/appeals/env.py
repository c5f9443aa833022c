"""alembic environment for the appeals service's database."""

from shared.migrate import run_env

run_env("appeals")
