"""What every staff list shares: the page-size rule, keyset pages, and text matching with LIKE.

Offset pages are 1 to `MAX_PAGE` rows. Keyset pages (the large, time-ordered lists: event log, dead letters,
sightings) are read newest first after the sort key of the previous page's last row. Text is matched folded
(diacritics and case removed, as the stored `search_text` columns are), with LIKE's wildcards escaped so
that "50%" or "a_b" mean themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from server.domain.callnumbers import fold
from server.errors import InvalidInputError

MAX_PAGE = 500
LIKE_ESCAPE = "\\"

T = TypeVar("T")
R = TypeVar("R")
Key = int | str


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page of a keyset list; pass `next_after` as `after` for the next page (None: the last page)."""

    items: list[T]
    next_after: Key | None


def keyset_page(
    rows: Sequence[R], limit: int, item: Callable[[R], T], key: Callable[[R], Key]
) -> KeysetPage[T]:
    """The page from `limit + 1` rows fetched in key order: the extra row only says that a page follows,
    and the next page starts after the key of the last row shown."""
    page = rows[:limit]
    more = len(rows) > limit and bool(page)
    return KeysetPage([item(r) for r in page], key(page[-1]) if more else None)


def check_page(limit: int, offset: int) -> None:
    if not (1 <= limit <= MAX_PAGE) or offset < 0:
        raise InvalidInputError(f"limit must be 1 to {MAX_PAGE} and offset not negative")


def contains_pattern(text: str, *, folded: bool = True) -> str:
    """A LIKE pattern (escape character `LIKE_ESCAPE`) matching text that contains `text`: folded text (the
    `search_text` columns), or with `folded=False` text as it is stored."""
    value = fold(text) if folded else text
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
