"""Which shelf a handheld is on, and what a read tag is."""

from __future__ import annotations

import pytest

from server.domain.stocktake.inference import ShelfClaim, ShelfMethod, ShelfVote, decide_shelf, vote
from server.domain.stocktake.settings import StocktakeSettings
from server.domain.stocktake.tags import TagData, TagResolution, TagVerdict, resolve_tag
from tests.unit.domain.stocktake.library import A, B, C

SETTINGS = StocktakeSettings(inference_window=10, inference_min_reads=4, inference_min_confidence=0.6)


def reads(*homes: int | None, start: int = 100) -> list[tuple[int, int | None]]:
    return [(start + n, home) for n, home in enumerate(homes)]


@pytest.mark.parametrize(
    ("homes", "expected"),
    [
        ([], ShelfVote(None, 0, 0)),
        ([None, None], ShelfVote(None, 0, 0)),
        ([A, A, B, None], ShelfVote(A, 2, 3)),
        ([A, B, B, A], ShelfVote(A, 2, 4)),  # a tie goes to the shelf read last
        ([B, A, A, B], ShelfVote(B, 2, 4)),
    ],
)
def test_vote(homes: list[int | None], expected: ShelfVote) -> None:
    assert vote(homes) == expected


@pytest.mark.parametrize(
    ("homes", "shelf", "method"),
    [
        ((A, A, A, B, A), A, ShelfMethod.INFERRED),  # 4 of 5
        ((A, A, A), None, ShelfMethod.UNDECIDED),  # too few reads
        ((A, A, B, B, C), None, ShelfMethod.UNDECIDED),  # no shelf holds enough of them
        ((B,) * 20 + (A,) * 10, A, ShelfMethod.INFERRED),  # only the last 10 count
        ((A, None, None, None, A, A, A), A, ShelfMethod.INFERRED),  # unknown homes abstain
    ],
)
def test_inferred_from_reads(homes: tuple[int | None, ...], shelf: int | None, method: ShelfMethod) -> None:
    decision = decide_shelf(None, reads(*homes), SETTINGS)
    assert (decision.shelf_id, decision.method) == (shelf, method)


def test_confidence_is_the_inferred_shelf_share() -> None:
    decision = decide_shelf(None, reads(A, A, A, B, A), SETTINGS)
    assert decision.confidence == pytest.approx(0.8)
    assert decision.vote == ShelfVote(A, 4, 5)


@pytest.mark.parametrize("method", [ShelfMethod.LABEL, ShelfMethod.CHOSEN])
def test_a_label_or_choice_wins_over_reads(method: ShelfMethod) -> None:
    claim = ShelfClaim(A, method, at=100)
    decision = decide_shelf(claim, reads(A, A, B, A, A), SETTINGS)
    assert (decision.shelf_id, decision.method, decision.confidence) == (A, method, 1.0)
    assert decision.contradicted_by is None


def test_reads_since_a_label_that_point_elsewhere_are_named() -> None:
    # The label of A was scanned at 105; the handheld has since moved on to B without scanning its label.
    claim = ShelfClaim(A, ShelfMethod.LABEL, at=105)
    decision = decide_shelf(claim, reads(A, A, A, A, A, B, B, B, B, B), SETTINGS)
    assert (decision.shelf_id, decision.method, decision.contradicted_by) == (A, ShelfMethod.LABEL, B)
    assert decision.vote == ShelfVote(B, 5, 5)  # only the reads since the label


def test_a_few_strays_after_a_label_do_not_contradict_it() -> None:
    claim = ShelfClaim(A, ShelfMethod.LABEL, at=105)
    assert decide_shelf(claim, reads(A, A, A, A, A, B, B, B), SETTINGS).contradicted_by is None


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        StocktakeSettings(order_tolerance=-1)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        StocktakeSettings(inference_min_confidence=0)


OWN, FOREIGN, BLANK, BAD, LABEL = (
    TagData.OWN,
    TagData.FOREIGN,
    TagData.BLANK,
    TagData.UNREADABLE,
    TagData.NO_TAG,
)
V = TagVerdict


@pytest.mark.parametrize(
    ("data", "by_barcode", "by_uid", "expected"),
    [
        (OWN, 7, 7, TagResolution(V.OK, 7)),
        (OWN, 7, None, TagResolution(V.REGISTER_UID, 7)),  # the catalogue does not know this chip
        (OWN, None, 7, TagResolution(V.REWRITE, 7)),  # the data names a barcode we do not have
        (OWN, 7, 8, TagResolution(V.DISAGREES, None, 7, 8)),
        (OWN, None, None, TagResolution(V.UNKNOWN_NOT_IN_CATALOGUE, None)),
        (FOREIGN, None, None, TagResolution(V.UNKNOWN_FOREIGN, None)),
        (FOREIGN, None, 7, TagResolution(V.REWRITE, 7)),  # our chip holding another library's data
        (BLANK, None, None, TagResolution(V.UNKNOWN_BLANK, None)),
        (BLANK, None, 7, TagResolution(V.REWRITE, 7)),
        (BAD, None, None, TagResolution(V.UNKNOWN_UNREADABLE, None)),
        (BAD, None, 7, TagResolution(V.REWRITE, 7)),
        (LABEL, 7, None, TagResolution(V.OK, 7)),  # a barcode label has no chip to register
        (LABEL, None, None, TagResolution(V.UNKNOWN_NOT_IN_CATALOGUE, None)),
    ],
)
def test_resolve_tag(
    data: TagData, by_barcode: int | None, by_uid: int | None, expected: TagResolution
) -> None:
    assert resolve_tag(data, by_barcode, by_uid) == expected


def test_each_unknown_kind_is_told_apart() -> None:
    unknown = {v for v in TagVerdict if v.unknown}
    assert unknown == {V.UNKNOWN_FOREIGN, V.UNKNOWN_BLANK, V.UNKNOWN_UNREADABLE, V.UNKNOWN_NOT_IN_CATALOGUE}
    assert {v for v in TagVerdict if v.repair} == {V.REWRITE, V.REGISTER_UID}
