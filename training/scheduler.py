"""The optional in-process scheduler: the notifications job every few minutes, off by default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

logger = logging.getLogger(__name__)


async def _repeat(minutes: float, job: Callable[[], Awaitable[object]]) -> None:
    while True:
        try:
            await job()
        except Exception:
            # A failed run (SMTP down, a bad row) must not stop the next ones.
            logger.exception("scheduled job failed")
        await asyncio.sleep(minutes * 60)


@contextlib.asynccontextmanager
async def every(minutes: float, job: Callable[[], Awaitable[object]]) -> AsyncIterator[None]:
    """Run `job` now and then every `minutes` while the app runs; 0 turns it off."""
    if minutes <= 0:
        yield
        return
    task = asyncio.create_task(_repeat(minutes, job))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
