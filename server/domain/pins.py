"""PIN attempts at a kiosk: a run of wrong PINs locks the PIN until staff unlock it.

The check is a function of whether this attempt was right and how many wrong ones came before it, so the
rule is the same for every caller and tested without a hasher.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class PinCheck:
    reason: Reason  # OK, WRONG_PIN or PIN_LOCKED
    failures: int  # the run of wrong PINs to store after this attempt
    attempts_left: int

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK


def check_pin(*, correct: bool, failures: int, max_failures: int) -> PinCheck:
    """A locked PIN stays locked even when the right PIN is tried: a lock that a lucky guess lifts
    would let a thief keep guessing. A right PIN ends the run of wrong ones."""
    if max_failures < 1:
        raise ValueError("max_failures must be at least 1")
    if failures >= max_failures:
        return PinCheck(Reason.PIN_LOCKED, failures, 0)
    if correct:
        return PinCheck(Reason.OK, 0, max_failures)
    failures += 1
    if failures >= max_failures:
        return PinCheck(Reason.PIN_LOCKED, failures, 0)
    return PinCheck(Reason.WRONG_PIN, failures, max_failures - failures)


def is_locked(failures: int, max_failures: int) -> bool:
    return failures >= max_failures
