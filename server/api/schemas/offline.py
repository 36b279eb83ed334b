"""The offline exceptions queue: what kiosks did offline that the record did not allow as it stood."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from server.api.schemas.base import ApiModel, RequestModel
from server.domain.offline import OfflineKind, OfflineOutcome, OfflineProblem


class OfflineExceptionOut(ApiModel):
    id: int
    event_id: uuid.UUID = Field(description="The offline event in the event log (`/events/{event_id}`).")
    reason: OfflineProblem = Field(description="What the rules would not have allowed (docs/edge.md).")
    device_id: str = Field(description="The kiosk.")
    kind: OfflineKind
    occurred_at: datetime = Field(description="When it happened at the kiosk.")
    outcome: OfflineOutcome | None = Field(description="What applying the transaction did.")
    card_number: str | None = Field(description="The borrower's card, as the kiosk read it (loans).")
    patron_id: int | None = Field(description="The reader with that card; null: no such reader.")
    item_ref: str = Field(description="The barcode, else the tag UID, as the kiosk read it.")
    item_id: int | None = Field(description="The copy; null: not in the catalogue.")
    loan_made_id: int | None
    loan_closed_id: int | None
    opened_at: datetime
    settled_at: datetime | None
    settled_by: str | None
    note: str | None


class OfflineSummaryOut(ApiModel):
    open: int = Field(description="Exceptions not settled yet.")


class OfflineSettle(RequestModel):
    note: str | None = Field(default=None, max_length=500, description="What staff did about it.")
