"""The MARC 21 files of tests/fixtures/marc/ read entry by entry, without a database: every encoding gives
NFC text, bad records are listed with their position and reason and the reading goes on past them; a
file that is not MARC is refused before its first entry. And the profiles' configuration files: the
shipped ones load, a wrong one is named by file, line and key."""

from __future__ import annotations

import unicodedata
from dataclasses import astuple
from pathlib import Path

import pytest

from server.collection_config.import_columns import column_profile
from server.collection_config.marc_profiles import load_marc_profiles, marc_profile
from server.domain.catalogue.shapes import RecordIn, Rejected
from server.errors import ConfigurationError
from server.services.imports import NotThatKindOfFileError, preview
from server.settings import REPO_CONFIG_DIR
from tests.support.marc_fixtures import FILES, FIXTURES


def test_the_fixture_files_are_what_their_builder_writes() -> None:
    for name, build in FILES.items():
        assert (FIXTURES / name).read_bytes() == build(), (
            f"run python -m tests.support.marc_fixtures ({name})"
        )


def _strings(value: object) -> list[str]:
    found: list[str] = []
    for part in astuple(value):  # type: ignore[call-overload]
        if isinstance(part, str):
            found.append(part)
        elif isinstance(part, tuple):
            found.extend(item for item in part if isinstance(item, str))
    return found


@pytest.mark.parametrize(
    ("name", "profile", "records", "rejected"),
    [
        ("marc8_diacritics.mrc", None, ["Truyện Kiều", "Le café : histoire d'une boisson"], []),
        ("utf8_nfd_vietnamese.mrc", None, ["Giáo trình kinh tế vi mô : dùng cho sinh viên"], []),
        ("koha_952.mrc", "koha", ["Introduction to algorithms"], []),
        ("catalogue.xml", None, ["Lịch sử Việt Nam : Tập 1", "Địa chí Hà Nội"], [2]),
        ("broken_records.mrc", None, ["Bản ghi tốt", "Kho lạ"], [2, 3, 4]),
        ("truncated.mrc", None, ["Một", "Hai"], [3]),
    ],
)
def test_each_file_reads_into_nfc_records_and_positioned_rejects(
    name: str, profile: str | None, records: list[str], rejected: list[int]
) -> None:
    entries = preview(FIXTURES / name, "marc", profile=profile)
    read = [value for _, value in entries if isinstance(value, RecordIn)]
    assert [value.title for value in read] == records
    assert [value.position for _, value in entries if isinstance(value, Rejected)] == rejected
    assert [position for position, _ in entries] == list(range(1, len(entries) + 1))
    for value in read:
        assert all(unicodedata.is_normalized("NFC", text) for text in _strings(value))
        for copy in value.copies:
            assert all(unicodedata.is_normalized("NFC", text) for text in _strings(copy))


def test_a_file_that_is_not_marc_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.mrc"
    text.write_text("barcode,title\n", encoding="utf-8")
    with pytest.raises(NotThatKindOfFileError, match="not a MARC 21 file"):
        preview(text, "marc")


def test_the_shipped_profiles_load() -> None:
    assert set(load_marc_profiles(REPO_CONFIG_DIR / "marc_profiles.toml")) == {"marc21", "koha"}
    assert column_profile(REPO_CONFIG_DIR, "items", None).headers["so dkcb"] == "accession_number"
    assert column_profile(REPO_CONFIG_DIR, "patrons", None).headers["mssv"] == "card_number"
    with pytest.raises(ConfigurationError, match=r"no MARC profile 'unimarc' in marc_profiles\.toml"):
        marc_profile(REPO_CONFIG_DIR, "unimarc")


HOLDINGS = '[profiles.x]\ndescription = "x"\n[profiles.x.holdings]\nfield = "852"\nbarcode = "p"\n'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HOLDINGS + 'location = "85b"\n',
            "line 6: profiles.x.holdings.location: '85b' is not a field and its subfields",
        ),
        (HOLDINGS + 'locaton = "852b"\n', "line 6: profiles.x.holdings.locaton: unknown setting"),
        (
            HOLDINGS + '[profiles.x.record]\ntitle = ["245"]\n',
            "line 7: profiles.x.record.title[0]: '245' is not",
        ),
        (
            HOLDINGS + '[profiles.x.holdings.sources]\nmua = "bought"\n',
            "line 7: profiles.x.holdings.sources.mua: must be 'purchase', 'donation', 'exchange', "
            "'legal_deposit' or 'transfer', got 'bought'",
        ),
        ('[profiles.x]\ndescription = "x"\n', "line 1: profiles.x.holdings: is required"),
    ],
)
def test_a_wrong_marc_profile_is_named_by_line_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "marc_profiles.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError) as refused:
        load_marc_profiles(path)
    assert str(refused.value).startswith(f"{path}: {message}")


def test_a_header_naming_two_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "import_columns.toml").write_text(
        '[items.default]\nbarcode = ["mã vạch"]\ntitle = ["Mã vạch"]\n'
    )
    with pytest.raises(
        ConfigurationError, match=r"line 1: items\.default: the header 'Mã vạch' names both barcode and title"
    ):
        column_profile(tmp_path, "items", None)
