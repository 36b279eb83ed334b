"""The import runner on a real database: MARC files of every encoding (tests/fixtures/marc/), items and
roster CSVs; what is created, updated, unchanged and rejected; dry runs, re-imports and a run resumed after
it stopped half-way. The round trip (export then import into an empty database) runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from server.collection_config.marc_profiles import marc_profile
from server.domain.catalogue.marc_writing import marc_record
from server.services.catalogue_export import export_csv, export_marc
from server.services.columns import ITEM, LOCATION, PATRON, RECORD
from server.services.imports import (
    Counts,
    ImportKind,
    MissingColumnsError,
    NotThatKindOfFileError,
    run_import,
)
from server.services.imports.batch_rows import COPY_FIELDS, RECORD_FIELDS
from server.services.imports.report import RunStatus
from server.settings import REPO_CONFIG_DIR
from stacks.bench.catalogue_marc import vietnamese_records, write_file
from stacks.cli import app
from tests.support import factories
from tests.support.marc_fixtures import FIXTURES, control, data, iso2709

LOCATION_CODES = ("KHO-A", "KHO-A2", "KHO-B", "KHO-C", "KHO-D")


def _locations(engine: Engine) -> None:
    with Session(engine) as session:
        for code in LOCATION_CODES:
            factories.location(session, code=code, name=f"Kho {code}", kind="floor")
        session.commit()


@pytest.fixture
def library(sqlite_engine: Engine) -> Engine:
    _locations(sqlite_engine)
    return sqlite_engine


def _counts(created: int = 0, updated: int = 0, unchanged: int = 0, rejected: int = 0) -> dict[str, int]:
    return asdict(Counts(created, updated, unchanged, rejected))


def _records(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(RECORD)).mappings()
        return {row["control_number"]: dict(row) for row in rows}


def _copies(engine: Engine) -> dict[str, dict[str, Any]]:
    statement = (
        sa.select(ITEM, LOCATION.c.code.label("location_code"), RECORD.c.control_number)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
    )
    with engine.connect() as connection:
        return {row["barcode"]: dict(row) for row in connection.execute(statement).mappings()}


def _all_text_nfc(rows: dict[str, dict[str, Any]]) -> bool:
    return all(
        unicodedata.is_normalized("NFC", value)
        for row in rows.values()
        for value in row.values()
        if isinstance(value, str)
    )


def test_utf8_nfd_record_is_stored_field_by_field_in_nfc(library: Engine) -> None:
    report = run_import(library, FIXTURES / "utf8_nfd_vietnamese.mrc", ImportKind.MARC)

    assert report.status is RunStatus.FINISHED
    assert asdict(report.records) == _counts(created=1)
    assert asdict(report.copies) == _counts(created=2)
    record = _records(library)["VN-KTQD:KTQD-0042"]
    assert {name: record[name] for name in RECORD_FIELDS} == {
        "title": "Giáo trình kinh tế vi mô : dùng cho sinh viên",
        "control_number": "VN-KTQD:KTQD-0042",
        "isbn": "9786049461234",
        "issn": None,
        "statement_of_responsibility": "Nguyễn Văn Ngọc chủ biên ; Trần Thị Hương",
        "author": "Nguyễn Văn Ngọc",
        "other_authors": "Trần Thị Hương",
        "uniform_title": "Kinh tế vi mô",
        "edition": "Tái bản lần thứ 2",
        "edition_number": 3,
        "publisher": "Đại học Kinh tế Quốc dân",
        "publication_place": "Hà Nội",
        "year": 2020,
        "language": "vie",
        "physical_description": "415 tr. : minh họa ; 24 cm",
        "subjects": "Kinh tế học vi mô -- Giáo trình\nKinh tế học",
        "ddc": "338.5",
        "call_number": "338.5 NG-N",
        "set_title": "Tủ sách Kinh tế",
        "volume": "Tập 3",
        "summary": "Trình bày cung, cầu và giá cả thị trường",
    }
    assert record["search_text"] == "GIAO TRINH KINH TE VI MO : DUNG CHO SINH VIEN NGUYEN VAN NGOC"
    assert record["call_number_key"]
    assert record["work_key"] == "NGUYEN VAN NGOC / KINH TE VI MO"
    copies = _copies(library)
    first, second = copies["KT000101"], copies["KT000102"]
    assert (first["accession_number"], first["location_code"], first["price"]) == (
        "GT.012345",
        "KHO-A2",
        120000,
    )
    assert (first["acquired_on"], first["acquisition_source"]) == (date(2021, 3, 15), "purchase")
    assert (second["accession_number"], second["location_code"], second["acquisition_source"]) == (
        "GT.012346",
        "KHO-B",
        "donation",
    )
    assert _all_text_nfc(_records(library))
    assert _all_text_nfc(copies)


def test_marc8_koha_and_marcxml_files_import_with_their_rejects(library: Engine, tmp_path: Path) -> None:
    marc8 = run_import(library, FIXTURES / "marc8_diacritics.mrc", ImportKind.MARC)
    koha = run_import(library, FIXTURES / "koha_952.mrc", ImportKind.MARC, profile="koha")
    xml = run_import(library, FIXTURES / "catalogue.xml", ImportKind.MARC, rejects_path=tmp_path / "xml.csv")

    assert asdict(marc8.records) == _counts(created=2)
    records = _records(library)
    kieu = records["VN-HaNL:M8-0001"]
    assert (kieu["title"], kieu["author"], kieu["uniform_title"]) == (
        "Truyện Kiều",
        "Nguyễn, Du",
        "Đoạn trường tân thanh",
    )
    assert (kieu["publication_place"], kieu["subjects"]) == ("Hà Nội", "Văn học Việt Nam -- Thơ")
    assert records["M8-0002"]["title"] == "Le café : histoire d'une boisson"
    assert asdict(koha.copies) == _counts(created=2)
    copies = _copies(library)
    assert {
        k: copies["HUST0001"][k] for k in ("item_type", "price", "accession_number", "location_code")
    } == {
        "item_type": "reference",
        "price": 1250000,
        "accession_number": "NV.000777",
        "location_code": "KHO-B",
    }
    assert (copies["HUST0002"]["price"], copies["HUST0002"]["location_code"]) == (980000, "KHO-A")
    assert records["KOHA-HUST:12345"]["edition_number"] == 3
    assert asdict(xml.records) == _counts(created=2, rejected=1)
    assert records["XML-1"]["title"] == "Lịch sử Việt Nam : Tập 1"
    with (tmp_path / "xml.csv").open(encoding="utf-8") as rejects:
        assert list(csv.reader(rejects))[:2][1][:2] == ["2", "no title (245 $a)"]
    assert _all_text_nfc(_records(library))


def test_broken_and_truncated_files_keep_the_good_records_and_list_the_bad(
    library: Engine, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.csv"
    broken = run_import(library, FIXTURES / "broken_records.mrc", ImportKind.MARC, rejects_path=rejects)
    truncated = run_import(library, FIXTURES / "truncated.mrc", ImportKind.MARC)

    assert asdict(broken.records) == _counts(created=2, rejected=3)
    assert asdict(broken.copies) == _counts(created=1, rejected=1)
    with rejects.open(encoding="utf-8") as stream:
        listed = [(row["position"], row["reason"]) for row in csv.DictReader(stream)]
    assert listed == [
        ("2", "the leader gives a record length of 99 bytes, the record has 74"),
        ("3", "no title (245 $a)"),
        ("4", "undecodable bytes for the encoding leader/09 names (invalid start byte)"),
        ("5", "copy BR000005: no location with the code 'NOWHERE'"),
    ]
    assert set(_records(library)) == {"BR-1", "BR-5", "TR-1", "TR-2"}
    assert asdict(truncated.records) == _counts(created=2, rejected=1)
    assert truncated.rejects[0].reason == "the file ends inside this record (truncated, 52 bytes)"


def test_a_second_import_changes_nothing_and_a_changed_file_updates(library: Engine, tmp_path: Path) -> None:
    source = tmp_path / "catalogue.mrc"
    write_file(source, 60)
    first = run_import(library, source, ImportKind.MARC, batch_size=25)
    again = run_import(library, source, ImportKind.MARC, batch_size=25)

    assert first.records.created == 60
    assert first.copies.created > 60
    assert asdict(again.records) == _counts(unchanged=60)
    assert asdict(again.copies) == _counts(unchanged=first.copies.created)
    before = _records(library)
    changed = tmp_path / "changed.mrc"
    values = list(vietnamese_records(60))
    values[7] = replace(values[7], title="Tên mới")
    profile = marc_profile(REPO_CONFIG_DIR, None)
    changed.write_bytes(b"".join(marc_record(value, profile).as_marc() for value in values))
    update = run_import(library, changed, ImportKind.MARC)
    assert asdict(update.records) == _counts(updated=1, unchanged=59)
    after = _records(library)
    number = str(values[7].control_number)
    assert after[number]["title"] == "Tên mới"
    assert after[number]["id"] == before[number]["id"]
    assert after[number]["search_text"].startswith("TEN MOI ")


def test_records_without_a_number_match_the_same_edition_on_a_second_import(
    library: Engine, tmp_path: Path
) -> None:
    """Old systems export records with neither a control number nor an ISBN: the second import finds each
    by what tells editions apart, so it neither duplicates them nor merges two editions of one title."""
    first_edition, *others = [
        replace(value, control_number=None, isbn=None) for value in vietnamese_records(6)
    ]
    second_edition = replace(first_edition, year=(first_edition.year or 2000) + 5, copies=())
    profile = marc_profile(REPO_CONFIG_DIR, None)
    source = tmp_path / "unnumbered.mrc"
    values = [first_edition, second_edition, *others]
    source.write_bytes(b"".join(marc_record(value, profile).as_marc() for value in values))

    first = run_import(library, source, ImportKind.MARC)
    again = run_import(library, source, ImportKind.MARC)

    assert asdict(first.records) == _counts(created=7)
    assert asdict(again.records) == _counts(unchanged=7)
    assert asdict(again.copies) == _counts(unchanged=first.copies.created)
    with library.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(RECORD)).scalar() == 7
    changed = tmp_path / "changed.mrc"
    values[3] = replace(values[3], summary="Bản tóm tắt mới")
    changed.write_bytes(b"".join(marc_record(value, profile).as_marc() for value in values))
    assert asdict(run_import(library, changed, ImportKind.MARC).records) == _counts(updated=1, unchanged=6)


def test_a_dry_run_reports_the_same_figures_and_keeps_nothing(library: Engine, tmp_path: Path) -> None:
    source = tmp_path / "catalogue.mrc"
    write_file(source, 30)
    dry = run_import(library, source, ImportKind.MARC, dry_run=True, batch_size=10)
    assert _records(library) == {}
    assert dry.run_id is None
    real = run_import(library, source, ImportKind.MARC, batch_size=10)
    assert (dry.records, dry.copies) == (real.records, real.copies)


def test_a_run_stopped_after_two_batches_resumes_after_them(library: Engine, tmp_path: Path) -> None:
    source = tmp_path / "catalogue.mrc"
    write_file(source, 50)
    # read by a worker process (as a large file is), stopped while it is ahead of the writer
    stopped = run_import(
        library, source, ImportKind.MARC, batch_size=10, stop_after_batches=2, worker_from_bytes=0
    )
    assert (stopped.status, stopped.position) == (RunStatus.INTERRUPTED, 20)
    assert len(_records(library)) == 20

    resumed = run_import(library, source, ImportKind.MARC, batch_size=10)
    assert (resumed.resumed_after, resumed.status) == (20, RunStatus.FINISHED)
    assert asdict(resumed.records) == _counts(created=50)  # the interrupted run's figures carried over
    assert len(_records(library)) == 50
    with library.connect() as connection:
        runs = connection.execute(sa.text("SELECT status, position FROM import_run")).all()
    assert [tuple(run) for run in runs] == [("finished", 50)]


def _volumes_file(path: Path, third_volume: str = "895.922 NG-D T.3") -> Path:
    """A two-volume work catalogued as one record (no 090): each volume's copies carry their call number
    in 852, and a reference copy stands in another class."""

    def copy(barcode: str, call: str) -> tuple[str, bytes]:
        return data("852", "  ", ("b", "KHO-A"), ("h", call), ("p", barcode))

    path.write_bytes(
        iso2709(
            [
                control("001", "VOL-1"),
                data("245", "10", ("a", "Truyện Kiều")),
                copy("VOL-T1", "895.922 NG-D T.1"),
                copy("VOL-T2", "895.922 NG-D T.2"),
                copy("VOL-T3", third_volume),
                copy("VOL-REF", "R 895.922 NG-D"),
            ]
        )
    )
    return path


def test_a_copy_keeps_a_call_number_of_its_own_where_it_differs_from_its_records(
    library: Engine, tmp_path: Path
) -> None:
    from server.services import catalog, catalogue_record

    report = run_import(library, _volumes_file(tmp_path / "volumes.mrc"), ImportKind.MARC)

    assert asdict(report.copies) == _counts(created=4)
    assert _records(library)["VOL-1"]["call_number"] == "895.922 NG-D T.1"  # the first copy's: no 090
    copies = _copies(library)
    own = {barcode: row["own_call_number"] for barcode, row in copies.items()}
    assert own == {
        "VOL-T1": None,  # the record's
        "VOL-T2": "895.922 NG-D T.2",
        "VOL-T3": "895.922 NG-D T.3",
        "VOL-REF": "R 895.922 NG-D",
    }
    assert copies["VOL-T1"]["own_call_number_key"] is None
    assert copies["VOL-T2"]["own_call_number_key"]
    assert copies["VOL-REF"]["own_call_number_key"]
    with Session(library) as session:
        listed = [(i.barcode, i.call_number) for i in catalog.search_items(session, q="truyen kieu")]
        assert listed == [
            ("VOL-T1", "895.922 NG-D T.1"),  # shelf order, each by its own call number
            ("VOL-T2", "895.922 NG-D T.2"),
            ("VOL-T3", "895.922 NG-D T.3"),
            ("VOL-REF", "R 895.922 NG-D"),
        ]
        record_id = _records(library)["VOL-1"]["id"]
        page = catalogue_record.public_record(session, record_id)
        assert [copy.call_number for copy in page.copies] == [  # the public page, by barcode
            "R 895.922 NG-D",
            "895.922 NG-D T.1",
            "895.922 NG-D T.2",
            "895.922 NG-D T.3",
        ]
        by_prefix = catalog.search_items(session, call_number="R 895")
        assert [i.barcode for i in by_prefix] == ["VOL-REF"]
        assert [i.barcode for i in catalog.search_items(session, call_number="895.922 NG-D T.2")] == [
            "VOL-T2"
        ]

    changed = run_import(library, _volumes_file(tmp_path / "again.mrc", "895.922 NG-D T.1"), ImportKind.MARC)
    assert asdict(changed.copies) == _counts(updated=1, unchanged=3)
    assert _copies(library)["VOL-T3"]["own_call_number"] is None  # now the record's own again
    assert _copies(library)["VOL-T3"]["own_call_number_key"] is None


def test_accession_numbers_are_unique_across_copies(library: Engine, tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text(
        "Mã vạch,Số ĐKCB,Nhan đề,Tác giả,Kho,Giá,Ngày nhập,Nguồn bổ sung\n"
        'B-1,DK-1,Toán cao cấp,Nguyễn Đình Trí,KHO-A,"45.000",2020-01-02,Mua\n'
        "B-2,DK-1,Toán cao cấp,Nguyễn Đình Trí,KHO-A,,,\n"
        "B-3,DK-3,Toán cao cấp,Nguyễn Đình Trí,KHO-Z,,,\n"
        "B-4,DK-4,,,KHO-A,,,\n",
        encoding="utf-8-sig",
    )
    report = run_import(library, items, ImportKind.ITEMS)

    assert asdict(report.records) == _counts(created=1, unchanged=2, rejected=1)
    assert asdict(report.copies) == _counts(created=1, rejected=2)
    assert [(r.position, r.reason) for r in report.rejects] == [
        (5, "no title, ISBN or control number to find or create the record by"),
        (3, "copy B-2: accession number DK-1 is copy B-1's already"),
        (4, "copy B-3: no location with the code 'KHO-Z'"),
    ]
    copy = _copies(library)["B-1"]
    assert copy["accession_key"] == "DK-0000000001"  # the register's order, as the ORM writes it
    assert (copy["price"], copy["acquired_on"], copy["acquisition_source"]) == (
        45000,
        date(2020, 1, 2),
        "purchase",
    )


def test_the_registrars_roster_creates_then_updates_readers(library: Engine, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "MSSV;Họ và tên;Đối tượng;Khoa;E-mail;Hạn thẻ\n"
        "sv001;Nguyễn Thị Mai;Sinh viên;Kinh tế;Mai@Example.edu.vn;30/06/2027\n"
        "SV002;Trần Văn Nam;postgraduate;Luật;;2027-06-30\n"
        "SV003;Lê Văn C;khách;;;2027-06-30\n",
        encoding="utf-8",
    )
    first = run_import(library, roster, ImportKind.PATRONS)
    assert asdict(first.patrons) == _counts(created=2, rejected=1)
    assert first.rejects[0].reason == "category: 'khách' is not a reader category of the library"
    roster.write_text(roster.read_text(encoding="utf-8").replace("Kinh tế", "Quản trị"), encoding="utf-8")
    second = run_import(library, roster, ImportKind.PATRONS)
    assert asdict(second.patrons) == _counts(updated=1, unchanged=1, rejected=1)
    with library.connect() as connection:
        mai = connection.execute(sa.select(PATRON).where(PATRON.c.card_number == "SV001")).mappings().one()
    assert (mai["full_name"], mai["category"], mai["faculty"], mai["email"]) == (
        "Nguyễn Thị Mai",
        "undergraduate",
        "Quản trị",
        "mai@example.edu.vn",
    )
    assert (mai["expires_on"], mai["search_text"]) == (date(2027, 6, 30), "NGUYEN THI MAI")


def test_files_that_cannot_be_imported_are_refused_before_anything_is_written(
    library: Engine, tmp_path: Path
) -> None:
    missing = tmp_path / "roster.csv"
    missing.write_text("card number,name,expiry\nSV1,A,2027-01-01\n", encoding="utf-8")
    picture = tmp_path / "picture.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("barcode,title\nB1,Café\n".encode("latin-1"))

    with pytest.raises(MissingColumnsError, match="no column for: category"):
        run_import(library, missing, ImportKind.PATRONS)
    with pytest.raises(NotThatKindOfFileError, match="binary data"):
        run_import(library, picture, ImportKind.ITEMS)
    with pytest.raises(NotThatKindOfFileError, match="not UTF-8"):
        run_import(library, latin1, ImportKind.ITEMS)
    with pytest.raises(NotThatKindOfFileError, match="not a MARC 21 file"):
        run_import(library, missing, ImportKind.MARC)
    with library.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM import_run")).scalar_one() == 0


def _catalogue(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    records = {key: {name: row[name] for name in RECORD_FIELDS} for key, row in _records(engine).items()}
    fields = [name for name in COPY_FIELDS if name not in ("record_id", "home_location_id")]
    copies = {
        key: {
            **{name: row[name] for name in fields},
            "location": row["location_code"],
            "record": row["control_number"],
        }
        for key, row in _copies(engine).items()
    }
    return records, copies


@pytest.fixture
def round_trip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("round") / "catalogue.mrc"
    write_file(source, 40)
    return source


@pytest.mark.parametrize("profile", ["marc21", "koha"])
@pytest.mark.parametrize("file_format", ["iso2709", "marcxml"])
def test_exported_catalogue_imports_into_an_empty_database_unchanged(
    engine: Engine, tmp_path: Path, round_trip_file: Path, profile: str, file_format: str
) -> None:
    from tests.support.databases import migrated

    _locations(engine)
    run_import(engine, round_trip_file, ImportKind.MARC)
    run_import(engine, FIXTURES / "utf8_nfd_vietnamese.mrc", ImportKind.MARC)
    run_import(engine, _volumes_file(tmp_path / "volumes.mrc"), ImportKind.MARC)
    exported = tmp_path / f"export.{file_format}"
    with Session(engine) as session:
        assert export_marc(session, exported, marc_profile(REPO_CONFIG_DIR, profile), file_format) == 42
        export_csv(session, tmp_path / "export.csv")

    with migrated(f"sqlite:///{tmp_path / 'empty.db'}") as empty:
        _locations(empty)
        report = run_import(empty, exported, ImportKind.MARC, profile=profile)
        assert report.records.rejected == report.copies.rejected == 0
        assert _catalogue(empty) == _catalogue(engine)
    with (tmp_path / "export.csv").open(encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == len(_copies(engine))
    assert {row["title"] for row in rows} == {record["title"] for record in _records(engine).values()}


def test_the_commands_import_export_and_say_how_it_went(library: Engine, tmp_path: Path) -> None:
    url = str(library.url)
    runner = CliRunner()
    source = tmp_path / "broken.mrc"
    source.write_bytes((FIXTURES / "broken_records.mrc").read_bytes())

    dry = runner.invoke(app, ["import", "marc", str(source), "--dry-run", "--database-url", url, "--json"])
    assert dry.exit_code == 3  # entries were rejected
    assert json.loads(dry.stdout)["records"] == _counts(created=2, rejected=3)
    assert _records(library) == {}
    done = runner.invoke(app, ["import", "marc", str(source), "--database-url", url])
    assert done.exit_code == 3
    assert "records: 2 created, 0 updated, 0 unchanged, 3 rejected" in done.stdout
    assert (
        (tmp_path / "broken.mrc.rejects.csv")
        .read_text(encoding="utf-8")
        .startswith("position,reason,excerpt")
    )
    good = runner.invoke(
        app, ["import", "marc", str(FIXTURES / "koha_952.mrc"), "--profile", "koha", "--database-url", url]
    )
    assert good.exit_code == 0
    refused = runner.invoke(app, ["import", "patrons", str(source), "--database-url", url])
    assert refused.exit_code == 1
    assert "not a CSV file" in refused.stderr
    unknown = runner.invoke(
        app, ["import", "marc", str(source), "--profile", "unimarc", "--database-url", url]
    )
    assert unknown.exit_code == 1
    assert "no MARC profile 'unimarc'" in unknown.stderr

    exported = tmp_path / "out.xml"
    result = runner.invoke(
        app, ["export", "marc", str(exported), "--format", "marcxml", "--database-url", url]
    )
    assert result.exit_code == 0
    assert "3 record(s) written" in result.stdout
    assert exported.read_text(encoding="utf-8").count("<record>") == 3
    assert (
        runner.invoke(app, ["export", "csv", str(tmp_path / "out.csv"), "--database-url", url]).exit_code == 0
    )


def test_a_value_too_long_for_its_column_rejects_its_entry_not_the_batch(
    library: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "long.mrc"
    long_title = iso2709([control("001", "L-1"), data("245", "10", ("a", "Dài " * 200))])
    long_barcode = iso2709(
        [
            control("001", "L-2"),
            data("245", "10", ("a", "Ngắn")),
            data("852", "  ", ("b", "KHO-A"), ("p", "9" * 40)),
        ]
    )
    source.write_bytes(
        b"\n".join(
            [long_title, long_barcode, iso2709([control("001", "L-3"), data("245", "10", ("a", "Ba"))])]
        )
    )

    report = run_import(library, source, ImportKind.MARC)

    assert [(r.position, r.reason) for r in report.rejects] == [
        (1, "title is longer than 500 characters (799)"),
        (2, f"copy {'9' * 40}: barcode is longer than 32 characters (40)"),
    ]
    assert set(_records(library)) == {"L-2", "L-3"}
