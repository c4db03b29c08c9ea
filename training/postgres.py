"""Tortoise's PostgreSQL engine, whose transactions give their connection back when BEGIN fails.

Tortoise's pooled transaction takes a connection from the pool, then marks the task as inside
the transaction, then sends BEGIN. When BEGIN fails (the server went away, or the task was
cancelled while waiting for it), neither is undone: the pool stays one connection short for
good, until no request can get one, and the task goes on talking to a transaction that never
began.
"""

from __future__ import annotations

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContext, TransactionContextPooled
from tortoise.connection import get_connections


class _PooledTransaction(TransactionContextPooled):
    async def __aenter__(self) -> TransactionWrapper:
        await self.ensure_connection()
        pool = self.client._parent._pool
        self.client._connection = await pool.acquire()
        self.token = get_connections().set(self.connection_name, self.client)
        try:
            await self.client.begin()
        except BaseException:
            get_connections().reset(self.token)
            await pool.release(self.client._connection)
            raise
        return self.client


class PostgresClient(AsyncpgDBClient):
    def _in_transaction(self) -> TransactionContext:
        return _PooledTransaction(TransactionWrapper(self), self._pool_init_lock)


client_class = PostgresClient
