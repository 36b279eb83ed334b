"""The catalogue search's rules that need no database: what a search asks for, how results are ranked
and paged, and the facets' buckets (docs/opac.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from server.domain.catalogue.search_words import QueryWord, SearchQuery

# Reading every match of a common word over a million records costs more than a reader waits for: a search
# reads the newest COUNT_CAP matches ("more than 1,000"), sorts those by title when asked, and counts the
# facets over them (FACET_CAP). The exact-diacritic tier comes first over every match.
COUNT_CAP = 1_000
FACET_CAP = 1_000
PAGE_SIZES = (10, 20, 50)


class SortOrder(StrEnum):
    RELEVANCE = "relevance"  # exact-diacritic matches first, then the others; newest record first in each
    TITLE = "title"  # the Vietnamese way (ICU "vi")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """The facets a reader picked: a record must match every one."""

    language: str | None = None
    decade: int | None = None  # 1990 means 1990–1999
    item_type: str | None = None
    floor_id: int | None = None
    available: bool = False

    def __bool__(self) -> bool:
        return any((self.language, self.decade is not None, self.item_type, self.floor_id, self.available))


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: SearchQuery
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: SortOrder = SortOrder.RELEVANCE
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class MatchTiers:
    """Which index tokens each tier's words must match. `first` is the exact-diacritic tier (accented words
    on their exact tokens, the others folded) — None when nothing was typed with diacritics; `all` is every
    match, folded."""

    first: tuple[tuple[QueryWord, bool], ...] | None  # (word, on its exact token)
    all: tuple[QueryWord, ...]


def match_tiers(query: SearchQuery) -> MatchTiers:
    first = tuple((word, word.accented) for word in query.words) if query.accented else None
    return MatchTiers(first, query.words)


def decade_of(year: int | None) -> int | None:
    return None if year is None else year - year % 10


@dataclass(frozen=True, slots=True)
class FacetCounts:
    """Records per facet value, over the first FACET_CAP matches (`capped` says when there were more)."""

    language: dict[str, int]
    decade: dict[int, int]
    item_type: dict[str, int]
    floor: dict[int, int]
    available: int
    capped: bool
