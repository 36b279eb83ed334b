"""The per-process live feed: one task follows the database and tells every open live page what changed.

Several server processes may commit to one database (the MQTT ingest of one, the REST API of another), so
the feed reads what was committed rather than listening to its own process: every `poll_s` (100 ms by
default) it asks server/services/live_feed.py what is new — event-log rows, dead letters, device rows —
and hands the `Change` to each subscriber. The process's own commits `poke` it (the ingest after each
batch, every unsafe HTTP request after its answer), so they are seen at once rather than at the next tick.
It polls only while some page is subscribed; the first subscriber starts it at the present. After a look
that found something it waits `MIN_GAP_S` before the next, so that commits arriving one after another (the
ingest at hundreds of events a second) reach the pages as at most twenty changes a second.

Each subscriber (one per open page: server/console/live/stream.py) has a bounded queue. A page that cannot
keep up does not grow the server's memory: when its queue is full, what it holds is replaced by one
`RESYNC`, and the page reloads everything it shows from the database.

Every change published has a generation number. A fragment that is the same for everyone reading one
language (`LiveFragment.shared`) is rendered once per change for all open pages (`LiveHub.shared`): a page
whose latest notice is generation g takes a rendering begun after g was published — it reads a database that
holds the change — and otherwise renders it anew, one page at a time, so fifty dashboards cost one
rendering, not fifty.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Final

import sqlalchemy.exc
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.services import live_feed
from server.services.live_feed import Change, FeedCursor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Signal:
    name: str


RESYNC: Final = _Signal("resync")  # too much missed: reload everything
CLOSED: Final = _Signal("closed")  # the server is stopping
Notice = Change | _Signal
_RETRY_S = 1.0
MIN_GAP_S = 0.05  # after a look that found something, the least wait before the next one


class Subscription:
    def __init__(self, size: int, generation: int = 0) -> None:
        self._queue: asyncio.Queue[Notice] = asyncio.Queue(size)
        self.generation = generation  # the latest notice offered: how new a shared rendering must be

    def offer(self, notice: Notice, generation: int | None = None) -> None:
        if generation is not None:
            self.generation = generation
        try:
            self._queue.put_nowait(notice)
        except asyncio.QueueFull:
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(RESYNC)

    async def next(self, timeout: float) -> Notice | None:
        """The next notice, with every one queued behind it merged in; None after `timeout` of quiet."""
        try:
            notice = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        while not self._queue.empty() and not isinstance(notice, _Signal):
            following = self._queue.get_nowait()
            notice = following if isinstance(following, _Signal) else notice.merged(following)
        return notice


class DatabaseFeed:
    """The reads, on a worker thread: a cursor, and what changed since."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cursor: FeedCursor | None = None

    def restart(self) -> None:
        with Session(self._engine) as session:
            self._cursor = live_feed.start(session)

    def look(self) -> Change:
        if self._cursor is None:
            self.restart()
            return Change()
        with Session(self._engine) as session:
            return live_feed.look(session, self._cursor)


class _Runner:
    """The follower and the subscribers of one event loop (a server has one; a test's clients may each run
    their own)."""

    def __init__(self, hub: LiveHub, engine: Engine) -> None:
        self.hub = hub
        self.loop = asyncio.get_running_loop()
        self.feed = DatabaseFeed(engine)
        self.subscribers: set[Subscription] = set()
        self.generation = 0  # changes published so far
        self.renders: dict[tuple[str, str], tuple[int, str]] = {}  # shared fragment → (generation, html)
        self.rendering: dict[tuple[str, str], asyncio.Lock] = {}
        self.wake = asyncio.Event()
        self.closed = False
        self.task = asyncio.create_task(self._follow(), name="console-live-feed")

    def poke(self) -> None:
        if not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self.loop.call_soon_threadsafe(self.wake.set)

    def publish(self, notice: Notice) -> None:
        self.generation += 1
        for subscription in list(self.subscribers):
            subscription.offer(notice, self.generation)

    async def shared(self, key: tuple[str, str], as_new_as: int, render: Callable[[], str]) -> str:
        """The rendering of `key` begun at generation `as_new_as` or later: the last one, or a new one
        (`render` on a worker thread). Pages asking at once wait for one rendering."""
        lock = self.rendering.setdefault(key, asyncio.Lock())
        async with lock:
            kept = self.renders.get(key)
            if kept is not None and kept[0] >= as_new_as:
                return kept[1]
            begun = self.generation  # every change up to here is committed before the rendering reads
            html = await asyncio.to_thread(render)
            self.renders[key] = (begun, html)
            return html

    async def stop(self) -> None:
        self.closed = True
        self.publish(CLOSED)
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    async def _follow(self) -> None:
        following = False
        while True:
            if not self.subscribers:
                following = False
                self.wake.clear()
                await self.wake.wait()
                continue
            self.wake.clear()  # a poke from now on calls for another look
            try:
                if not following:
                    await asyncio.to_thread(self.feed.restart)
                    following = True
                change = await asyncio.to_thread(self.feed.look)
            except sqlalchemy.exc.SQLAlchemyError as exc:
                log.warning("the console's live feed cannot read the database (%s); retrying", exc)
                await self._until_poked(_RETRY_S)
                continue
            if change:
                self.publish(change)
                # A burst of commits (the ingest pokes after every batch) becomes a few changes a second
                # for every page, not one per batch: the next look waits a little, pokes or not.
                await asyncio.sleep(MIN_GAP_S)
            await self._until_poked(self.hub.poll_s)

    async def _until_poked(self, seconds: float) -> None:
        """Until the next tick, or a poke (one that came while looking counts)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), seconds)


class LiveHub:
    def __init__(self, *, poll_s: float, queue_size: int) -> None:
        self.poll_s = poll_s
        self.queue_size = queue_size
        self._runners: dict[asyncio.AbstractEventLoop, _Runner] = {}

    @property
    def subscribers(self) -> int:
        return sum(len(r.subscribers) for r in self._runners.values())

    async def start(self, engine: Engine) -> None:
        """Follow the database from this event loop (the server's)."""
        runner = _Runner(self, engine)
        self._runners[runner.loop] = runner

    async def stop(self) -> None:
        """End every open stream of this event loop and its follower (the server is stopping)."""
        runner = self._runners.pop(asyncio.get_running_loop(), None)
        if runner is not None:
            await runner.stop()

    def poke(self) -> None:
        """Look now: something was committed in this process. Safe from any thread."""
        for runner in list(self._runners.values()):
            runner.poke()

    def generation_now(self) -> int:
        """A generation no rendering kept so far has reached: asking for it renders anew."""
        runner = self._runners.get(asyncio.get_running_loop())
        return runner.generation + 1 if runner is not None else 0

    async def shared(self, key: tuple[str, str], as_new_as: int, render: Callable[[], str]) -> str:
        """A fragment that is the same for every page of one language, rendered once per change for all of
        them (see the module's docstring); rendered here and now when this loop has no follower."""
        runner = self._runners.get(asyncio.get_running_loop())
        if runner is None:
            return await asyncio.to_thread(render)
        return await runner.shared(key, as_new_as, render)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        subscription = Subscription(self.queue_size)
        runner = self._runners.get(asyncio.get_running_loop())
        if runner is None or runner.closed:
            subscription.offer(CLOSED)
            yield subscription
            return
        subscription.generation = runner.generation
        runner.subscribers.add(subscription)
        runner.wake.set()
        try:
            yield subscription
        finally:
            runner.subscribers.discard(subscription)
