"""Asking the server for shelf lists: on joining a shelf whose list the handheld does not keep, and again now
and then while it has not come (the network down; a request that waited too long is refused as expired).
A reply that comes after its wait was given up — or to an earlier run of the agent — is kept all the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol

from contract.events import EventEnvelope, StocktakeShelfListRequested
from contract.replies import ReplyBase, StocktakeShelfList
from contract.stocktake import ShelfListAsked
from edge.handheld.reads import Place
from edge.handheld.shelf_lists import ShelfLists
from edge.outbox import Payload

log = logging.getLogger(__name__)

REASK_S = 30.0


class Pending(Protocol):
    """A request on its way (`edge.runtime.RequestHandle` is one)."""

    @property
    def future(self) -> Future[ReplyBase]: ...


class Requester(Protocol):
    def request_async(self, model: type[EventEnvelope], payload: Payload) -> Pending: ...


class ListRequests:
    def __init__(
        self, runtime: Requester, lists: ShelfLists, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.runtime = runtime
        self.lists = lists
        self._clock = clock
        self._asked: dict[tuple[int, str], float] = {}
        self.asked = 0
        self.kept = 0

    def ask(self, place: Place, *, again_after: float = REASK_S) -> bool:
        """Ask for the list of the handheld's shelf unless it is kept or was asked for lately; True if
        asked now."""
        shelf = place.shelf_code
        if shelf is None or self.lists.has(place.session_id, shelf):
            return False
        key = (place.session_id, shelf)
        asked = self._asked.get(key)
        if asked is not None and self._clock() - asked < again_after:
            return False
        self._asked[key] = self._clock()
        try:
            pending = self.runtime.request_async(
                StocktakeShelfListRequested, ShelfListAsked(session_id=place.session_id, shelf_code=shelf)
            )
        except Exception:
            log.exception("handheld: the list of shelf %s could not be asked for", shelf)
            return False
        self.asked += 1
        pending.future.add_done_callback(self._answered)
        return True

    def take(self, reply: StocktakeShelfList) -> None:
        if self.lists.keep(reply):
            self.kept += 1
            return
        why = reply.refusal or reply.decision.code
        log.warning("handheld: no list of shelf %s: %s", reply.shelf_code, why)

    def _answered(self, future: Future[ReplyBase]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        reply = future.result()
        if isinstance(reply, StocktakeShelfList):
            self.take(reply)
