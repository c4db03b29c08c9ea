"""On SQLite, a transaction holds the write lock from its first statement, so another process
writing in the middle waits instead of breaking a read-then-write."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from tortoise.transactions import in_transaction

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
