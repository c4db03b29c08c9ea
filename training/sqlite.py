"""Tortoise's SQLite engine: write transactions take the write lock when they begin, commits do
not wait for the disk, reads made outside a transaction do not queue behind one, and short
transactions do not make the whole process wait on the event loop.

Several processes may share one SQLite file (uvicorn workers, the CLI, the notifications job).
Under a plain (deferred) BEGIN, a transaction that reads and then writes fails at once with
"database is locked" when another process wrote in between; BEGIN IMMEDIATE makes it wait for
the lock instead, up to the busy timeout.

Tortoise gives a process one SQLite connection, guarded by one lock that a transaction holds from
BEGIN to COMMIT, across every await in between. Under load each of those awaits waits its turn
in the event loop, so a transaction holds the lock for many milliseconds while every other
request's queries, reads included, wait behind it. In WAL mode readers never block the writer
nor each other: plain SELECTs made outside a transaction go to a few read-only connections of
their own (each with its thread, as aiosqlite works), and only writes and transactions share the
locked one.

Writers still queue behind a transaction while it crosses the event loop statement by statement:
each statement goes to the connection's thread and comes back through two turns of the loop,
milliseconds each when the loop is busy. A short transaction (a quiz's answers, a certificate
and its audit line: a few statements of a few rows) runs its statements in the loop's own thread
instead, in microseconds each, without yielding: the lock is held for the time the work takes.
Only its BEGIN may wait (for another process's transaction), and then it waits in the thread.

Single statements cross the event loop the same way: a page's handful of point lookups and its
one-row updates spent more time travelling to a thread and back than in SQLite. A plain read,
or a write made outside a transaction while no transaction holds the connection, first runs in
the loop's own thread (a read on a read-only connection of its own), with a budget of a
millisecond: past it, SQLite stops the statement (a stopped write changes nothing) and it runs
again in a thread, where a query that keeps running past the budget (a report's counts, a bulk
update) goes straight away from then on. A write that would wait for another process's
transaction goes to the thread without waiting. A commit made in the loop's thread (a write's
or a short transaction's) now and then also checkpoints the WAL into the database file: a few
milliseconds, once every thousand pages written.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import aiosqlite
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError

# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 10_000
# In WAL mode, NORMAL syncs at checkpoints rather than at every commit (10 ms per commit on a
# plain disk): a killed process loses nothing, a power cut may lose the last commits, never the
# file's consistency. `sqlite://FILE?synchronous=FULL` restores a sync at every commit.
SYNCHRONOUS = "NORMAL"
# Read-only connections per process: a request reads through one at a time.
READERS = 3
# Ids of a long list fetched at a time.
IDS_CHUNK = 10_000
# How long a statement may keep the event loop's thread before it is moved to another thread, and
# how many times a query may overrun it before it always goes there.
INLINE_BUDGET_S = 0.001
INLINE_OVERRUNS = 3
# SQLite looks at the clock for the budget every so many virtual-machine steps.
_STEPS_BETWEEN_CLOCK_LOOKS = 1000
# Overrunning queries remembered at most (texts vary with the length of their IN lists).
_REMEMBERED_OVERRUNS = 1000


def _with_nul_escaped(query: str) -> str:
    """A NUL character spelt out in SQL, as Tortoise's SQLite client does before it runs a
    query: sqlite3 refuses one inside a statement."""
    return query.replace("\x00", "'||CHAR(0)||'")


def in_memory(file_path: str) -> bool:
    return file_path == ":memory:" or "mode=memory" in file_path


Result = TypeVar("Result")


def _primary_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code (SQLITE_BUSY, …) of an error, extended or not."""
    return exc.sqlite_errorcode & 0xFF


@contextmanager
def _without_waiting(connection: sqlite3.Connection, busy_timeout_ms: int) -> Iterator[None]:
    """The connection fails at once with SQLITE_BUSY, instead of waiting, while another process
    holds the write lock: the event loop's thread must never wait for one."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        yield
    finally:
        connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")


def _rows(connection: sqlite3.Connection, query: str, values: list | None) -> list[sqlite3.Row]:
    return connection.execute(_with_nul_escaped(query), values or ()).fetchall()


def _last_row_id(connection: sqlite3.Connection, query: str, values: list | None) -> int:
    return connection.execute(query, values or ()).lastrowid


def _changes_and_rows(
    connection: sqlite3.Connection, query: str, values: list | None
) -> tuple[int, list[sqlite3.Row]]:
    """What Tortoise's execute_query answers: rows changed (or returned), and rows returned."""
    start = connection.total_changes
    rows = _rows(connection, query, values)
    return (connection.total_changes - start) or len(rows), rows


