"""The results of the kiosk and desk services: one frozen dataclass per contract reply, whose fields are
exactly that reply's own fields (a desk checkout adds what staff overrode), so the ingest builds a reply as

    CheckoutResult(request_id=…, correlation_id=…, issued_at=…, **outcome.reply_fields())
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from uuid import UUID

from contract.catalogue import CatalogueHit
from contract.replies import Decision, HoldNotice, ItemSummary, PatronSummary, ReasonCode, SecurityAction


class _Outcome:
    def reply_fields(self) -> dict[str, Any]:
        """Shallow: the contract model instances are kept as they are."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    @property
    def ok(self) -> bool:
        decision: Decision = getattr(self, "decision")  # noqa: B009  (every outcome has one)
        return decision.ok


@dataclass(frozen=True, slots=True)
class LoginOutcome(_Outcome):
    decision: Decision
    session_id: UUID | None = None
    session_expires_at: datetime | None = None
    patron: PatronSummary | None = None


@dataclass(frozen=True, slots=True)
class LogoutOutcome(_Outcome):
    decision: Decision


@dataclass(frozen=True, slots=True)
class CheckoutOutcome(_Outcome):
    decision: Decision
    item: ItemSummary | None = None
    due_at: datetime | None = None
    security: SecurityAction | None = None


@dataclass(frozen=True, slots=True)
class DeskCheckoutOutcome(CheckoutOutcome):
    """A checkout at the desk: the kiosk's reply fields, and the refusals staff overrode to grant it."""

    overridden: tuple[ReasonCode, ...] = ()


@dataclass(frozen=True, slots=True)
class RenewOutcome(_Outcome):
    decision: Decision
    item: ItemSummary | None = None
    due_at: datetime | None = None
    renewals_left: int | None = None


@dataclass(frozen=True, slots=True)
class CheckinOutcome(_Outcome):
    decision: Decision
    item: ItemSummary | None = None
    hold: HoldNotice | None = None
    fine_charged: int = 0
    security: SecurityAction | None = None


@dataclass(frozen=True, slots=True)
class SearchOutcome(_Outcome):
    decision: Decision
    hits: list[CatalogueHit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False


@dataclass(frozen=True, slots=True)
class HoldOutcome(_Outcome):
    decision: Decision
    record_id: int | None = None
    pickup_location: str | None = None
