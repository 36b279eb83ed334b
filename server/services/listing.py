"""What every staff list shares: the page-size rule and text matching with LIKE.

Offset pages are 1 to `MAX_PAGE` rows. Text is matched folded (diacritics and case removed, as the stored
`search_text` columns are), with LIKE's wildcards escaped so that "50%" or "a_b" mean themselves.
"""

from __future__ import annotations

from server.domain.callnumbers import fold
from server.errors import InvalidInputError

MAX_PAGE = 500
LIKE_ESCAPE = "\\"


def check_page(limit: int, offset: int) -> None:
    if not (1 <= limit <= MAX_PAGE) or offset < 0:
        raise InvalidInputError(f"limit must be 1 to {MAX_PAGE} and offset not negative")


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character `LIKE_ESCAPE`) matching folded text that contains `text`."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
