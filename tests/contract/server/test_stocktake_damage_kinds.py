"""The damage mark's two versions: version 1 (no kind) still decodes for the handhelds in the field,
version 2 names the kinds — at least one, each once, each one the server knows — and the contract's kinds
are the server's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract.codec import Rejected, RejectReason, decode_events
from contract.events import StocktakeDamage, StocktakeDamageV1
from contract.stocktake import DamageKind
from edge.handheld.screen import DAMAGE_KINDS
from server.console.pages.repair_words import DAMAGE_LABELS, REFUSALS
from server.domain.lifecycle.condition import DamageKind as ServerDamageKind
from server.domain.lifecycle.condition import RepairRefusal
from web.damage_words import DAMAGE_KIND_WORDS, NO_KIND

EVENTS = Path(__file__).resolve().parents[2] / "fixtures" / "events"


def _fixture(version: int) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EVENTS / f"stocktake.damage.v{version}.json").read_text("utf-8"))
    return document


def _decode(document: dict[str, Any]) -> object:
    (decoded,) = decode_events(json.dumps(document).encode())
    return decoded


def test_the_contracts_kinds_are_the_servers() -> None:
    assert [k.value for k in DamageKind] == [k.value for k in ServerDamageKind]


def test_every_kind_has_its_words_the_same_on_the_handheld_and_in_the_console() -> None:
    """One table of words (web/damage_words.py) for every kind, in the kinds' order: staff read the same
    words on the handheld and in the console."""
    assert list(DAMAGE_KIND_WORDS) == [k.value for k in DamageKind]
    assert [(k.value, label) for k, label in DAMAGE_KINDS.items()] == list(DAMAGE_LABELS.items())
    assert REFUSALS[RepairRefusal.NO_DAMAGE] == NO_KIND


def test_both_versions_decode_to_their_own_model() -> None:
    old, new = _decode(_fixture(1)), _decode(_fixture(2))
    assert isinstance(old, StocktakeDamageV1)
    assert isinstance(new, StocktakeDamage)
    assert new.payload.kinds == [DamageKind.TORN, DamageKind.BINDING]


@pytest.mark.parametrize(
    ("kinds", "why"),
    [
        (["torn", "burnt"], "kinds.1"),  # a kind the server does not know
        ([], "kinds"),  # version 2 names at least one
        (["water", "water"], "named once"),
        (None, "kinds"),  # missing altogether: that is version 1's shape
    ],
    ids=["unknown", "empty", "repeated", "missing"],
)
def test_a_version_2_mark_with_bad_kinds_is_refused(kinds: list[str] | None, why: str) -> None:
    document = _fixture(2)
    if kinds is None:
        del document["payload"]["kinds"]
    else:
        document["payload"]["kinds"] = kinds
    refused = _decode(document)
    assert isinstance(refused, Rejected)
    assert refused.reason is RejectReason.SCHEMA_ERROR
    assert why in refused.detail


def test_version_1_still_refuses_fields_it_does_not_know() -> None:
    document = _fixture(1)
    document["payload"]["kinds"] = ["torn"]
    refused = _decode(document)
    assert isinstance(refused, Rejected)
    assert refused.reason is RejectReason.SCHEMA_ERROR
