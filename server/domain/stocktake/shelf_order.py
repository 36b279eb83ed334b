"""Shelf order: the fewest books to move to put a shelf in order, and where each one belongs.

The books kept are a longest non-decreasing subsequence of their shelf-order keys in the order they stand
(patience sorting, O(n log n)); the books to move are the rest. Koha's neighbour rule (a book whose key is
lower than the previous one's or higher than the next one's) is not used: on `1 2 3 9 4 5 6` it blames 9
and 4, though only 9 is out of place.

A wand reads every tag within about 30 cm in random order, so read order is only roughly shelf order.
Books stand in the order of their first read in the sweep, and a book to move within `tolerance` books of
where it belongs is taken as reading jitter, not reported. Sweeps read one by one (barcodes) use none.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple, Protocol, TypeVar

from server.domain.stocktake.facts import ItemFacts, Shelf, Sweep


class Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=Ordered)


def longest_ordered(keys: Sequence[K]) -> list[int]:
    """Positions of a longest non-decreasing subsequence of `keys`, in order."""
    tail_keys: list[K] = []  # tail_keys[j]: the smallest last key of an ordered run of length j + 1
    tail_at: list[int] = []
    previous: list[int] = []
    for i, key in enumerate(keys):
        j = bisect_right(tail_keys, key)  # equal keys may follow each other (copies of one title)
        previous.append(tail_at[j - 1] if j else -1)
        if j == len(tail_keys):
            tail_keys.append(key)
            tail_at.append(i)
        else:
            tail_keys[j] = key
            tail_at[j] = i
    chain = []
    i = tail_at[-1] if tail_at else -1
    while i != -1:
        chain.append(i)
        i = previous[i]
    chain.reverse()
    return chain


def books_to_move(keys: Sequence[K]) -> list[int]:
    """Positions of the fewest books whose removal leaves the rest in order."""
    kept = set(longest_ordered(keys))
    return [i for i in range(len(keys)) if i not in kept]


class Move(NamedTuple):
    position: int  # where the book stands (0: the first book read)
    before: int | None  # the position of the kept book it belongs after (None: at the start)
    after: int | None  # the position of the kept book it belongs before (None: at the end)
    distance: int  # how many places it stands from there


def shelf_moves(keys: Sequence[K], tolerance: int = 0) -> list[Move]:
    """The books to move, each with the kept books it belongs between, leaving out those no more than
    `tolerance` places from where they belong."""
    if not any(b < a for a, b in pairwise(keys)):  # most shelves: nothing to move, no subsequence to find
        return []
    kept = longest_ordered(keys)
    kept_keys = [keys[i] for i in kept]
    keep = set(kept)
    moves = []
    for position, key in enumerate(keys):
        if position in keep:
            continue
        j = bisect_right(kept_keys, key)
        before = kept[j - 1] if j else None
        after = kept[j] if j < len(kept) else None
        if before is not None and position < before:
            distance = before - position
        elif after is not None and position > after:
            distance = position - after
        else:  # cannot happen for a maximal subsequence; kept for safety of the arithmetic
            distance = 0
        if distance > tolerance:
            moves.append(Move(position, before, after, distance))
    return moves


class BookMove(NamedTuple):
    item_id: int
    position: int
    before_item: int | None  # put it after this book (None: first on the shelf)
    after_item: int | None  # and before this one (None: last on the shelf)
    distance: int


class Stray(NamedTuple):
    """A book read in the sweep that does not belong on this shelf."""

    item_id: int
    position: int
    belongs: int | None  # its home shelf


@dataclass(frozen=True, slots=True)
class ShelfOrderCheck:
    shelf_id: int
    sweep: Sweep
    books: int  # distinct books read in the sweep
    moves: tuple[BookMove, ...]
    strays: tuple[Stray, ...]


def first_read_order(items: Iterable[int]) -> list[int]:
    """Item ids in the order of their first read (reads given in time order)."""
    return list(dict.fromkeys(items))


def check_shelf(
    shelf: Shelf,
    sweep: Sweep,
    standing: Sequence[int],
    item: Callable[[int], ItemFacts],
    tolerance: int,
) -> ShelfOrderCheck:
    """Judge one sweep: `standing` is the sweep's items in first-read order. Books that do not belong on
    the shelf are strays (they leave it anyway); the order of the rest is judged."""
    belonging: list[int] = []
    keys: list[str] = []
    strays = []
    for position, item_id in enumerate(standing):
        facts = item(item_id)
        if facts.home_id != shelf.shelf_id and not shelf.holds(facts):
            strays.append(Stray(item_id, position, facts.home_id))
        elif facts.order_key is not None:
            belonging.append(position)
            keys.append(facts.order_key)
    allowed = 0 if sweep.exact_order else tolerance
    moves = tuple(
        BookMove(
            standing[belonging[m.position]],
            belonging[m.position],
            None if m.before is None else standing[belonging[m.before]],
            None if m.after is None else standing[belonging[m.after]],
            m.distance,
        )
        for m in shelf_moves(keys, allowed)
    )
    return ShelfOrderCheck(shelf.shelf_id, sweep, len(standing), moves, tuple(strays))
