"""Events this package announces; higher packages subscribe (wired in server.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from training.models import Staff

Payload = TypeVar("Payload")


class Event(Generic[Payload]):
    """A small list of async subscribers, called in order, after the change is committed."""

    def __init__(self) -> None:
        self.subscribers: list[Callable[[Payload], Awaitable[None]]] = []

    def subscribe(
        self, subscriber: Callable[[Payload], Awaitable[None]]
    ) -> Callable[[Payload], Awaitable[None]]:
        # Apps are created more than once in one process (tests): subscribing is idempotent.
        if subscriber not in self.subscribers:
            self.subscribers.append(subscriber)
        return subscriber

    async def announce(self, payload: Payload) -> None:
        for subscriber in list(self.subscribers):
            await subscriber(payload)


@dataclass(frozen=True)
class NewAccount:
    """A staff member just created, with the one-time token of their password-set link."""

    staff: Staff
    password_token: str


# Accounts were created (one form or a whole import): rules assign courses, emails go out.
staff_created: Event[list[NewAccount]] = Event()

# Staff were created, moved, deactivated or reactivated (ids): reports keep their history.
staff_changed: Event[list[int]] = Event()

# The demo accounts exist (`amane demo seed`; the date is today): higher packages add activity.
demo_seeded: Event[date] = Event()
