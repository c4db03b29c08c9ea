"""The SQLite engine (training/sqlite.py), on a SQLite file of its own whatever database the rest
of the suite runs on: a transaction holds the write lock from its first statement, so another
process writing in the middle waits instead of breaking a read-then-write, reads made outside a
transaction do not wait for one to end nor hold the event loop past their budget, and a short
transaction behaves as any other."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

import training.sqlite
from training import database
from training.database import short_transaction
from training.sqlite import INLINE_OVERRUNS


async def open_sqlite(url: str):
    await Tortoise.init(config=database.tortoise_config(url))
    return get_connection("default")


@pytest.fixture
async def sqlite_file(tmp_path) -> AsyncIterator[str]:
    path = str(tmp_path / "engine.sqlite3")
    connection = await open_sqlite(f"sqlite://{path}")
    await connection.execute_script("CREATE TABLE probe (n INT); INSERT INTO probe VALUES (0)")
    yield path
    await Tortoise.close_connections()


def other_process_writes(path: str) -> str:
    """What another process sees when it tries to write without waiting."""
    connection = sqlite3.connect(path, timeout=0)
    try:
        connection.execute("UPDATE probe SET n = n + 1")
        connection.commit()
        return "written"
    except sqlite3.OperationalError as refused:
        return str(refused)
    finally:
        connection.close()


async def test_a_transaction_that_has_only_read_already_holds_the_write_lock(sqlite_file):
    async with in_transaction() as transaction:
        await transaction.execute_query("SELECT n FROM probe")
        seen = await asyncio.to_thread(other_process_writes, sqlite_file)
    assert seen == "database is locked"
    assert await asyncio.to_thread(other_process_writes, sqlite_file) == "written"


async def test_commits_skip_the_disk_sync_unless_the_url_asks_for_it(sqlite_file):
    normal = await get_connection("default").execute_query_dict("PRAGMA synchronous")
    assert normal[0]["synchronous"] == 1
    await Tortoise.close_connections()
    full = await (await open_sqlite(f"sqlite://{sqlite_file}?synchronous=FULL")).execute_query_dict(
        "PRAGMA synchronous"
    )
    assert full[0]["synchronous"] == 2


async def test_a_read_outside_a_transaction_does_not_wait_for_one_to_end(sqlite_file):
    connection = get_connection("default")
    async with in_transaction() as transaction:
        await transaction.execute_query("UPDATE probe SET n = 41")
        # Through the one connection Tortoise gives SQLite, this read would wait for the
        # transaction, which waits for this test: a deadlock the timeout would report.
        during = await asyncio.wait_for(connection.execute_query_dict("SELECT n FROM probe"), 5)
        await transaction.execute_query("UPDATE probe SET n = 42")
    after = await connection.execute_query_dict("SELECT n FROM probe")
    assert (during, after) == ([{"n": 0}], [{"n": 42}])


async def test_a_write_outside_a_transaction_is_seen_by_the_next_read(sqlite_file):
    connection = get_connection("default")
    for n in range(1, 6):
        await connection.execute_query("UPDATE probe SET n = ?", [n])
        assert await connection.execute_query_dict("SELECT n FROM probe") == [{"n": n}]


# A sixth of a second of SQLite's work: far past the budget of a read in the event loop's thread.
NUMBERS = (
    "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c)"
)
LONG_COUNT = f"SELECT count(*) AS counted FROM {NUMBERS}"


async def test_a_long_read_moves_out_of_the_event_loop_and_short_ones_go_on(sqlite_file):
    connection = get_connection("default")
    # Overrun after overrun, then straight to a reader's thread as a query known to be long.
    for _ in range(INLINE_OVERRUNS + 1):
        counting = asyncio.ensure_future(connection.execute_query_dict(LONG_COUNT, [1_000_000]))
        await asyncio.sleep(0)  # the count starts in this thread and ends in another
        for n in range(20):
            await connection.execute_query("UPDATE probe SET n = ?", [n])
            assert await connection.execute_query_dict("SELECT n FROM probe") == [{"n": n}]
        # Had the count kept the event loop's thread, it would have ended before these reads.
        assert not counting.done()
        assert await counting == [{"counted": 1_000_000}]


async def test_a_long_write_is_done_once_in_full_and_short_statements_go_on(sqlite_file):
    connection = get_connection("default")
    zeros = f"SELECT 0 FROM {NUMBERS.replace('?', '300000')}"
    await connection.execute_script(f"CREATE TABLE tally (n INT); INSERT INTO tally {zeros}")
    for round_ in range(1, INLINE_OVERRUNS + 2):
        adding = asyncio.ensure_future(connection.execute_query("UPDATE tally SET n = n + 1"))
        await asyncio.sleep(0)  # the update starts in this thread, is stopped, and starts over
        for n in range(10):
            assert await connection.execute_query_dict("SELECT ? AS n", [n]) == [{"n": n}]
        assert not adding.done()
        assert (await adding)[0] == 300_000
        # Stopped part way, the first try changed nothing: every row was added to once.
        tallies = await connection.execute_query_dict("SELECT min(n) lo, max(n) hi FROM tally")
        assert tallies == [{"lo": round_, "hi": round_}]


async def test_a_write_stopped_after_its_last_step_is_done_once(sqlite_file, monkeypatch):
    """SQLite asks the budget once more after a statement's last step: a write committed by then
    (its commit may checkpoint the WAL, milliseconds) must not be stopped and run again."""
    connection = get_connection("default")
    monkeypatch.setattr(training.sqlite, "_STEPS_BETWEEN_CLOCK_LOOKS", 1)
    budget = connection._inline
    writer = connection._connection._conn
    before = writer.total_changes
    # Over budget as soon as the row is written: at the statement's end, not before.
    monkeypatch.setattr(budget, "_over_budget", lambda: writer.total_changes > before)
    await connection.execute_insert("INSERT INTO probe VALUES (?)", [7])
    await connection.execute_query("UPDATE probe SET n = n + 1 WHERE n = 7")
    monkeypatch.undo()
    assert await connection.execute_query_dict("SELECT n FROM probe ORDER BY n") == [
        {"n": 0},
        {"n": 8},
    ]


async def test_a_write_that_breaks_a_rule_says_which(sqlite_file):
    connection = get_connection("default")
    await connection.execute_script("CREATE TABLE code (c TEXT UNIQUE)")
    await connection.execute_insert("INSERT INTO code VALUES (?)", ["a"])
    with pytest.raises(IntegrityError, match="UNIQUE constraint failed: code.c"):
        await connection.execute_insert("INSERT INTO code VALUES (?)", ["a"])
    with pytest.raises(OperationalError, match="no such column: missing"):
        await connection.execute_query("UPDATE probe SET missing = 1")


async def test_a_read_that_fits_its_budget_is_answered_whole(sqlite_file):
    connection = get_connection("default")
    counted = await connection.execute_query_dict(LONG_COUNT, [500])
    assert counted == [{"counted": 500}]
    _, rows = await connection.execute_query(f"SELECT x FROM {NUMBERS}", [200])
    assert [row["x"] for row in rows] == list(range(1, 201))


async def test_a_read_that_sqlite_refuses_says_why(sqlite_file):
    with pytest.raises(OperationalError, match="no such column: missing"):
        await get_connection("default").execute_query_dict("SELECT missing FROM probe")


def probe_value(path: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT n FROM probe").fetchone()[0]
    finally:
        connection.close()


async def test_a_short_transaction_holds_the_write_lock_and_commits(sqlite_file):
    async with short_transaction() as transaction:
        await transaction.execute_query("UPDATE probe SET n = 5")
        seen = await asyncio.to_thread(other_process_writes, sqlite_file)
    assert seen == "database is locked"
    assert probe_value(sqlite_file) == 5


async def test_a_short_transaction_that_fails_writes_nothing(sqlite_file):
    await get_connection("default").execute_script("CREATE TABLE code (c TEXT UNIQUE)")
    with pytest.raises(IntegrityError):
        async with short_transaction() as transaction:
            await transaction.execute_query("UPDATE probe SET n = 9")
            await transaction.execute_many("INSERT INTO code VALUES (?)", [["a"], ["a"]])
    assert probe_value(sqlite_file) == 0
    assert await get_connection("default").execute_query_dict("SELECT * FROM code") == []


async def add_one_outside_a_transaction() -> int:
    return (await get_connection("default").execute_query("UPDATE probe SET n = n + 1"))[0]


async def add_one_in_a_short_transaction() -> int:
    return await add_one(short_transaction)


@pytest.mark.parametrize("adder", [add_one_outside_a_transaction, add_one_in_a_short_transaction])
async def test_a_write_waits_for_another_process_that_is_writing(sqlite_file, adder):
    other = sqlite3.connect(sqlite_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE probe SET n = n + 1")
    # The task finds the lock taken and waits in the connection's thread, not in this one; the
    # other process commits afterwards, from a thread of its own.
    adding = asyncio.ensure_future(adder())
    await asyncio.sleep(0)
    await asyncio.to_thread(other.execute, "COMMIT")
    assert await adding == 1
    other.close()
    assert probe_value(sqlite_file) == 2


@pytest.mark.parametrize("opener", [in_transaction, short_transaction])
async def test_a_transaction_that_could_not_begin_leaves_the_connection_usable(sqlite_file, opener):
    await Tortoise.close_connections()
    client = await open_sqlite(f"sqlite://{sqlite_file}?busy_timeout=50")
    other = sqlite3.connect(sqlite_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(TransactionManagementError, match="locked"):
        async with opener():
            pass
    other.execute("ROLLBACK")
    other.close()

    assert get_connection("default") is client
    # A lock left taken would make the next transaction of the process wait forever.
    await asyncio.wait_for(add_one(opener), 5)
    assert probe_value(sqlite_file) == 1


async def test_a_transaction_cancelled_while_waiting_to_begin_leaves_no_transaction_open(
    sqlite_file,
):
    other = sqlite3.connect(sqlite_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    waiting = asyncio.ensure_future(add_one(in_transaction))
    await asyncio.sleep(0)  # one turn of the loop: its BEGIN is sent to the connection's thread
    waiting.cancel()
    await asyncio.to_thread(other.execute, "ROLLBACK")  # the BEGIN gets the lock after this
    with pytest.raises(asyncio.CancelledError):
        await waiting
    other.close()

    await asyncio.wait_for(get_connection("default").execute_query("UPDATE probe SET n = 3"), 5)
    # Written for good, not inside a transaction the cancelled BEGIN left open.
    assert probe_value(sqlite_file) == 3


async def add_one(opener) -> int:
    async with opener() as transaction:
        return (await transaction.execute_query("UPDATE probe SET n = n + 1"))[0]
