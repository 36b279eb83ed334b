"""MARC 21 import, end to end: generated Vietnamese records, each with 1–3 copies, written to an ISO 2709
file and imported into a fresh, migrated SQLite database by the import runner (`stacks import marc`).

`python -m stacks.bench.catalogue_marc --records 100000 --json` prints:

- `marc_records_per_s`: records imported a second, with their copies (reading, mapping, matching and
  writing; every batch committed with its `import_run` position);
- `baseline_pymarc_records_per_s`: pymarc's MARCReader alone over the same file in the same run — the
  floor no importer built on it can go below;
- `marc_copies`, `marc_seconds`, `generate_seconds`, `target_records_per_s`;
- `marc_peak_rss_mib`: peak resident memory of the import — this process's peak plus that of the process
  that reads a large file beside it (`reader_peak_rss_mib`) — and `marc_100k_peak_rss_mib` when 100,000
  records were imported.

`measure(records)` returns the same figures (for `stacks bench catalogue`).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pymarc import MARCReader
from sqlmodel import Session

from server.collection_config.marc_profiles import DEFAULT_PROFILE, marc_profile
from server.db.bulk import insert_rows
from server.db.derived import with_derived
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.domain.catalogue.marc_writing import marc_record
from server.domain.catalogue.shapes import CopyIn, RecordIn
from server.domain.enums import AcquisitionSource, LocationKind
from server.services.columns import LOCATION
from server.services.imports import ImportKind, run_import
from server.settings import REPO_CONFIG_DIR

SIZE = 100_000
TARGET_RECORDS_PER_S = 2000
LOCATIONS = ("KHO-A", "KHO-B", "KHO-C", "KHO-D")

_SUBJECTS = ("Kinh tế học", "Triết học", "Văn học Việt Nam", "Lịch sử", "Tin học", "Toán học", "Hóa học")
_TOPICS = ("kinh tế vi mô", "triết học Mác - Lênin", "lập trình Python", "lịch sử Việt Nam", "giải tích")
_KINDS = ("Giáo trình", "Bài giảng", "Tuyển tập", "Cơ sở", "Nhập môn", "Tài liệu tham khảo")
_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
_GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan", "Thanh Sơn")
_PUBLISHERS = ("Giáo dục Việt Nam", "Đại học Quốc gia Hà Nội", "Chính trị Quốc gia", "Khoa học và Kỹ thuật")
_PLACES = ("Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Huế")


def vietnamese_records(count: int, seed: int = 12) -> Iterator[RecordIn]:
    """`count` records of a Vietnamese university library, each with 1–3 copies on `LOCATIONS`."""
    chance = random.Random(seed)
    barcode = 0
    for number in range(1, count + 1):
        author = f"{chance.choice(_SURNAMES)} {chance.choice(_GIVEN)}"
        topic = chance.choice(_TOPICS)
        reprint = chance.randrange(4)
        copies = []
        for _ in range(chance.randint(1, 3)):
            barcode += 1
            copies.append(
                CopyIn(
                    barcode=f"3000{barcode:08d}",
                    accession_number=f"VV.{barcode:07d}",
                    call_number=f"330.{number % 1000:03d} {author.split(maxsplit=1)[0][:2].upper()}-{number}",
                    location_code=chance.choice(LOCATIONS),
                    item_type="book",
                    price=chance.randrange(20, 400) * 1000,
                    acquired_on=date(2000 + number % 25, 1 + number % 12, 1 + number % 28),
                    acquisition_source=AcquisitionSource.PURCHASE,
                )
            )
        yield RecordIn(
            title=f"{chance.choice(_KINDS)} {topic} {number}",
            control_number=f"VN-BENCH:{number:08d}",
            isbn=f"978604{number:07d}",
            statement_of_responsibility=f"{author} (chủ biên)",
            author=author,
            other_authors=(f"{chance.choice(_SURNAMES)} {chance.choice(_GIVEN)}",),
            edition=f"Tái bản lần thứ {reprint}" if reprint else None,
            edition_number=reprint + 1 if reprint else None,
            publisher=chance.choice(_PUBLISHERS),
            publication_place=chance.choice(_PLACES),
            year=1990 + number % 35,
            language="vie",
            physical_description=f"{chance.randrange(80, 600)} tr.",
            subjects=(f"{chance.choice(_SUBJECTS)} -- Giáo trình",),
            ddc=f"330.{number % 1000:03d}",
            call_number=copies[0].call_number,
            summary="Trình bày những kiến thức cơ bản về " + topic,
            copies=tuple(copies),
        )


def write_file(path: Path, count: int) -> None:
    profile = marc_profile(REPO_CONFIG_DIR, DEFAULT_PROFILE)
    with path.open("wb") as stream:
        for value in vietnamese_records(count):
            stream.write(marc_record(value, profile).as_marc())


def pymarc_records_per_s(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as stream:
        count = sum(1 for _ in MARCReader(stream, to_unicode=True))
    return count / (time.perf_counter() - started)


def _library(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    rows = [{"code": code, "name": code, "kind": LocationKind.FLOOR} for code in LOCATIONS]
    with Session(engine) as session:
        insert_rows(session, LOCATION, with_derived(LOCATION, [{**row, "span_start": None} for row in rows]))
        session.commit()
    engine.dispose()


def measure(records: int = SIZE) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="stacks-marc-") as directory:
        root = Path(directory)
        source = root / "catalogue.mrc"
        started = time.perf_counter()
        write_file(source, records)
        generate_s = time.perf_counter() - started
        baseline = pymarc_records_per_s(source)
        url = f"sqlite:///{root / 'stacks.db'}"
        _library(url)
        engine = make_engine(url)
        try:
            started = time.perf_counter()
            report = run_import(engine, source, ImportKind.MARC)
            seconds = time.perf_counter() - started
        finally:
            engine.dispose()
    imported = report.records.created + report.records.updated + report.records.unchanged
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the reading process, waited for
    peak = round(own + reader, 1)
    figures: dict[str, Any] = {
        "marc_records": imported,
        "marc_copies": report.copies.created,
        "marc_rejected": report.records.rejected + report.copies.rejected,
        "marc_seconds": round(seconds, 2),
        "marc_records_per_s": round(imported / seconds),
        "baseline_pymarc_records_per_s": round(baseline),
        "target_records_per_s": TARGET_RECORDS_PER_S,
        "generate_seconds": round(generate_s, 1),
        "marc_peak_rss_mib": peak,
        "reader_peak_rss_mib": round(reader, 1),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if records == SIZE:
        figures["marc_100k_peak_rss_mib"] = peak
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=SIZE)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.records)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
