"""Errors of the edge runtime. Agents report them in their status and keep running where they can."""

from __future__ import annotations

from uuid import UUID


class EdgeError(Exception):
    """Root of the edge runtime's errors."""


class OutboxError(EdgeError):
    """The outbox file cannot be opened or written, or belongs to another device or process."""


class EventTooLargeError(EdgeError):
    """An event whose encoded form is larger than any message the agent may send."""


class RequestTimeoutError(EdgeError):
    """No reply arrived in time. The request stays queued: its reply will still come, exactly once, to the
    late-reply handler; the request is never sent as a new event."""

    def __init__(self, request_id: UUID, kind: str, timeout_s: float) -> None:
        super().__init__(f"no reply to {kind} {request_id} within {timeout_s:.1f} s; it stays queued")
        self.request_id = request_id
        self.kind = kind
        self.timeout_s = timeout_s


class NotRunningError(EdgeError):
    """The runtime was used before `start()` or after `stop()`."""