class InlineBudget:
    """Runs statements in the event loop's thread within INLINE_BUDGET_S (see the module's
    note), and remembers the queries that keep overrunning it."""

    def __init__(self) -> None:
        self._deadline = 0.0
        self._overruns: Counter[str] = Counter()

    def _over_budget(self) -> bool:
        return time.perf_counter() > self._deadline

    def run(
        self, connection: sqlite3.Connection, query: str, work: Callable[[], Result]
    ) -> Result | None:
        """work()'s result, or None when the query belongs in a thread: it overran the budget
        (SQLite stopped it, nothing written) or would have waited for a lock."""
        if self._overruns[query] >= INLINE_OVERRUNS:
            return None
        self._deadline = time.perf_counter() + INLINE_BUDGET_S
        connection.set_progress_handler(self._over_budget, _STEPS_BETWEEN_CLOCK_LOOKS)
        try:
            return work()
        except sqlite3.OperationalError as exc:
            reason = _primary_code(exc)
            if reason == sqlite3.SQLITE_INTERRUPT:
                if len(self._overruns) >= _REMEMBERED_OVERRUNS:
                    self._overruns.clear()
                self._overruns[query] += 1
                return None
            if reason in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return None
            raise
        finally:
            connection.set_progress_handler(None, 0)


def _committed(writer: sqlite3.Connection, run: Callable[[], Result | None]) -> Result | None:
    """A write run within the budget in a transaction of its own, committed after the budget.
    SQLite asks the budget once more after a statement's last step: a write committing on its
    own (which now and then checkpoints the WAL, milliseconds) could be stopped after its commit,
    then run again in a thread; 1 MB parts of an evidence pack were written twice. None (nothing
    written) when another process holds the write lock or the budget stopped the statement."""
    try:
        writer.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if _primary_code(exc) == sqlite3.SQLITE_BUSY:
            return None
        raise
    result = None
    try:
        result = run()
    finally:
        # A write stopped or refused has had its transaction rolled back by SQLite already.
        if writer.in_transaction:
            writer.execute("ROLLBACK" if result is None else "COMMIT")
    return result


