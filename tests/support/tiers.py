"""A test's tier is its directory: tests/unit, tests/contract or tests/integration. The suite's conftest marks
every test with its directory's tier (so `pytest -m unit` selects by directory) and refuses to run a test
that lives elsewhere or carries another tier's marker."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

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
