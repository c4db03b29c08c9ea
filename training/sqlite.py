"""Tortoise's SQLite engine: write transactions take the write lock when they begin, and
commits do not wait for the disk.

Several processes may share one SQLite file (uvicorn workers, the CLI, the notifications job).
Under a plain (deferred) BEGIN, a transaction that reads and then writes fails at once with
"database is locked" when another process wrote in between; BEGIN IMMEDIATE makes it wait for
the lock instead, up to the busy timeout.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError

# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 10_000
# In WAL mode, NORMAL syncs at checkpoints rather than at every commit (10 ms per commit on a
# plain disk): a killed process loses nothing, a power cut may lose the last commits, never the
# file's consistency. `sqlite://FILE?synchronous=FULL` restores a sync at every commit.
SYNCHRONOUS = "NORMAL"


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        # The connection is in autocommit mode (isolation_level=None): no implicit transaction
        # to commit first, as Tortoise's own begin does, one thread round trip less.
        try:
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs) -> None:
        kwargs.setdefault("busy_timeout", BUSY_TIMEOUT_MS)
        kwargs.setdefault("synchronous", SYNCHRONOUS)
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> SqliteTransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
