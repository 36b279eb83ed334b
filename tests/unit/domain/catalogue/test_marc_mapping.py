"""MARC 21 fields read into a record's attributes with the shipped profiles, value cleaning, and a record
written back out with the same profile reading as itself."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pymarc import Field, Indicators, Record, Subfield

from server.collection_config.marc_profiles import load_marc_profiles
from server.domain.catalogue.marc_reading import RecordRefusedError, clean, day, isbn, price, record_in
from server.domain.catalogue.marc_writing import marc_record
from server.domain.catalogue.profiles import MarcProfile
from server.domain.catalogue.shapes import RecordIn
from server.domain.enums import AcquisitionSource
from server.settings import REPO_CONFIG_DIR
from stacks.bench.catalogue_marc import vietnamese_records

PROFILES = load_marc_profiles(REPO_CONFIG_DIR / "marc_profiles.toml")
MARC21, KOHA = PROFILES["marc21"], PROFILES["koha"]


def marc(*fields: tuple[str, str, list[tuple[str, str]]] | tuple[str, str]) -> Record:
    record = Record(to_unicode=True, force_utf8=True)
    for spec in fields:
        if len(spec) == 2:
            record.fields.append(Field(tag=spec[0], data=spec[1]))
        else:
            tag, indicators, subfields = spec
            record.fields.append(
                Field(
                    tag=tag,
                    indicators=Indicators(indicators[0], indicators[1]),
                    subfields=[Subfield(code, value) for code, value in subfields],
                )
            )
    return record


TITLE = ("245", "10", [("a", "Tiêu đề")])


@pytest.mark.parametrize(
    ("fields", "attribute", "expected"),
    [
        ([("001", "123"), ("003", "VN-A"), TITLE], "control_number", "VN-A:123"),
        ([("001", " 123 "), TITLE], "control_number", "123"),
        (
            [("245", "10", [("a", "Kinh tế :"), ("b", "giáo trình /"), ("c", "Lê A.")])],
            "title",
            "Kinh tế : giáo trình",
        ),
        (
            [("245", "10", [("a", "Toán."), ("n", "Phần 2,"), ("p", "Đại số.")])],
            "title",
            "Toán. Phần 2, Đại số",
        ),
        ([("245", "10", [("a", "X /"), ("c", "Lê Văn An.")])], "statement_of_responsibility", "Lê Văn An"),
        ([("245", "10", [("a", "X /"), ("c", "Thomas H.")])], "statement_of_responsibility", "Thomas H."),
        ([TITLE, ("020", "  ", [("a", "978-604-0-12345-6 (bìa mềm)")])], "isbn", "9786040123456"),
        ([TITLE, ("020", "  ", [("a", "(bìa mềm)")])], "isbn", None),
        ([TITLE, ("022", "  ", [("a", "1859-0012")])], "issn", "1859-0012"),
        (
            [TITLE, ("110", "2 ", [("a", "Bộ Giáo dục"), ("b", "Vụ Đại học.")])],
            "author",
            "Bộ Giáo dục Vụ Đại học",
        ),
        ([TITLE, ("100", "1 ", [("a", "Lê, Văn A,"), ("d", "1950-")])], "author", "Lê, Văn A, 1950-"),
        ([TITLE, ("250", "  ", [("a", "Tái bản lần thứ 1.")])], "edition_number", 2),
        ([TITLE, ("264", " 1", [("b", "Trẻ,")]), ("260", "  ", [("b", "Khác")])], "publisher", "Trẻ"),
        ([TITLE, ("264", " 4", [("c", "©2019")]), ("260", "  ", [("c", "2018.")])], "year", 2018),
        ([TITLE, ("008", "201104s2015    vm            000 0 vie d")], "year", 2015),
        ([TITLE, ("008", "201104s2015    vm            000 0 vie d")], "language", "vie"),
        ([TITLE, ("008", "201104s2015"), ("041", "0 ", [("a", "eng")])], "language", "eng"),
        ([TITLE, ("082", "04", [("a", "895.922"), ("2", "23")])], "ddc", "895.922"),
        ([TITLE, ("090", "  ", [("a", "895.922"), ("b", "NG-D")])], "call_number", "895.922 NG-D"),
        ([TITLE, ("852", "  ", [("h", "335.4"), ("i", "LE-A"), ("p", "B1")])], "call_number", "335.4 LE-A"),
        ([TITLE, ("490", "1 ", [("a", "Tủ sách ;"), ("v", "tập 2")])], "set_title", "Tủ sách"),
        ([TITLE, ("490", "1 ", [("a", "A")]), ("830", " 0", [("a", "B."), ("v", "v. 3")])], "volume", "v. 3"),
        ([TITLE, ("130", "0 ", [("a", "Kiều.")])], "uniform_title", "Kiều"),
        (
            [TITLE, ("700", "1 ", [("a", "B,")]), ("710", "2 ", [("a", "Viện Sử học.")])],
            "other_authors",
            ("B", "Viện Sử học"),
        ),
        (
            [TITLE, ("650", " 7", [("a", "Kinh tế"), ("z", "Việt Nam"), ("y", "1986-2000"), ("2", "x")])],
            "subjects",
            ("Kinh tế -- Việt Nam -- 1986-2000",),
        ),
        ([TITLE, ("650", " 4", [("a", "A")]), ("650", " 7", [("a", "A")])], "subjects", ("A",)),
        ([TITLE, ("520", "  ", [("a", "Tóm  tắt\n nội dung.")])], "summary", "Tóm tắt nội dung"),
        ([("245", "10", [("a", "Tie\u0302\u0301ng Vie\u0323\u0302t")])], "title", "Tiếng Việt"),
    ],
)
def test_a_field_becomes_an_attribute(fields: list[Any], attribute: str, expected: object) -> None:
    assert getattr(record_in(marc(*fields), MARC21), attribute) == expected


def test_a_record_without_a_title_is_refused() -> None:
    with pytest.raises(RecordRefusedError, match="no title"):
        record_in(marc(("001", "1"), ("100", "1 ", [("a", "A")])), MARC21)


def test_copies_of_the_marc21_profile_take_852_and_the_876_with_their_barcode() -> None:
    record = marc(
        TITLE,
        ("852", "  ", [("b", "KHO"), ("c", "KHO-2"), ("h", "335"), ("i", "A"), ("p", "B1")]),
        ("852", "  ", [("b", "KHO"), ("p", "B2")]),
        ("852", "  ", [("b", "KHO")]),  # no barcode: no copy
        ("876", "  ", [("p", "B2"), ("a", "ĐK 9"), ("c", "1.250.000 đ"), ("d", "20200131"), ("e", "Tặng")]),
    )
    first, second = record_in(record, MARC21).copies
    assert (first.barcode, first.location_code, first.call_number, first.accession_number) == (
        "B1",
        "KHO-2",
        "335 A",
        None,
    )
    assert (second.location_code, second.accession_number, second.price) == ("KHO", "ĐK 9", 1250000)
    assert (second.acquired_on, second.acquisition_source, second.item_type) == (
        date(2020, 1, 31),
        AcquisitionSource.DONATION,
        "book",
    )


def test_copies_of_the_koha_profile_take_952() -> None:
    record = marc(
        TITLE, ("952", "  ", [("a", "BR"), ("o", "005 COR"), ("p", "K1"), ("y", "ref"), ("v", "9.000")])
    )
    (copy,) = record_in(record, KOHA).copies
    assert (copy.location_code, copy.call_number, copy.item_type, copy.price) == (
        "BR",
        "005 COR",
        "ref",
        9000,
    )


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Hà Nội :", "Hà Nội"),
        ("Nguyễn, Du.", "Nguyễn, Du"),
        ("Cormen, Thomas H.", "Cormen, Thomas H."),
        ("415 tr. ;", "415 tr."),
        ("[et al.].", "[et al.]"),
        ("  a   b  ", "a b"),
        (" / ", None),
        ("", None),
        (None, None),
    ],
)
def test_clean(text: str | None, cleaned: str | None) -> None:
    assert clean(text) == cleaned


@pytest.mark.parametrize(
    ("reader", "text", "value"),
    [
        (isbn, "0-262-03384-4", "0262033844"),
        (isbn, "123", None),
        (price, "120.000 VND", 120000),
        (price, "120000.00", 120000),
        (price, "120,000đ", 120000),
        (price, "miễn phí", None),
        (day, "2021-03-15", date(2021, 3, 15)),
        (day, "20210315", date(2021, 3, 15)),
        (day, "2021-02-30", None),
        (day, "15/03/2021", None),
    ],
)
def test_value_readers(reader: Any, text: str, value: object) -> None:
    assert reader(text) == value


@pytest.mark.parametrize("profile", [MARC21, KOHA], ids=lambda profile: profile.name)
def test_a_written_record_reads_back_as_itself(profile: MarcProfile) -> None:
    for value in vietnamese_records(25):
        assert record_in(marc_record(value, profile), profile) == value


def test_a_record_with_nothing_but_a_title_reads_back_as_itself() -> None:
    value = RecordIn(title="Chỉ có nhan đề")
    assert record_in(marc_record(value, MARC21), MARC21) == value
