"""docs/stocktake.md names every class, issue, refusal, closing action and setting of the stock-take rules."""

from __future__ import annotations

from dataclasses import fields
from enum import StrEnum
from pathlib import Path

import pytest

from server.domain.stocktake.inference import ShelfMethod
from server.domain.stocktake.plan import ActionKind, UndoRefusal
from server.domain.stocktake.results import Issue, ItemClass
from server.domain.stocktake.session import SessionRefusal
from server.domain.stocktake.settings import StocktakeSettings
from server.domain.stocktake.tags import TagVerdict

DOC = Path(__file__).resolve().parents[3] / "docs" / "stocktake.md"


@pytest.mark.parametrize(
    "values",
    [ItemClass, Issue, SessionRefusal, ActionKind, UndoRefusal, TagVerdict],
    ids=lambda e: e.__name__,
)
def test_every_value_is_documented(values: type[StrEnum]) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [v.value for v in values if f"`{v.value}`" not in text] == []


def test_every_setting_and_shelf_method_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [f.name for f in fields(StocktakeSettings) if f"`{f.name}`" not in text] == []
    assert [m.value for m in ShelfMethod if m.value not in text] == []
