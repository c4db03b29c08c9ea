"""On whichever database runs the suite, a transaction whose BEGIN fails (a lost connection, a
cancelled task) leaves no trace: the task is outside any transaction and the connection goes
back (training/sqlite.py, training/postgres.py)."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.backends.asyncpg.client import TransactionWrapper
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from training.sqlite import ImmediateTransactionWrapper

WRAPPERS = {"sqlite": ImmediateTransactionWrapper, "postgres": TransactionWrapper}
# More than PostgreSQL's pool holds (5): connections kept by failed BEGINs would leave none,
# as SQLite's one connection kept locked would.
FAILED_BEGINS = 6


@pytest.mark.parametrize("failure", [ConnectionResetError, asyncio.CancelledError])
async def test_a_transaction_that_cannot_begin_gives_its_connection_back(app, monkeypatch, failure):
    base = get_connection("default")

    async def cannot_begin(self) -> None:
        raise failure()

    async def fail_then_work() -> list[dict]:
        monkeypatch.setattr(WRAPPERS[base.capabilities.dialect], "begin", cannot_begin)
        for _ in range(FAILED_BEGINS):
            with pytest.raises(failure):
                async with in_transaction():
                    pass
            assert get_connection("default") is base
        monkeypatch.undo()
        async with in_transaction() as connection:
            return await connection.execute_query_dict("SELECT 1 AS one")

    # Bounded: a connection never given back makes the last transaction wait for ever.
    assert await asyncio.wait_for(fail_then_work(), timeout=30) == [{"one": 1}]
