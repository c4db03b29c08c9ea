"""training/events.py: subscribers heard in order, or all at once when independent."""

import asyncio

import pytest

from training.events import Event


def event_with(*subscribers, together: bool) -> Event[int]:
    event: Event[int] = Event(together=together)
    for subscriber in subscribers:
        event.subscribe(subscriber)
    return event


async def test_subscribers_heard_in_order_run_one_after_the_other():
    heard = []

    async def first(payload: int) -> None:
        heard.append(("first starts", payload))
        await asyncio.sleep(0)  # gives the loop a turn: the second still waits
        heard.append(("first ends", payload))

    async def second(payload: int) -> None:
        heard.append(("second", payload))

    await event_with(first, second, together=False).announce(7)
    assert heard == [("first starts", 7), ("first ends", 7), ("second", 7)]


async def test_subscribers_heard_together_work_at_the_same_time():
    second_started = asyncio.Event()
    heard = []

    async def first(payload: int) -> None:
        await second_started.wait()  # ends only if the second runs meanwhile
        heard.append(("first", payload))

    async def second(payload: int) -> None:
        second_started.set()
        heard.append(("second", payload))

    await asyncio.wait_for(event_with(first, second, together=True).announce(7), timeout=5)
    assert heard == [("second", 7), ("first", 7)]


async def test_a_failing_subscriber_heard_together_stops_the_others_and_is_raised():
    stopped = []

    async def waiting(payload: int) -> None:
        try:
            await asyncio.Event().wait()  # never set
        except asyncio.CancelledError:
            stopped.append(payload)
            raise

    async def failing(payload: int) -> None:
        raise ValueError(f"refused {payload}")

    with pytest.raises(ExceptionGroup) as raised:
        await asyncio.wait_for(event_with(waiting, failing, together=True).announce(7), 5)
    assert [str(error) for error in raised.value.exceptions] == ["refused 7"]
    assert stopped == [7]
