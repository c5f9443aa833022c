"""alembic environment for the postings service's database."""

from shared.migrate import run_env

run_env("postings")
