"""The PostgreSQL engine (training/postgres.py): a transaction whose BEGIN fails gives its
connection back to the pool and leaves the task outside any transaction."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import Tortoise
from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from training import database


@pytest.fixture
async def postgres(database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("about PostgreSQL: runs with AMANE_TEST_DATABASE=postgres")
    await Tortoise.init(config=database.tortoise_config(database_url))
    yield get_connection("default")
    await Tortoise.close_connections()


@pytest.mark.parametrize("failure", [ConnectionResetError, asyncio.CancelledError])
async def test_a_transaction_that_cannot_begin_gives_its_connection_back(
    postgres, monkeypatch, failure
):
    async with in_transaction():
        pass
    idle = postgres._pool.get_idle_size()

    async def server_gone(self) -> None:
        raise failure()

    monkeypatch.setattr(TransactionWrapper, "begin", server_gone)
    with pytest.raises(failure):
        async with in_transaction():
            pass
    monkeypatch.undo()

    assert get_connection("default") is postgres
    assert postgres._pool.get_idle_size() == idle
    async with in_transaction() as connection:
        assert await connection.execute_query_dict("SELECT 1 AS one") == [{"one": 1}]
