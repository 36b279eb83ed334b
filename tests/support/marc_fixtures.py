"""The MARC 21 files of tests/fixtures/marc/, written byte by byte: MARC-8 with combining diacritics
(ANSEL marks before their letter), UTF-8 in NFD, a Koha 952 file, MARCXML, a file of broken records and
a truncated file. `python -m tests.support.marc_fixtures` writes them again; the tests read the files.

Each file is built here by hand (leader, directory, fields) rather than by pymarc's writer, so a file is
what another system would send — including what pymarc would refuse to write.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "marc"

FIELD_END = b"\x1e"
RECORD_END = b"\x1d"
SUBFIELD = b"\x1f"

Fields = list[tuple[str, bytes]]


def control(tag: str, text: str) -> tuple[str, bytes]:
    return tag, text.encode("ascii")


def data(
    tag: str, indicators: str, *subfields: tuple[str, bytes | str], nfd: bool = False
) -> tuple[str, bytes]:
    body = indicators.encode("ascii")
    for code, value in subfields:
        raw = (
            value
            if isinstance(value, bytes)
            else unicodedata.normalize("NFD" if nfd else "NFC", value).encode()
        )
        body += SUBFIELD + code.encode("ascii") + raw
    return tag, body


def iso2709(fields: Fields, *, utf8: bool = True, stated_length: int | None = None) -> bytes:
    """One record in transmission format: leader/09 "a" for UTF-8, blank for MARC-8; `stated_length`
    writes a wrong length into the leader."""
    directory, payload = b"", b""
    for tag, body in fields:
        entry = body + FIELD_END
        directory += f"{tag}{len(entry):04d}{len(payload):05d}".encode("ascii")
        payload += entry
    base = 24 + len(directory) + 1
    total = base + len(payload) + 1
    leader = f"{stated_length or total:05d}nam {'a' if utf8 else ' '}22{base:05d} a 4500".encode("ascii")
    return leader + directory + FIELD_END + payload + RECORD_END


def fixed(year: int, language: str) -> tuple[str, bytes]:
    return control("008", f"201104s{year}    vm            000 0 {language} d")


# ANSEL (MARC-8's Latin set): combining marks come before the letter they sit on.
GRAVE, ACUTE, CIRCUMFLEX, TILDE, HOOK, DOT_BELOW = b"\xe1", b"\xe2", b"\xe3", b"\xe4", b"\xe0", b"\xf2"
D_STROKE, CAPITAL_D_STROKE, O_HORN, U_HORN = b"\xb3", b"\xa3", b"\xbc", b"\xbd"


def marc8_file() -> bytes:
    # "Truyện Kiều" / "Nguyễn Du" / "Đoạn trường tân thanh" / "Văn học Việt Nam", "Café"
    truyen_kieu = b"Truy" + CIRCUMFLEX + DOT_BELOW + b"en Ki" + CIRCUMFLEX + GRAVE + b"eu"
    nguyen_du = b"Nguy" + CIRCUMFLEX + TILDE + b"en, Du"
    doan_truong = (
        CAPITAL_D_STROKE
        + b"o"
        + DOT_BELOW
        + b"an tr"
        + U_HORN
        + GRAVE
        + O_HORN
        + b"ng t"
        + CIRCUMFLEX
        + b"an thanh"
    )
    van_hoc = b"V" + b"\xe6a" + b"n h" + DOT_BELOW + b"oc Vi" + CIRCUMFLEX + DOT_BELOW + b"et Nam"
    first = iso2709(
        [
            control("001", "M8-0001"),
            control("003", "VN-HaNL"),
            fixed(2015, "vie"),
            data("020", "  ", ("a", b"9786049690286")),
            data("100", "0 ", ("a", nguyen_du + b",")),
            data("245", "10", ("a", truyen_kieu + b" /"), ("c", nguyen_du + b".")),
            data("240", "10", ("a", doan_truong)),
            data(
                "260",
                "  ",
                ("a", b"H" + GRAVE + b"a N" + DOT_BELOW + CIRCUMFLEX + b"oi :"),
                ("b", van_hoc + b","),
            ),
            data("650", " 7", ("a", van_hoc), ("v", b"Th" + O_HORN)),
            data("852", "  ", ("b", b"KHO-A"), ("h", b"895.9221"), ("i", b"NG-D"), ("p", b"M8000001")),
            data("876", "  ", ("p", b"M8000001"), ("a", b"VV.000001"), ("c", b"85.000 " + D_STROKE)),
        ],
        utf8=False,
    )
    second = iso2709(
        [
            control("001", "M8-0002"),
            fixed(1998, "fre"),
            data("100", "1 ", ("a", b"Dupont, Andr" + ACUTE + b"e")),
            data("245", "10", ("a", b"Le caf" + ACUTE + b"e :"), ("b", b"histoire d'une boisson")),
        ],
        utf8=False,
    )
    return first + second


VIETNAMESE = {
    "title": "Giáo trình kinh tế vi mô",
    "author": "Nguyễn Văn Ngọc",
    "responsibility": "Nguyễn Văn Ngọc chủ biên ; Trần Thị Hương",
    "edition": "Tái bản lần thứ 2",
    "publisher": "Đại học Kinh tế Quốc dân",
    "place": "Hà Nội",
    "subject": "Kinh tế học vi mô",
    "series": "Tủ sách Kinh tế",
}


def utf8_nfd_file() -> bytes:
    v = VIETNAMESE
    return iso2709(
        [
            control("001", "KTQD-0042"),
            control("003", "VN-KTQD"),
            fixed(2020, "vie"),
            data("020", "  ", ("a", "978-604-946-123-4 (bìa mềm)"), nfd=True),
            data("041", "0 ", ("a", "vie")),
            data("082", "04", ("a", "338.5"), ("2", "23")),
            data("090", "  ", ("a", "338.5"), ("b", "NG-N")),
            data("100", "1 ", ("a", v["author"] + ","), nfd=True),
            data("240", "10", ("a", "Kinh tế vi mô")),
            data(
                "245",
                "10",
                ("a", v["title"] + " :"),
                ("b", "dùng cho sinh viên /"),
                ("c", v["responsibility"]),
                nfd=True,
            ),
            data("250", "  ", ("a", v["edition"]), nfd=True),
            data(
                "264", " 1", ("a", v["place"] + " :"), ("b", v["publisher"] + ","), ("c", "2020."), nfd=True
            ),
            data("300", "  ", ("a", "415 tr. :"), ("b", "minh họa ;"), ("c", "24 cm"), nfd=True),
            data("490", "1 ", ("a", v["series"] + " ;"), ("v", "Tập 3"), nfd=True),
            data("520", "  ", ("a", "Trình bày cung, cầu và giá cả thị trường."), nfd=True),
            data("650", " 7", ("a", v["subject"]), ("x", "Giáo trình"), ("2", "Bộ TĐCĐ"), nfd=True),
            data("650", " 7", ("a", "Kinh tế học"), nfd=True),
            data("700", "1 ", ("a", "Trần Thị Hương,"), ("e", "biên soạn"), nfd=True),
            data(
                "852", "  ", ("b", "KHO-A"), ("c", "KHO-A2"), ("h", "338.5"), ("i", "NG-N"), ("p", "KT000101")
            ),
            data(
                "876",
                "  ",
                ("p", "KT000101"),
                ("a", "GT.012345"),
                ("c", "120.000"),
                ("d", "2021-03-15"),
                ("e", "Mua"),
                nfd=True,
            ),
            data("852", "  ", ("b", "KHO-B"), ("h", "338.5"), ("i", "NG-N"), ("p", "KT000102")),
            data("876", "  ", ("p", "KT000102"), ("a", "GT.012346"), ("e", "Biếu tặng"), nfd=True),
        ]
    )


def koha_file() -> bytes:
    return iso2709(
        [
            control("001", "12345"),
            control("003", "KOHA-HUST"),
            fixed(2018, "eng"),
            data("020", "  ", ("a", "0-262-03384-4")),
            data("100", "1 ", ("a", "Cormen, Thomas H.")),
            data("245", "10", ("a", "Introduction to algorithms /"), ("c", "Thomas H. Cormen ... [et al.].")),
            data("250", "  ", ("a", "3rd ed.")),
            data("260", "  ", ("a", "Cambridge, Mass. :"), ("b", "MIT Press,"), ("c", "c2009.")),
            data("700", "1 ", ("a", "Leiserson, Charles E.")),
            data("700", "1 ", ("a", "Rivest, Ronald L.")),
            data("830", " 0", ("a", "MIT electrical engineering and computer science series")),
            data(
                "952",
                "  ",
                ("a", "KHO-A"),
                ("c", "KHO-B"),
                ("o", "005.1 COR"),
                ("p", "HUST0001"),
                ("y", "reference"),
                ("g", "1250000"),
                ("d", "2019-09-01"),
                ("i", "NV.000777"),
                ("e", "donation"),
            ),
            data(
                "952",
                "  ",
                ("a", "KHO-A"),
                ("o", "005.1 COR"),
                ("p", "HUST0002"),
                ("y", "book"),
                ("v", "980,000"),
            ),
        ]
    )


def marcxml_file() -> bytes:
    title = unicodedata.normalize("NFD", "Lịch sử Việt Nam")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim">
  <record>
    <leader>00000nam a2200000 a 4500</leader>
    <controlfield tag="001">XML-1</controlfield>
    <controlfield tag="008">201104s2017    vm            000 0 vie d</controlfield>
    <datafield tag="100" ind1="1" ind2=" "><subfield code="a">Phan Huy Lê</subfield></datafield>
    <datafield tag="245" ind1="1" ind2="0">
      <subfield code="a">{title} :</subfield><subfield code="n">Tập 1</subfield>
    </datafield>
    <datafield tag="852" ind1=" " ind2=" ">
      <subfield code="b">KHO-A</subfield><subfield code="p">XML00001</subfield>
    </datafield>
  </record>
  <record>
    <leader>00000nam a2200000 a 4500</leader>
    <controlfield tag="001">XML-2</controlfield>
    <datafield tag="100" ind1="1" ind2=" "><subfield code="a">Không Nhan Đề</subfield></datafield>
  </record>
  <record>
    <leader>00000nam a2200000 a 4500</leader>
    <controlfield tag="001">XML-3</controlfield>
    <datafield tag="245" ind1="0" ind2="0"><subfield code="a">Địa chí Hà Nội</subfield></datafield>
  </record>
</collection>
""".encode()


