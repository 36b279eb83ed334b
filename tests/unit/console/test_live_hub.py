"""The live hub's parts that need no database: bounded queues that turn into one resync, merged changes,
and subscribers told when the server stops."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from server.console.live.hub import CLOSED, RESYNC, LiveHub, Subscription
from server.services.live_feed import Change

T = TypeVar("T")


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """The scenario on an event loop of its own thread (a session's browser may hold this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()


def test_changes_queued_behind_the_first_are_merged() -> None:
    async def scenario() -> object:
        subscription = Subscription(8)
        subscription.offer(Change(kinds=frozenset({"circ.checkout"})))
        subscription.offer(Change(devices=frozenset({"kiosk-01"})))
        subscription.offer(Change(dead_letters=2))
        return await subscription.next(1)

    merged = run(scenario())
    assert merged == Change(frozenset({"circ.checkout"}), frozenset({"kiosk-01"}), 2)


def test_a_full_queue_becomes_one_resync() -> None:
    async def scenario() -> list[object]:
        subscription = Subscription(3)
        for n in range(10):
            subscription.offer(Change(dead_letters=n))
        return [await subscription.next(1), await subscription.next(0.01)]

    assert run(scenario()) == [RESYNC, None]


def test_a_quiet_subscription_answers_none_after_its_timeout() -> None:
    assert run(Subscription(1).next(0.01)) is None


def test_a_hub_not_started_in_this_loop_closes_its_subscribers_at_once() -> None:
    async def scenario() -> object:
        hub = LiveHub(poll_s=0.1, queue_size=4)
        async with hub.subscribe() as subscription:
            return await subscription.next(1)

    assert run(scenario()) is CLOSED


def test_changes_reach_subscribers_and_stopping_closes_them() -> None:
    """With no database to follow, a runner still fans out what is published and closes on stop."""
    from sqlalchemy import create_engine

    async def scenario() -> list[object]:
        hub = LiveHub(poll_s=10, queue_size=4)
        engine = create_engine("sqlite://")  # the follower's reads fail: it logs and retries, unseen here
        await hub.start(engine)
        got: list[object] = []
        async with hub.subscribe() as subscription:
            assert hub.subscribers == 1
            (runner,) = hub._runners.values()
            runner.publish(Change(kinds=frozenset({"desk.fine.waive"})))
            got.append(await subscription.next(1))
            await hub.stop()
            got.append(await subscription.next(1))
        engine.dispose()
        return got

    assert run(scenario()) == [Change(kinds=frozenset({"desk.fine.waive"})), CLOSED]
