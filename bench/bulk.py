"""Bulk inserts through Tortoise's connection: many-row INSERTs on SQLite, COPY on PostgreSQL.

Rows carry their own ids (the generator numbers them, so children can point at parents without
reading anything back); columns a generator does not set get the model's default, so a column
added to a model later still gets what the app would write.
"""

from __future__ import annotations

from datetime import date, datetime

from tortoise import Tortoise
from tortoise.connection import get_connection

from training.sql import insert_rows

BATCH = 20_000


def _model_for(table: str):
    for app in Tortoise.apps.values():
        for model in app.values():
            if model._meta.db_table == table:
                return model
    raise LookupError(f"no model for table {table}")


def _defaults(table: str, columns: tuple[str, ...]) -> dict[str, object]:
    """The remaining columns of the table with the value the model would give them."""
    model = _model_for(table)
    defaults = {}
    for name, column in model._meta.fields_db_projection.items():
        if column in columns:
            continue
        field = model._meta.fields_map[name]
        if field.default is not None and not callable(field.default):
            defaults[column] = field.default
        elif field.null:
            defaults[column] = None
        else:
            raise ValueError(f"{table}.{column} needs a value")
    return defaults


def _same(value):
    return value


# SQLite keeps what Tortoise keeps there: ISO text with a space and an explicit offset.
def _sqlite_moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ", "microseconds")


def _sqlite_day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class Writer:
    """Converts values the way each driver stores them and inserts them in batches."""

    def __init__(self) -> None:
        self.connection = get_connection("default")
        self.postgres = self.connection.capabilities.dialect == "postgres"

        self.moment = _same if self.postgres else _sqlite_moment
        self.day = _same if self.postgres else _sqlite_day

    async def prepare(self) -> None:
        """Faster writes while generating: a crash only loses the data being generated."""
        if not self.postgres:
            for pragma in ("synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"):
                await self.connection.execute_script(f"PRAGMA {pragma}")

    async def next_id(self, table: str) -> int:
        rows = await self.connection.execute_query_dict(
            f"SELECT COALESCE(MAX(id), 0) + 1 AS next FROM {table}"
        )
        return int(rows[0]["next"])

    async def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        defaults = _defaults(table, columns)
        names = columns + tuple(defaults)
        tail = tuple(defaults.values())
        for start in range(0, len(rows), BATCH):
            batch = [row + tail for row in rows[start : start + BATCH]]
            if self.postgres:
                await self._copy(table, names, batch)
                continue
            await insert_rows(table, names, batch)

    async def _copy(self, table: str, names: tuple[str, ...], batch: list[tuple]) -> None:
        """PostgreSQL's COPY through the driver: several times faster than INSERTs."""
        async with self.connection.acquire_connection() as driver:
            await driver.copy_records_to_table(table, records=batch, columns=list(names))

    async def finish(self, tables: list[str]) -> None:
        """On PostgreSQL, sequences move past the ids written here and the planner learns the
        new sizes (autovacuum would, later). SQLite is left unanalysed, as the app leaves it:
        with ANALYZE statistics its planner picks slower plans for the report queries."""
        if not self.postgres:
            return
        for table in tables:
            await self.connection.execute_query(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        await self.connection.execute_script("ANALYZE")
