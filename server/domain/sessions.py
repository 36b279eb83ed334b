"""Kiosk sessions: a patron signed in at one kiosk, until logout or a spell of idleness.

A session id is only good at the kiosk that opened it: a session id read off one kiosk's traffic is of no
use at another. Each accepted request slides the idle deadline forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from server.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class SessionState:
    device_id: str
    patron_id: int
    expires_at: datetime
    closed: bool


def check_session(session: SessionState | None, *, device_id: str, now: datetime) -> Reason | None:
    """None when the session may be used now; else why not."""
    if session is None or session.device_id != device_id:
        return Reason.UNKNOWN_SESSION
    if session.closed or now >= session.expires_at:
        return Reason.SESSION_EXPIRED
    return None


def idle_deadline(now: datetime, idle_minutes: int) -> datetime:
    if idle_minutes < 1:
        raise ValueError("a kiosk session lasts at least a minute")
    return now + timedelta(minutes=idle_minutes)


def item_match(by_barcode: int | None, by_tag: int | None) -> tuple[Reason | None, int | None]:
    """A device may name an item by barcode and tag at once; both must then name the same item.

    Returns (problem, item id): UNKNOWN_ITEM when neither names a known item, ITEM_MISMATCH when they
    name two different items (a tag written for another copy), else the item.
    """
    if by_barcode is not None and by_tag is not None and by_barcode != by_tag:
        return Reason.ITEM_MISMATCH, None
    found = by_barcode if by_barcode is not None else by_tag
    if found is None:
        return Reason.UNKNOWN_ITEM, None
    return None, found
