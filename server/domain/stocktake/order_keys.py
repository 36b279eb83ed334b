"""Shelf-order keys: the order a location's shelves keep, as data.

Open shelves follow the call number (`callnumbers.sort_key`: every standalone number padded, so `v.2` <
`v.10`; letter-only author marks such as `895.9223 NGH` read as DDC like any other). Closed stacks (kho
đóng) are often kept by language, then size, then accession number (số ĐKCB). A location names its order
as a list of parts, and shelves below it inherit it unless they name their own:

    ["call_number"]                                       # the default
    ["language=vie,eng,fra,rus", "size", "accession_number"]

Each part becomes a fixed piece of one string key, joined by a separator below every printable
character, so keys compare as plain strings (fast, storable, and a shorter piece sorts first). A missing
value sorts after every present one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from server.domain.callnumbers import fold, sort_key
from server.domain.stocktake.scope import LocationTree

_SEPARATOR = "\x1f"
_MISSING = "\uffff"
_NUMBER_WIDTH = 10
_DIGITS = re.compile(r"\d+")


class OrderField(StrEnum):
    CALL_NUMBER = "call_number"
    LANGUAGE = "language"  # ISO 639 code; ranked by the part's list, unlisted ones after, alphabetically
    SIZE = "size"  # height in centimetres, smaller first
    ACCESSION_NUMBER = "accession_number"  # số ĐKCB, every number in it compared as a number


@dataclass(frozen=True, slots=True)
class OrderPart:
    field: OrderField
    ranking: tuple[str, ...] = ()  # LANGUAGE only: the languages in shelf order


@dataclass(frozen=True, slots=True)
class ShelfOrder:
    parts: tuple[OrderPart, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("a shelf order needs at least one part")
        for part in self.parts:
            if part.ranking and part.field is not OrderField.LANGUAGE:
                raise ValueError(f"only 'language' takes a ranking, not {part.field.value!r}")


CALL_NUMBER_ORDER = ShelfOrder((OrderPart(OrderField.CALL_NUMBER),))


class OrderFacts(NamedTuple):
    """What an order key may be built from."""

    call_number: str | None
    language: str | None = None
    size_cm: int | None = None
    accession_number: str | None = None


def parse_shelf_order(parts: Sequence[str]) -> ShelfOrder:
    """A shelf order from its written form: `field` or `language=vie,eng,…`."""
    parsed = []
    for text in parts:
        name, _, ranking = text.partition("=")
        try:
            field = OrderField(name.strip())
        except ValueError:
            known = ", ".join(f.value for f in OrderField)
            raise ValueError(f"unknown shelf-order field {name.strip()!r} (known: {known})") from None
        languages = tuple(code.strip().lower() for code in ranking.split(",") if code.strip())
        parsed.append(OrderPart(field, languages))
    return ShelfOrder(tuple(parsed))


def natural_key(text: str) -> str:
    """Text compared as staff read it: no diacritics, upper case, every number as a number."""
    return _DIGITS.sub(lambda m: m.group().zfill(_NUMBER_WIDTH), " ".join(fold(text).split()))


def order_key(order: ShelfOrder, facts: OrderFacts) -> str:
    return _SEPARATOR.join(_piece(part, facts) for part in order.parts)


def _piece(part: OrderPart, facts: OrderFacts) -> str:
    if part.field is OrderField.CALL_NUMBER:
        return _MISSING if facts.call_number is None else sort_key(facts.call_number)
    if part.field is OrderField.LANGUAGE:
        if facts.language is None:
            return _MISSING
        language = facts.language.strip().lower()
        if language in part.ranking:
            return f"{part.ranking.index(language):04d}"
        return f"{len(part.ranking):04d}{language}"  # after every ranked language, alphabetically
    if part.field is OrderField.SIZE:
        return _MISSING if facts.size_cm is None else f"{facts.size_cm:0{_NUMBER_WIDTH}d}"
    return _MISSING if facts.accession_number is None else natural_key(facts.accession_number)


def order_for(location: int, tree: LocationTree, orders: Mapping[int, ShelfOrder]) -> ShelfOrder:
    """The order a location keeps: its own, else the nearest ancestor's, else call-number order."""
    for place in tree.ancestors(location):
        found = orders.get(place)
        if found is not None:
            return found
    return CALL_NUMBER_ORDER
