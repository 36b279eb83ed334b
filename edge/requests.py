"""Request/response bookkeeping: replies matched to the requests waiting for them.

A reply is matched by `request_id` (the request's event id) and must echo its `correlation_id`. A request
whose caller stopped waiting (timeout) or that was queued by an earlier run of the agent gets its reply
delivered to the late-reply handler instead. The server sends a retried request's stored reply again; those
repeats are recognised and dropped, so every reply takes effect on the device once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from contract.replies import ReplyBase

log = logging.getLogger(__name__)

LateReplyHandler = Callable[[ReplyBase], None]


class Outcome(StrEnum):
    ANSWERED = "answered"  # a caller was waiting
    LATE = "late"  # nobody waits any more (timed out, or queued by an earlier run): the late handler got it
    DUPLICATE = "duplicate"  # a repeat of a reply already delivered
    MISMATCHED = "mismatched"  # right request id, wrong correlation id: not ours to trust


@dataclass(slots=True)
class _Waiting:
    correlation_id: UUID
    future: Future[ReplyBase]
    abandoned: bool = False


class PendingRequests:
    def __init__(self, on_late: LateReplyHandler | None = None, remember: int = 4096) -> None:
        self._on_late = on_late
        self._remember = remember
        self._waiting: dict[UUID, _Waiting] = {}
        self._answered: OrderedDict[UUID, None] = OrderedDict()  # recently answered ids, bounded
        self._lock = threading.Lock()

    def set_late_handler(self, handler: LateReplyHandler | None) -> None:
        self._on_late = handler

    def register(self, request_id: UUID, correlation_id: UUID) -> Future[ReplyBase]:
        """Start waiting for the reply to `request_id`; call before the request can reach the server."""
        future: Future[ReplyBase] = Future()
        with self._lock:
            self._waiting[request_id] = _Waiting(correlation_id, future)
        return future

    def abandon(self, request_id: UUID) -> bool:
        """The caller stopped waiting: the reply, when it comes, goes to the late-reply handler. False if
        the reply has already been resolved (the caller should take it from the future)."""
        with self._lock:
            waiting = self._waiting.get(request_id)
            if waiting is None:
                return False
            waiting.abandoned = True
            return True

    def forget(self, request_id: UUID) -> None:
        """The request was never stored: stop waiting for it."""
        with self._lock:
            self._waiting.pop(request_id, None)

    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def resolve(self, reply: ReplyBase) -> Outcome:
        with self._lock:
            if reply.request_id in self._answered:
                return Outcome.DUPLICATE
            waiting = self._waiting.get(reply.request_id)
            if waiting is not None and waiting.correlation_id != reply.correlation_id:
                return Outcome.MISMATCHED
            self._waiting.pop(reply.request_id, None)
            self._answered[reply.request_id] = None
            while len(self._answered) > self._remember:
                self._answered.popitem(last=False)
            abandoned = waiting is None or waiting.abandoned
        if waiting is not None and not _settle(waiting.future, reply):
            abandoned = True  # its caller cancelled the future: nobody waits for it there any more
        if not abandoned:
            return Outcome.ANSWERED
        self._deliver_late(reply)
        return Outcome.LATE

    def _deliver_late(self, reply: ReplyBase) -> None:
        decision = reply.decision
        log.info(
            "late reply %s to %s: %s (%s)", reply.KIND, reply.request_id, decision.code, decision.message.en
        )
        if self._on_late is None:
            return
        try:
            self._on_late(reply)
        except Exception:
            log.exception("late-reply handler failed for %s", reply.request_id)


def _settle(future: Future[ReplyBase], reply: ReplyBase) -> bool:
    """Give the reply to its future; False if the future was already done (cancelled by its caller)."""
    try:
        future.set_result(reply)
    except InvalidStateError:
        return False
    return True
