"""Which shelf a handheld is on: a scanned shelf label, a shelf staff chose, or inferred from its reads.

A person's word wins: the latest label or choice holds until another one. Reads only infer a shelf when
there is none, and then only from at least `inference_min_reads` reads of which one shelf holds at least
`inference_min_confidence`. When the reads since a label point strongly to another shelf, the decision
keeps the label and names that shelf, so the handheld can ask "are you at B now?" instead of silently
filing a whole shelf of books as misplaced (or silently overruling a label on a shelf of strays).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from server.domain.stocktake.settings import StocktakeSettings


class ShelfMethod(StrEnum):
    LABEL = "label"  # a shelf label was scanned
    CHOSEN = "chosen"  # staff picked the shelf on the handheld
    INFERRED = "inferred"  # from the homes of the last reads
    UNDECIDED = "undecided"  # nothing to go on yet: too few reads, or no shelf holds enough of them


class ShelfClaim(NamedTuple):
    shelf_id: int
    method: ShelfMethod  # LABEL or CHOSEN
    at: int


class ShelfVote(NamedTuple):
    shelf_id: int | None
    votes: int  # reads that shelf holds
    considered: int  # reads whose home is known

    @property
    def confidence(self) -> float:
        return self.votes / self.considered if self.considered else 0.0


class ShelfDecision(NamedTuple):
    shelf_id: int | None
    method: ShelfMethod
    confidence: float  # 1.0 for a label or a choice; the inferred shelf's share of the reads otherwise
    vote: ShelfVote
    contradicted_by: int | None = None  # the shelf the reads since the claim point to instead


def vote(homes: Sequence[int | None]) -> ShelfVote:
    """The shelf that holds most of these reads (on a tie, the one read last); unknown homes abstain."""
    counts: dict[int, int] = {}
    last: dict[int, int] = {}
    for position, home in enumerate(homes):
        if home is not None:
            counts[home] = counts.get(home, 0) + 1
            last[home] = position
    if not counts:
        return ShelfVote(None, 0, 0)
    best = max(counts, key=lambda shelf: (counts[shelf], last[shelf]))
    return ShelfVote(best, counts[best], sum(counts.values()))


def _convincing(result: ShelfVote, settings: StocktakeSettings) -> bool:
    return (
        result.shelf_id is not None
        and result.considered >= settings.inference_min_reads
        and result.confidence >= settings.inference_min_confidence
    )


def decide_shelf(
    claim: ShelfClaim | None, recent: Sequence[tuple[int, int | None]], settings: StocktakeSettings
) -> ShelfDecision:
    """The handheld's shelf now. `recent`: its latest reads as (time, home shelf of the item read), oldest
    first; only the last `inference_window` count."""
    window = recent[-settings.inference_window :]
    if claim is not None:
        since = vote([home for at, home in window if at >= claim.at])
        moved = _convincing(since, settings) and since.shelf_id != claim.shelf_id
        against = since.shelf_id if moved else None
        return ShelfDecision(claim.shelf_id, claim.method, 1.0, since, against)
    result = vote([home for _, home in window])
    if _convincing(result, settings):
        return ShelfDecision(result.shelf_id, ShelfMethod.INFERRED, result.confidence, result)
    return ShelfDecision(None, ShelfMethod.UNDECIDED, result.confidence, result)
