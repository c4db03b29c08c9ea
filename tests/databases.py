"""Where the tests' databases live: SQLite files, or PostgreSQL when the environment says so.

`AMANE_TEST_DATABASE=postgres` runs the same tests on the server at `AMANE_TEST_POSTGRES_URL`
(a role allowed to create databases); anything else runs them on SQLite.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from graphlib import TopologicalSorter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from training import database

BACKEND = os.environ.get("AMANE_TEST_DATABASE", "sqlite")


class SqliteDatabases:
    """A migrated template file; each test gets a copy in its own folder."""

    def __init__(self, folder: Path) -> None:
        self.template = folder / "template.sqlite3"

    def migrate(self) -> None:
        asyncio.run(database.migrate(f"sqlite://{self.template}"))

    def copy(self, folder: Path) -> str:
        path = folder / "amane.sqlite3"
        shutil.copy(self.template, path)
        return f"sqlite://{path}"

    def empty(self, folder: Path) -> str:
        return f"sqlite://{folder / 'new.sqlite3'}"

    def drop(self, url: str) -> None:
        """Files go with the test's folder."""

    def close(self) -> None:
        """The template goes with the session's folders."""


class PostgresDatabases:
    """One migrated database for the session, emptied before each test.

    Emptying (DELETE, sequences restarted) takes milliseconds where `CREATE DATABASE … TEMPLATE`
    takes a large fraction of a second; each test still starts from the freshly migrated state.
    """

    def __init__(self, server_url: str) -> None:
        self.server = urlsplit(server_url)
        self.prefix = f"amane_test_{os.getpid()}"
        self.migrated = self.url(f"{self.prefix}_migrated")
        self.names = itertools.count(1)
        self.emptying = ""

    def url(self, name: str) -> str:
        return urlunsplit(self.server._replace(path=f"/{name}"))

    def migrate(self) -> None:
        self._admin(f"CREATE DATABASE {self._name(self.migrated)}")
        asyncio.run(database.migrate(self.migrated))
        self.emptying = asyncio.run(_emptying(self.migrated))

    def copy(self, folder: Path) -> str:
        self._run(self.migrated, self.emptying)
        return self.migrated

    def empty(self, folder: Path) -> str:
        url = self.url(f"{self.prefix}_{next(self.names)}")
        self._admin(f"CREATE DATABASE {self._name(url)}")
        return url

    def drop(self, url: str) -> None:
        if url != self.migrated:
            self._admin(f"DROP DATABASE {self._name(url)} WITH (FORCE)")

    def close(self) -> None:
        self._admin(f"DROP DATABASE {self._name(self.migrated)} WITH (FORCE)")

    def _admin(self, statement: str) -> None:
        self._run(urlunsplit(self.server), statement)

    @staticmethod
    def _name(url: str) -> str:
        return urlsplit(url).path.lstrip("/")

    @staticmethod
    def _run(url: str, statements: str) -> None:
        async def run() -> None:
            connection = await asyncpg.connect(url)
            try:
                await connection.execute(statements)
            finally:
                await connection.close()

        asyncio.run(run())


_FOREIGN_KEYS = """
SELECT c.relname AS child, p.relname AS parent, a.attname AS column, a.attnotnull AS required
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_class p ON p.oid = k.confrelid
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace
"""


async def _emptying(url: str) -> str:
    """Statements that delete every row and restart every sequence.

    Optional references are cleared first, which breaks the cycles (a course and its current
    version); then tables are emptied referencing ones first.
    """
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'tortoise_migrations'"
        )
        keys = await connection.fetch(_FOREIGN_KEYS)
    finally:
        await connection.close()
    referenced_by: dict[str, set[str]] = {row["tablename"]: set() for row in tables}
    clears = []
    for key in keys:
        if not key["required"]:
            clears.append(f'UPDATE "{key["child"]}" SET "{key["column"]}" = NULL;')
        elif key["child"] != key["parent"]:
            referenced_by[key["parent"]].add(key["child"])
    order = TopologicalSorter(referenced_by).static_order()
    deletes = "".join(f'DELETE FROM "{table}";' for table in order)
    # A test that left a lock behind fails here instead of hanging the session.
    return (
        f"SET lock_timeout = '10s'; BEGIN; {''.join(clears)} {deletes} COMMIT;"
        " SELECT setval(oid, 1, false) FROM pg_class"
        " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace;"
    )


def databases(folder: Path) -> SqliteDatabases | PostgresDatabases:
    if BACKEND != "postgres":
        return SqliteDatabases(folder)
    server_url = os.environ.get("AMANE_TEST_POSTGRES_URL")
    if not server_url:
        raise RuntimeError("AMANE_TEST_DATABASE=postgres needs AMANE_TEST_POSTGRES_URL")
    return PostgresDatabases(server_url)
