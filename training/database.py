"""Tortoise configuration and migrations, shared by the app, the CLI and the tests."""

from __future__ import annotations

from collections.abc import Callable

from tortoise import Tortoise
from tortoise.backends.base.client import TransactionContext
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor
from tortoise.transactions import in_transaction

# Each package owns its models and its migrations; the order follows the import direction.
MODEL_APPS: dict[str, str] = {
    "training": "training.models",
    "courses": "courses.models",
    "quizzes": "quizzes.models",
    "certificates": "certificates.models",
    "reports": "reports.models",
}


class NotMigratedError(RuntimeError):
    pass


async def _nothing_to_reset(connection) -> None:
    """asyncpg resets a connection's session (advisory locks, LISTEN, SET) each time it goes
    back to the pool: one more round trip after every query made outside a transaction, an
    eighth of a worker's time in an exam rush. With this hook it still rolls back a transaction
    left open, and nothing more: the app leaves no session state behind (its only advisory lock
    is transaction-scoped, pg_advisory_xact_lock, its only SETs are SET LOCAL, undone with their
    transaction, and it never LISTENs)."""


def short_transaction() -> TransactionContext:
    """A transaction of a few statements of a few rows, made while a learner waits (starting or
    grading an attempt, issuing a certificate). On SQLite its statements run without crossing
    the event loop (training/sqlite.py); elsewhere, and inside another transaction, it is
    in_transaction()."""
    opener = getattr(get_connection("default"), "in_short_transaction", None)
    return opener() if opener else in_transaction()


def connection_config(database_url: str) -> dict:
    """The URL as Tortoise's engine and credentials; SQLite gets its BEGIN IMMEDIATE engine,
    PostgreSQL one whose transactions give their connection back when BEGIN fails."""
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.sqlite":
        config["engine"] = "training.sqlite"
    elif config["engine"] == "tortoise.backends.asyncpg":
        config["engine"] = "training.postgres"
        config["credentials"]["reset"] = _nothing_to_reset
        # asyncpg prepares every statement; after five runs PostgreSQL may keep one plan for
        # all values, blind to how skewed they are: a certificate search of the biggest
        # ministry went from 12 to 750 ms once its plan no longer saw the searched word.
        config["credentials"]["server_settings"] = {"plan_cache_mode": "force_custom_plan"}
    return config


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            label: {
                "models": [module],
                "default_connection": "default",
                "migrations": f"{label}.migrations",
            }
            for label, module in MODEL_APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For `tortoise makemigrations` (see [tool.tortoise] in pyproject.toml); migrations are
# computed from the models and the migration files, not from a database.
MIGRATIONS_CONFIG = tortoise_config("sqlite://:memory:")


def _executor() -> MigrationExecutor:
    config = tortoise_config("sqlite://:memory:")["apps"]
    return MigrationExecutor(get_connection("default"), config)


async def pending_migrations() -> list[str]:
    """Names of migrations not yet applied to the open database."""
    steps = await _executor().plan()
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps]


async def ensure_migrated() -> None:
    pending = await pending_migrations()
    if pending:
        raise NotMigratedError(
            f"The database is missing {len(pending)} migration(s) ({', '.join(pending)}): "
            "run `amane migrate` (or `make run`, which does it) first."
        )


async def migrate(database_url: str, progress: Callable[[str], None] | None = None) -> list[str]:
    """Apply every pending migration; returns what was applied."""
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        pending = await pending_migrations()
        await _executor().migrate(
            progress=(lambda *args: progress(" ".join(map(str, args)))) if progress else None
        )
        return pending
    finally:
        await Tortoise.close_connections()
