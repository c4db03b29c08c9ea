"""The SQLite engine (training/sqlite.py), on a SQLite file of its own whatever database the rest
of the suite runs on: a transaction holds the write lock from its first statement, so another
process writing in the middle waits instead of breaking a read-then-write."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from training import database


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
