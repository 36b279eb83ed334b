"""docs/catalogue.md says what the code does: every shipped MARC profile, every CSV column, every column
the MARC mapping fills, and the import command's exit codes."""

from __future__ import annotations

from pathlib import Path

from server.collection_config.marc_profiles import load_marc_profiles
from server.domain.catalogue.csv_rows import ITEM_COLUMNS, PATRON_COLUMNS
from server.services.imports.batch_rows import RECORD_FIELDS
from server.settings import REPO_CONFIG_DIR
from stacks.cli.imports import EXIT_REJECTS

DOC = Path(__file__).resolve().parents[3] / "docs" / "catalogue.md"


def test_the_doc_names_every_profile_column_and_exit_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    profiles = load_marc_profiles(REPO_CONFIG_DIR / "marc_profiles.toml")
    assert [name for name in profiles if f"`{name}`" not in text] == []
    assert [column for column in (*ITEM_COLUMNS, *PATRON_COLUMNS) if f"`{column}`" not in text] == []
    assert [field for field in RECORD_FIELDS if f"`{field}`" not in text] == []
    assert f"| {EXIT_REJECTS} | imported, some entries rejected" in text
