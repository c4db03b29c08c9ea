"""Events this package announces; higher packages subscribe (wired in server.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from courses.models import Enrolment

Subscriber = Callable[[Enrolment], Awaitable[None]]


class Event:
    """A small list of async subscribers, called in order, after the change is committed."""

    def __init__(self) -> None:
        self.subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Subscriber:
        # Apps are created more than once in one process (tests): subscribing is idempotent.
        if subscriber not in self.subscribers:
            self.subscribers.append(subscriber)
        return subscriber

    async def announce(self, enrolment: Enrolment) -> None:
        for subscriber in list(self.subscribers):
            await subscriber(enrolment)


# A learner read every lesson and passed the quiz: certificates will issue one.
course_completed = Event()
