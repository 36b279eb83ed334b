"""Weeding rounds: a round, its entries and decisions, its documents, and when the next is due."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from server.api.schemas.base import ApiModel, RequestModel
from server.domain.weeding.evidence import WeedReason
from server.domain.weeding.rounds import RoundRefusal, RoundStatus, Verdict


class RoundOut(ApiModel):
    id: int
    number: int
    title: str
    status: RoundStatus
    holdings: int = Field(description="Copies held when the round opened: the cap's base.")
    max_share_percent: int
    cap: int = Field(description="The most copies the round may withdraw.")
    entries: int
    undecided: int
    by_verdict: dict[str, int]
    reviewers: list[str]
    scope: dict[str, Any] = Field(description="The candidate-list filters the round was opened from.")
    opened_at: datetime
    opened_by: str
    review_started_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    outcome: dict[str, Any] = Field(
        description="What approval did: counts by verdict, the tags released, records left without copies."
    )


class RoundOpen(RequestModel):
    title: str = Field(default="", max_length=200)
    reviewers: list[str] = Field(default_factory=list, max_length=20)
    reason: WeedReason | None = None
    class_prefix: str | None = Field(default=None, max_length=16, pattern=r"^\d{1,3}(\.\d+)?$")
    location_id: int | None = None
    item_type: str | None = Field(default=None, max_length=32)


class EntryOut(ApiModel):
    item_id: int
    position: int
    reasons: list[str]
    snapshot: dict[str, Any] = Field(description="The copy and its evidence when it was proposed.")
    verdict: Verdict | None
    note: str | None
    move_to: str | None
    version: int = Field(description="Decisions made on the entry; send it back with the next decision.")
    decided_by: str | None
    decided_at: datetime | None


class DecisionIn(RequestModel):
    item_id: int
    version: int = Field(ge=0, description="The entry's version the decision was made on.")
    verdict: Verdict | None = Field(description="None undoes the decision.")
    note: str | None = Field(default=None, max_length=500)
    move_to: str | None = Field(default=None, max_length=64, description="A location code, for move.")


class DecisionsIn(RequestModel):
    decisions: list[DecisionIn] = Field(min_length=1, max_length=500)


class RefusedOut(ApiModel):
    item_id: int | None
    refusal: RoundRefusal
    facts: dict[str, Any]
    current: EntryOut | None = Field(description="The entry as it stands, for a copy refused.")


class DecisionsOut(ApiModel):
    changed: list[EntryOut]
    refused: list[RefusedOut]


class BarcodesIn(RequestModel):
    barcodes: list[str] = Field(min_length=1, max_length=500)


class ItemIdsIn(RequestModel):
    item_ids: list[int] = Field(min_length=1, max_length=500)


class DocumentOut(ApiModel):
    id: int
    kind: str
    language: str
    format: str
    version: int
    size: int
    sha256: str
    made_at: datetime
    made_by: str


class NextDueOut(ApiModel):
    due_on: date
    interval_years: int
    holdings: int
    overdue: bool
