"""The published JSON Schemas in docs/schemas match the models."""

from __future__ import annotations

from pathlib import Path

from contract.schemas import stale_schemas

DOCS_SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "schemas"


def test_docs_schemas_are_up_to_date() -> None:
    stale = stale_schemas(DOCS_SCHEMAS)
    assert stale == [], f"regenerate with `stacks contract schemas`: {stale}"
