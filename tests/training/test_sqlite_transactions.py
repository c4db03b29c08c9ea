"""On SQLite, a transaction holds the write lock from its first statement, so another process
writing in the middle waits instead of breaking a read-then-write."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from training import database
from training.models import Agency


@pytest.fixture
def sqlite_file(settings) -> str:
    if not settings.database_url.startswith("sqlite://"):
        pytest.skip("SQLite's locking only")
    return settings.database_url.removeprefix("sqlite://")


def other_process_writes(path: str) -> str:
    """What another process sees when it tries to write without waiting."""
    connection = sqlite3.connect(path, timeout=0)
    try:
        connection.execute("UPDATE agency SET declared_headcount = 7")
        connection.commit()
        return "written"
    except sqlite3.OperationalError as refused:
        return str(refused)
    finally:
        connection.close()


async def test_a_transaction_that_has_only_read_already_holds_the_write_lock(app, sqlite_file):
    async with in_transaction():
        await Agency.all().count()
        seen = await asyncio.to_thread(other_process_writes, sqlite_file)
    assert seen == "database is locked"
    assert await asyncio.to_thread(other_process_writes, sqlite_file) == "written"


async def test_commits_skip_the_disk_sync_unless_the_url_asks_for_it(app, sqlite_file):
    connection = get_connection("default")
    assert (await connection.execute_query_dict("PRAGMA synchronous"))[0]["synchronous"] == 1
    await Tortoise.close_connections()
    await Tortoise.init(config=database.tortoise_config(f"sqlite://{sqlite_file}?synchronous=FULL"))
    full = await get_connection("default").execute_query_dict("PRAGMA synchronous")
    assert full[0]["synchronous"] == 2
