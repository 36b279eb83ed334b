"""The per-process live feed: one task follows the database and tells every open live page what changed.

Several server processes may commit to one database (the MQTT ingest of one, the REST API of another), so
the feed reads what was committed rather than listening to its own process: every `poll_s` (100 ms by
default) it asks server/services/live_feed.py what is new — event-log rows, dead letters, device rows —
and hands the `Change` to each subscriber. The process's own commits `poke` it (the ingest after each
batch, every unsafe HTTP request after its answer), so they are seen at once rather than at the next tick.
It polls only while some page is subscribed; the first subscriber starts it at the present.

Each subscriber (one per open page: server/console/live/stream.py) has a bounded queue. A page that cannot
keep up does not grow the server's memory: when its queue is full, what it holds is replaced by one
`RESYNC`, and the page reloads everything it shows from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
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


class Subscription:
    def __init__(self, size: int) -> None:
        self._queue: asyncio.Queue[Notice] = asyncio.Queue(size)

    def offer(self, notice: Notice) -> None:
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


class LiveHub:
    def __init__(self, *, poll_s: float, queue_size: int) -> None:
        self.poll_s = poll_s
        self.queue_size = queue_size
        self._subscribers: set[Subscription] = set()
        self._feed: DatabaseFeed | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._closed = False

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def start(self, engine: Engine) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._feed = DatabaseFeed(engine)
        self._closed = False
        self._task = asyncio.create_task(self._follow(), name="console-live-feed")

    async def stop(self) -> None:
        """End every open stream and the follower (the server is stopping)."""
        self._closed = True
        for subscription in list(self._subscribers):
            subscription.offer(CLOSED)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def poke(self) -> None:
        """Look now: something was committed in this process. Safe from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._wake.set)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        subscription = Subscription(self.queue_size)
        if self._closed:
            subscription.offer(CLOSED)
        self._subscribers.add(subscription)
        self._wake.set()
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    def publish(self, change: Change) -> None:
        for subscription in list(self._subscribers):
            subscription.offer(change)

    async def _follow(self) -> None:
        feed = self._feed
        assert feed is not None
        following = False
        while True:
            if not self._subscribers:
                following = False
                self._wake.clear()
                await self._wake.wait()
                continue
            self._wake.clear()  # a poke from now on calls for another look
            try:
                if not following:
                    await asyncio.to_thread(feed.restart)
                    following = True
                change = await asyncio.to_thread(feed.look)
            except sqlalchemy.exc.SQLAlchemyError as exc:
                log.warning("the console's live feed cannot read the database (%s); retrying", exc)
                await self._until_poked(_RETRY_S)
                continue
            if change:
                self.publish(change)
            await self._until_poked(self.poll_s)

    async def _until_poked(self, seconds: float) -> None:
        """Until the next tick, or a poke (one that came while looking counts)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
