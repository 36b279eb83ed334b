"""Stock-take sessions, their progress, figures, exceptions and closing actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from contract.stocktake import ShelfMethod
from server.api.schemas.base import ApiModel, RequestModel
from server.domain.enums import ItemStatus
from server.domain.stocktake.plan import ActionKind
from server.domain.stocktake.results import ItemClass
from server.domain.stocktake.session import SessionState
from server.domain.stocktake.tags import TagVerdict


class ScopeIn(RequestModel):
    locations: list[int] = Field(default_factory=list, description="Location ids: each with its subtree.")
    call_ranges: list[tuple[str, str]] = Field(
        default_factory=list,
        description="Call-number ranges, [start, end] inclusive (the end's extensions too).",
    )
    item_types: list[str] = Field(default_factory=list, description="Empty: every type.")
    expected_statuses: list[ItemStatus] = Field(
        default_factory=lambda: [ItemStatus.AVAILABLE], description="Statuses that mean 'on the shelf'."
    )


class SessionCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    scope: ScopeIn


class SessionOut(ApiModel):
    id: int
    name: str
    state: SessionState
    scope: dict[str, Any]
    created_at: datetime
    created_by: str
    opened_at: datetime | None
    closed_at: datetime | None
    signed_at: datetime | None
    signed_by: str | None
    expected_count: int = Field(description="In-scope items expected on their shelves at opening.")
    frozen_count: int = Field(description="In-scope items frozen at opening, expected or not.")


class ShelfProgressOut(ApiModel):
    shelf_id: int
    code: str
    in_scope: bool
    sweeps: int
    reads: int
    last_swept_at: datetime | None


class HandheldOut(ApiModel):
    device_id: str
    operator: str | None
    shelf_code: str | None
    method: ShelfMethod | None
    joined_at: datetime
    last_read_at: datetime | None
    reads: int


class ProgressOut(ApiModel):
    session: SessionOut
    shelves: list[ShelfProgressOut]
    handhelds: list[HandheldOut]


class FiguresOut(ApiModel):
    totals: dict[str, int] = Field(description="Classes (adding up to the scope's size) and issues.")
    by_location: dict[str, dict[str, int]] = Field(description="By location code, each with its subtree.")
    by_item_type: dict[str, dict[str, int]]
    outside_scope: dict[str, int] = Field(description="Items from outside the scope that were read.")


class ExceptionOut(ApiModel):
    item_id: int
    barcode: str
    title: str
    call_number: str | None
    cls: ItemClass
    issues: list[str]
    status: ItemStatus = Field(description="Its status at the deciding moment.")
    now: ItemStatus = Field(description="Its status when the session closed.")
    belongs: str | None = Field(description="The code of the shelf it belongs on.")
    in_scope: bool
    evidence: dict[str, Any] = Field(description="Where, when and by which device it was seen; the sweep.")


class TagEventOut(ApiModel):
    verdict: TagVerdict
    at: datetime
    device_id: str
    shelf_code: str | None
    uid: str | None
    detail: str | None
    item_id: int | None
    other_item_id: int | None


class CorrectionOut(ApiModel):
    position: int
    barcode: str
    fix: str = Field(description="`take_away` (it belongs on `belongs`) or `replace` (between two books).")
    belongs: str | None
    after: str | None = Field(description="Put it after this book (null: first on the shelf).")
    before: str | None = Field(description="And before this one (null: last on the shelf).")


class ShelfCorrectionsOut(ApiModel):
    shelf_code: str
    books: list[CorrectionOut]


class ActionOut(ApiModel):
    id: int
    kind: ActionKind
    item_id: int
    before_status: ItemStatus
    after_status: ItemStatus
    applied_status: ItemStatus | None
    applied_at: datetime | None
    applied_by: str | None
    undone_at: datetime | None
    undone_by: str | None
    note: str | None


class ActionsApply(RequestModel):
    kinds: list[ActionKind] = Field(min_length=1)


class ActionsUndo(RequestModel):
    item_ids: list[int] | None = Field(default=None, description="Null: every applied action.")


class ActionsOutcomeOut(ApiModel):
    done: list[int] = Field(description="The actions applied (or undone).")
    left: dict[int, str] = Field(description="Actions left alone, and why.")
