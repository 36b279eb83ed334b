"""The gettext catalogs: every message marked in the templates and the Python sources (as `make messages`
finds them, through babel.cfg) has a reviewed Vietnamese and English text that keeps its placeholders, and
a catalog loads from its .po when its .mo is missing or older."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo

from web.catalogs import compiled, load, po_path, read_catalog, translate
from web.locales import LANGUAGES, Language

ROOT = Path(__file__).resolve().parents[3]
MessageId = str | tuple[str, ...]
CatalogText = str | tuple[str, ...] | list[str] | None
Key = tuple[str, str | None]  # a message's msgid (its singular) and context
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _key(message_id: CatalogText) -> str:
    if isinstance(message_id, tuple | list):
        return message_id[0]
    return message_id or ""


def _extract() -> dict[Key, str]:
    """Every marked message of the repository and where it is first marked."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)  # type: ignore[no-untyped-call]
    found: dict[Key, str] = {}
    for filename, line, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        found.setdefault((_key(message), context), f"{filename}:{line}")
    return found


EXTRACTED = _extract()


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _texts(value: CatalogText) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value or ""]


def test_the_sources_have_messages() -> None:
    assert ("Skip to main content", None) in EXTRACTED  # the layout
    assert len(EXTRACTED) > 50


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_reviewed_translation(lang: Language) -> None:
    catalog = read_catalog(lang)
    problems = []
    for (message_id, context), where in EXTRACTED.items():
        entry = catalog.get(message_id, context=context)
        if entry is None:
            problems.append(f"{where}: {message_id!r} is not in the catalog (make messages)")
        elif entry.fuzzy:
            problems.append(f"{where}: {message_id!r} is fuzzy")
        elif not all(text.strip() for text in _texts(entry.string)):
            problems.append(f"{where}: {message_id!r} has no translation")
    assert problems == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_hold_only_messages_the_sources_use(lang: Language) -> None:
    unused = [e.id for e in read_catalog(lang) if e.id and (_key(e.id), e.context) not in EXTRACTED]
    assert unused == [], "run make messages"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: Language) -> None:
    for entry in read_catalog(lang):
        if not entry.id:
            continue
        expected = _placeholders(" ".join(_texts(entry.id)))
        for text in _texts(entry.string):
            assert _placeholders(text) == expected, (entry.id, text)


def test_vietnamese_is_translated_and_english_reads_as_english() -> None:
    assert translate("vi", "Skip to main content") == "Chuyển đến nội dung chính"
    assert translate("en", "Skip to main content") == "Skip to main content"


def _copy_catalog(tmp_path: Path) -> tuple[Path, Path]:
    po = tmp_path / "messages.po"
    shutil.copy(po_path("vi"), po)
    return po, tmp_path / "messages.mo"


def test_a_missing_mo_is_compiled_in_memory_from_the_po(tmp_path: Path) -> None:
    po, mo = _copy_catalog(tmp_path)
    assert load("vi", po, mo).gettext("Language") == "Ngôn ngữ"
    assert not mo.exists()


def test_a_stale_mo_is_ignored_and_a_current_one_is_used(tmp_path: Path) -> None:
    po, mo = _copy_catalog(tmp_path)
    other = Catalog(locale="vi")
    other.add("Language", "từ tệp .mo")
    with mo.open("wb") as binary:
        write_mo(binary, other)
    po_time = po.stat().st_mtime
    os.utime(mo, (po_time - 60, po_time - 60))
    assert load("vi", po, mo).gettext("Language") == "Ngôn ngữ"  # the .po is newer
    os.utime(mo, (po_time + 60, po_time + 60))
    assert load("vi", po, mo).gettext("Language") == "từ tệp .mo"


def test_fuzzy_entries_are_not_used() -> None:
    catalog = Catalog(locale="vi")
    catalog.add("Language", "Ngôn ngữ", flags=["fuzzy"])
    catalog.add("Save", "Lưu")
    mo = compiled(catalog)
    assert "Ngôn ngữ".encode() not in mo
    assert "Lưu".encode() in mo