def _simple(number: str, title: str, barcode: str) -> bytes:
    return iso2709(
        [
            control("001", number),
            data("245", "10", ("a", title)),
            data("852", "  ", ("b", "KHO-A"), ("p", barcode)),
        ]
    )


def broken_file() -> bytes:
    """1: good; 2: the leader gives a wrong length; 3: no title; 4: invalid UTF-8; 5: good, with a copy on
    a location the library does not have."""
    good = _simple("BR-1", "Bản ghi tốt", "BR000001")
    wrong_length = iso2709([control("001", "BR-2"), data("245", "10", ("a", "Sai độ dài"))], stated_length=99)
    no_title = iso2709([control("001", "BR-3"), data("100", "1 ", ("a", "Ai đó"))])
    bad_utf8 = iso2709([control("001", "BR-4"), data("245", "10", ("a", b"Bad \xff\xfe bytes"))])
    unknown_place = iso2709(
        [
            control("001", "BR-5"),
            data("245", "10", ("a", "Kho lạ")),
            data("852", "  ", ("b", "NOWHERE"), ("p", "BR000005")),
        ]
    )
    return good + wrong_length + no_title + bad_utf8 + unknown_place


def truncated_file() -> bytes:
    whole = _simple("TR-1", "Một", "TR000001") + _simple("TR-2", "Hai", "TR000002")
    cut = _simple("TR-3", "Ba bị cắt", "TR000003")
    return whole + cut[: len(cut) // 2]


FILES = {
    "marc8_diacritics.mrc": marc8_file,
    "utf8_nfd_vietnamese.mrc": utf8_nfd_file,
    "koha_952.mrc": koha_file,
    "catalogue.xml": marcxml_file,
    "broken_records.mrc": broken_file,
    "truncated.mrc": truncated_file,
}


def write_fixtures(directory: Path = FIXTURES) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, build in FILES.items():
        (directory / name).write_bytes(build())


if __name__ == "__main__":
    write_fixtures()
