"""The server's error root. The REST API maps these to HTTP problems; the ingest maps them to dead letters.

Circulation refusals are not errors: they are decisions with a reason code.
"""

from __future__ import annotations


class StacksError(Exception):
    """Root of every error the server raises on purpose."""


class NotFoundError(StacksError):
    """The thing asked for does not exist."""


class ConflictError(StacksError):
    """The request conflicts with the current state (duplicate barcode, item already on loan…)."""


class InvalidInputError(StacksError):
    """The request is well-formed but its values are not acceptable."""


class IdempotencyKeyReusedError(InvalidInputError):
    """An idempotency key sent again with another request than the one it was first used for."""


class UnauthorizedError(StacksError):
    """No valid staff credentials."""


class ForbiddenError(StacksError):
    """Valid credentials, but not allowed to do this."""


class TooManyAttemptsError(StacksError):
    """Attempts are refused for a while after too many failed ones (sign-in throttling)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # whole seconds


class ConfigurationError(StacksError):
    """A configuration file or setting is invalid; raised at start-up, never mid-request."""
