"""A test's tier is its directory: tests/unit, tests/contract or tests/integration. The suite's conftest marks
every test with its directory's tier (so `pytest -m unit` selects by directory) and refuses to run a test
that lives elsewhere or carries another tier's marker."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

TIERS = ("unit", "contract", "integration")
TESTS_ROOT = Path(__file__).resolve().parent.parent


def tier_of(path: Path, root: Path = TESTS_ROOT) -> str | None:
    """The tier of the test file at `path`: the directory under `root` it lives in, if that is a tier."""
    try:
        parts = path.resolve().relative_to(root).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else None


def misplaced(tier: str | None, marked: Collection[str]) -> str | None:
    """Why a test in the directory of `tier` (None: in no tier's), marked with the tiers `marked`, is out of
    place; None when it is in place."""
    if tier is None:
        return f"lives outside tests/{{{','.join(TIERS)}}}/: move it into the directory of its tier"
    others = sorted(set(marked) - {tier})
    if others:
        return f"is marked {', '.join(others)} but lives in tests/{tier}/: move it, or drop the marker"
    return None


def slow_files_first(
    items: Sequence[T], file_of: Callable[[T], str], is_slow: Callable[[T], bool]
) -> list[T]:
    """The tests with every file that has a slow test moved ahead of the others, each file's tests in their
    order. The workers take whole files in this order (`--dist loadfile`): the long files start at once and
    the short ones fill in at the end, instead of a long file starting last and running on alone."""
    slow = {file_of(item) for item in items if is_slow(item)}
    return sorted(items, key=lambda item: file_of(item) not in slow)  # stable: each file's order is kept
