"""Statuses and kinds of the circulation entities, and staff roles.

The database stores their values (`"on_hold_shelf"`), never their names: rows, bulk loads, raw SQL and the
partial indexes' predicates all use these strings, so a member's value never changes once released.
"""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    AVAILABLE = "available"
    ON_LOAN = "on_loan"
    ON_HOLD_SHELF = "on_hold_shelf"  # trapped for a patron's hold, waiting at the pickup desk
    MISSING = "missing"  # not found where it should be (stock-take, search)
    LOST = "lost"  # declared lost by a patron or after long overdue
    DAMAGED = "damaged"  # out of circulation for repair
    WITHDRAWN = "withdrawn"  # weeded; kept for the record

    @property
    def unavailable(self) -> bool:
        """Statuses that keep an item out of circulation whatever the patron."""
        return self in UNAVAILABLE_STATUSES


UNAVAILABLE_STATUSES = frozenset(
    {ItemStatus.MISSING, ItemStatus.LOST, ItemStatus.DAMAGED, ItemStatus.WITHDRAWN}
)


class ItemCondition(StrEnum):
    NEW = "new"
    GOOD = "good"
    FAIR = "fair"
    WORN = "worn"
    POOR = "poor"


class AcquisitionSource(StrEnum):
    """How a copy came to the library (the accession register's "nguồn bổ sung")."""

    PURCHASE = "purchase"
    DONATION = "donation"  # biếu tặng
    EXCHANGE = "exchange"  # trao đổi
    LEGAL_DEPOSIT = "legal_deposit"  # lưu chiểu, nộp lưu (the university's own theses)
    TRANSFER = "transfer"  # điều chuyển from another library


class LocationKind(StrEnum):
    LIBRARY = "library"
    FLOOR = "floor"
    RANGE = "range"
    SHELF = "shelf"


class HoldStatus(StrEnum):
    WAITING = "waiting"  # in the queue for the record
    READY = "ready"  # an item is trapped for it on the hold shelf, until the pickup deadline
    FULFILLED = "fulfilled"  # the patron borrowed the item
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # not picked up in time

    @property
    def open(self) -> bool:
        return self in (HoldStatus.WAITING, HoldStatus.READY)


class FineKind(StrEnum):
    OVERDUE = "overdue"
    LOST = "lost"
    DAMAGE = "damage"
    MANUAL = "manual"


class FineStatus(StrEnum):
    OUTSTANDING = "outstanding"
    PAID = "paid"
    WAIVED = "waived"


class BlockKind(StrEnum):
    """Why staff blocked a patron. Fines and overdue items block by policy, not by a stored block."""

    MANUAL = "manual"
    LOST_CARD = "lost_card"
    DISCIPLINARY = "disciplinary"
    UNPAID_REPLACEMENT = "unpaid_replacement"
    GRADUATION_CLEARANCE = "graduation_clearance"


class StaffRole(StrEnum):
    """What a staff member may do is the role's permissions (server/services/permissions.py)."""

    ASSISTANT = "assistant"  # a desk assistant or student worker: circulation at the desk, patron lookup
    LIBRARIAN = "librarian"  # the library's work: catalogue, patrons, fines, loan history, the event log
    ADMIN = "admin"  # a librarian who also manages staff accounts and reads the audit trail
