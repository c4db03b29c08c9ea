"""Events this package announces; higher packages subscribe (wired in server.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from training.models import Staff

Payload = TypeVar("Payload")


class Event(Generic[Payload]):
    """A small list of async subscribers, called after the change is committed: in order, or
    all at once when they are independent of one another (`together`): then one's statements
    run in the database while another works out its rows."""

    def __init__(self, *, together: bool = False) -> None:
        self.subscribers: list[Callable[[Payload], Awaitable[None]]] = []
        self.together = together

    def subscribe(
        self, subscriber: Callable[[Payload], Awaitable[None]]
    ) -> Callable[[Payload], Awaitable[None]]:
        # Apps are created more than once in one process (tests): subscribing is idempotent.
        if subscriber not in self.subscribers:
            self.subscribers.append(subscriber)
        return subscriber

    async def announce(self, payload: Payload) -> None:
        if not self.together:
            for subscriber in list(self.subscribers):
                await subscriber(payload)
            return
        # Each in its own task, outside any transaction: on PostgreSQL each takes a connection.
        async with asyncio.TaskGroup() as group:
            for subscriber in list(self.subscribers):
                group.create_task(subscriber(payload))


@dataclass(frozen=True)
class NewAccount:
    """A staff member just created, with the one-time token of their password-set link."""

    staff: Staff
    password_token: str


# Accounts were created (one form or a whole import): rules assign courses, emails go out.
staff_created: Event[list[NewAccount]] = Event(together=True)

# Staff were moved, deactivated or reactivated (ids): reports keep their history (of new
# accounts too, which staff_created announces).
staff_changed: Event[list[int]] = Event(together=True)

# The demo accounts exist (`amane demo seed`; the date is today): higher packages add activity.
demo_seeded: Event[date] = Event()