def _read_only_connection(filename: str) -> sqlite3.Connection:
    """For reads in the event loop's thread: never waits for a lock (timeout=0)."""
    connection = sqlite3.connect(filename, timeout=0, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA query_only=ON")
    return connection


class ReleasingTransactionContext(SqliteTransactionContext):
    """Tortoise's, except that a BEGIN that fails (another process held the write lock past the
    busy timeout) or is cancelled gives the process's connection back: Tortoise's keeps its lock,
    and every later write of the process waits for it forever."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        token = None
        try:
            await self.ensure_connection()
            token = get_connections().set(self.connection_name, self.connection)
            await self.connection.begin()
        except BaseException as failure:
            if token is not None:
                get_connections().reset(token)
            try:
                if isinstance(failure, asyncio.CancelledError):
                    # The BEGIN may still run in the connection's thread: undo it, after it.
                    await self.connection._connection.rollback()
            finally:
                self._trxlock.release()
            raise
        self.token = token
        return self.connection


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        # The connection is in autocommit mode (isolation_level=None): no implicit transaction
        # to commit first, as Tortoise's own begin does, one thread round trip less.
        try:
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ShortTransactionWrapper(ImmediateTransactionWrapper):
    """A transaction whose statements run in the event loop's thread (see the module's note):
    only for a few statements of a few rows, never an import or an aggregate."""

    @property
    def _sqlite(self) -> sqlite3.Connection:
        return self._connection._conn

    async def begin(self) -> None:
        """BEGIN IMMEDIATE at once when no other process is writing; otherwise wait for it in
        the connection's thread, as any transaction does."""
        try:
            with _without_waiting(self._sqlite, self._parent.pragmas["busy_timeout"]):
                self._sqlite.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if _primary_code(exc) != sqlite3.SQLITE_BUSY:
                raise TransactionManagementError(exc) from exc
        await super().begin()

    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, list]:
        self.log.debug("%s: %s", query, values)
        return _changes_and_rows(self._sqlite, query, values)

    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        return list(map(dict, (await self.execute_query(query, values))[1]))

    @translate_exceptions
    async def execute_insert(self, query: str, values: list) -> int:
        self.log.debug("%s: %s", query, values)
        return _last_row_id(self._sqlite, query, values)

    @translate_exceptions
    async def execute_many(self, query: str, values: list[list]) -> None:
        self.log.debug("%s: %s", query, values)
        self._sqlite.executemany(query, values)

    async def commit(self) -> None:
        if self._finalized:
            raise TransactionManagementError("Transaction already finalised")
        self._sqlite.execute("COMMIT")
        self._finalized = True

    async def rollback(self) -> None:
        if self._finalized:
            raise TransactionManagementError("Transaction already finalised")
        self._sqlite.execute("ROLLBACK")
        self._finalized = True


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs) -> None:
        kwargs.setdefault("busy_timeout", BUSY_TIMEOUT_MS)
        kwargs.setdefault("synchronous", SYNCHRONOUS)
        super().__init__(file_path, **kwargs)
        # An in-memory database exists only in its own connection.
        self._reader_count = 0 if in_memory(file_path) else READERS
        self._idle_readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self._opening_readers = asyncio.Lock()
        self._inline_reader: sqlite3.Connection | None = None
        self._inline = InlineBudget()

    def _in_transaction(self) -> ReleasingTransactionContext:
        return ReleasingTransactionContext(ImmediateTransactionWrapper(self), self._lock)

    def in_short_transaction(self) -> ReleasingTransactionContext:
        return ReleasingTransactionContext(ShortTransactionWrapper(self), self._lock)

    async def create_connection(self, with_db: bool) -> None:
        """Tortoise's, except that the connection may also be used from the event loop's thread
        (short transactions, single statements), never while another user holds it."""
        if self._connection is None:
            self._connection = await aiosqlite.connect(
                self.filename, isolation_level=None, check_same_thread=False
            )
            self._connection._conn.row_factory = sqlite3.Row
            for pragma, value in self.pragmas.items():
                await (await self._connection.execute(f"PRAGMA {pragma}={value}")).close()
            await self._post_connect()

    async def close(self) -> None:
        if self._inline_reader is not None:
            self._inline_reader.close()
            self._inline_reader = None
        if self._idle_readers is not None:
            readers, self._idle_readers = self._idle_readers, None
            for _ in range(self._reader_count):
                await (await readers.get()).close()
        await super().close()

    async def execute_query(self, query: str, values: list | None = None) -> tuple[int, list]:
        if self._is_plain_read(query):
            rows = await self._read(query, values)
            return len(rows), rows
        written = self._write_inline(query, values, _changes_and_rows)
        return written if written is not None else await super().execute_query(query, values)

    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        if self._is_plain_read(query):
            return list(map(dict, await self._read(query, values)))
        written = self._write_inline(query, values, _changes_and_rows)
        if written is None:
            return await super().execute_query_dict(query, values)
        return list(map(dict, written[1]))

    async def execute_insert(self, query: str, values: list) -> int:
        row_id = self._write_inline(query, values, _last_row_id)
        return row_id if row_id is not None else await super().execute_insert(query, values)

    def _write_inline(
        self,
        query: str,
        values: list | None,
        work: Callable[[sqlite3.Connection, str, list | None], Result],
    ) -> Result | None:
        """A statement outside a transaction on the process's own connection (any write, and
        reads too on an in-memory database), in the event loop's thread when no transaction
        holds the connection: run without a pause, it needs no lock of the process's own."""
        if self._connection is None or self._lock.locked():
            return None
        writer = self._connection._conn
        try:
            with _without_waiting(writer, self.pragmas["busy_timeout"]):
                result = _committed(
                    writer,
                    lambda: self._inline.run(writer, query, lambda: work(writer, query, values)),
                )
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        if result is not None:
            self.log.debug("%s: %s", query, values)
        return result

    def _is_plain_read(self, query: str) -> bool:
        return self._reader_count > 0 and query.lstrip()[:6].upper() == "SELECT"

    async def read_ids(self, query: str, values: list | None) -> array:
        """A long read's first column of integers, fetched a chunk at a time in a reader's
        thread, never a row object for each."""
        if self._reader_count == 0:
            return array("q", (row[0] for row in (await self.execute_query(query, values))[1]))
        readers = self._idle_readers or await self._open_readers()
        reader = await readers.get()
        found = array("q")
        try:
            self.log.debug("%s: %s", query, values)
            async with reader.execute(_with_nul_escaped(query), values) as cursor:
                while chunk := await cursor.fetchmany(IDS_CHUNK):
                    found.extend(row[0] for row in chunk)
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        finally:
            readers.put_nowait(reader)
        return found

    async def _read(self, query: str, values: list | None) -> list[sqlite3.Row]:
        if self._inline_reader is None:
            self._inline_reader = _read_only_connection(self.filename)
        reader = self._inline_reader
        try:
            rows = self._inline.run(reader, query, lambda: _rows(reader, query, values))
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        if rows is not None:
            self.log.debug("%s: %s", query, values)
            return rows
        readers = self._idle_readers or await self._open_readers()
        reader = await readers.get()
        try:
            self.log.debug("%s: %s", query, values)
            return await reader.execute_fetchall(_with_nul_escaped(query), values)
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        finally:
            readers.put_nowait(reader)

    async def _open_readers(self) -> asyncio.Queue[aiosqlite.Connection]:
        async with self._opening_readers:
            if self._idle_readers is None:
                readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
                for _ in range(self._reader_count):
                    readers.put_nowait(await self._open_reader())
                self._idle_readers = readers
            return self._idle_readers

    async def _open_reader(self) -> aiosqlite.Connection:
        reader = await aiosqlite.connect(self.filename, isolation_level=None)
        reader._conn.row_factory = sqlite3.Row
        for pragma in (f"busy_timeout={self.pragmas['busy_timeout']}", "query_only=ON"):
            await (await reader.execute(f"PRAGMA {pragma}")).close()
        return reader


client_class = ImmediateSqliteClient
