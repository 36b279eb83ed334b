"""The catalogue search finds the same records in the same order on SQLite (FTS5) and PostgreSQL (GIN):
Vietnamese with and without diacritics, đ and d, typing prefixes, every searchable field, facets, paging.

One small catalogue per engine for the whole module; half its records are written by the ORM, half by the
bulk insert the seed and the importers use, so both write paths are shown to feed the index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from server.db.bulk import insert_rows
from server.db.derived import with_derived
from server.domain.catalogue.opac import SearchFilters, SearchRequest, SortOrder
from server.domain.catalogue.search_words import parse_query
from server.services import catalogue_search
from server.services.columns import RECORD
from tests.support import factories as make
from tests.support.databases import migrated
from tests.support.postgres import PostgresCluster

_AT = datetime(2026, 1, 1, tzinfo=UTC)

# Titles are unique: expected results name records by title.
_ORM_RECORDS: list[dict[str, Any]] = [
    {"title": "Tiếng Việt lớp 5", "author": "Nguyễn Minh Thuyết", "year": 2019, "language": "vie"},
    {"title": "Ngữ pháp tiếng Việt", "author": "Diệp Quang Ban", "year": 2005, "language": "vie"},
    {"title": "Đường Kách mệnh", "author": "Hồ Chí Minh", "year": 1927, "language": "vie"},
    {"title": "Dương Bá Trạc tuyển tập", "author": "Dương Bá Trạc", "year": 1999, "language": "vie"},
    {"title": "Đương đại và truyền thống", "author": "Trần Đình Sử", "year": 2011, "language": "vie"},
    {"title": "Vietnamese grammar", "author": "Laurence C. Thompson", "year": 1965, "language": "eng"},
]
_BULK_RECORDS: list[dict[str, Any]] = [
    {
        "title": "Truyện Kiều",
        "author": "Nguyễn Du",
        "other_authors": "Đào Duy Anh",
        "subjects": "Văn học Việt Nam -- Thơ",
        "call_number": "895.9221 NG-D",
        "isbn": "978-604-1-23456-7",
        "year": 2015,
        "language": "vie",
    },
    {
        "title": "Giáo trình kinh tế vĩ mô",
        "author": "Nguyễn Văn Công",
        "subjects": "Kinh tế học vĩ mô",
        "set_title": "Tủ sách Đại học Kinh tế",
        "call_number": "339 NG-C",
        "year": 2020,
        "language": "vie",
    },
    {"title": "Dũng cảm", "author": "Đỗ Chu", "year": 2008, "language": "vie"},
    {"title": "Đa dạng sinh học", "author": "Lê Văn Dũng", "year": 2012, "language": "vie"},
]
_FIELDS = (
    "title",
    "author",
    "other_authors",
    "subjects",
    "set_title",
    "call_number",
    "isbn",
    "year",
    "language",
)

# (query, typing, expected titles in order): relevance is exact-diacritic tier, then newest record first.
_CASES: list[tuple[str, bool, list[str]]] = [
    # without diacritics finds the accented words
    ("tieng viet", False, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    # with them: the same records
    ("Tiếng Việt", False, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    # đ and d: "duong" is dương, đương and đường alike
    ("duong", False, ["Đương đại và truyền thống", "Dương Bá Trạc tuyển tập", "Đường Kách mệnh"]),
    # an accented query ranks its exact word first, then the rest
    ("đường", False, ["Đường Kách mệnh", "Đương đại và truyền thống", "Dương Bá Trạc tuyển tập"]),
    ("dương", False, ["Dương Bá Trạc tuyển tập", "Đương đại và truyền thống", "Đường Kách mệnh"]),
    ("dung", False, ["Đa dạng sinh học", "Dũng cảm"]),
    ("Đỗ", False, ["Dũng cảm"]),
    # typing: the last word is a prefix
    ("tieng vi", True, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    ("tiê", True, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    ("tiếng vi", True, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    # a one-letter prefix beside whole words (PostgreSQL checks it on the rows the words found)
    ("tieng v", True, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    ("ngu phap t", True, ["Ngữ pháp tiếng Việt"]),
    ("tiếng v", True, ["Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    ("viet", True, ["Truyện Kiều", "Vietnamese grammar", "Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    ("viet", False, ["Truyện Kiều", "Ngữ pháp tiếng Việt", "Tiếng Việt lớp 5"]),
    # every field: author, added author, subject, series, call number, ISBN with and without hyphens
    ("nguyen du", False, ["Truyện Kiều"]),
    ("dao duy anh", False, ["Truyện Kiều"]),
    ("van hoc viet nam", False, ["Truyện Kiều"]),
    ("vĩ mô", False, ["Giáo trình kinh tế vĩ mô"]),
    ("tu sach dai hoc", False, ["Giáo trình kinh tế vĩ mô"]),
    ("895.9221", False, ["Truyện Kiều"]),
    ("9786041234567", False, ["Truyện Kiều"]),
    ("978-604-1-23456-7", False, ["Truyện Kiều"]),
    # all words must match; nothing found is an empty list
    ("tieng kieu", False, []),
    ("xyz", True, []),
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalogue(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('opac')) / 'stacks.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database()
    with migrated(url) as engine, Session(engine, expire_on_commit=False) as session:
        shelf = make.location(session, code="S1", kind="shelf")
        for fields in _ORM_RECORDS:
            record = make.record(session, **({"call_number": None} | fields))
            make.item(session, record, home_location_id=shelf.id)
        rows = [{key: fields.get(key) for key in _FIELDS} | {"created_at": _AT} for fields in _BULK_RECORDS]
        insert_rows(session, RECORD, with_derived(RECORD, rows))
        session.commit()
        yield session


def _titles(session: Session, query: str, *, typing: bool, **request: Any) -> list[str]:
    found = catalogue_search.search(session, SearchRequest(parse_query(query, typing=typing), **request))
    return [hit.title for hit in found.hits]


@pytest.mark.parametrize(("query", "typing", "expected"), _CASES, ids=[c[0] for c in _CASES])
def test_a_query_finds_the_same_records_on_both_engines(
    catalogue: Session, query: str, typing: bool, expected: list[str]
) -> None:
    assert _titles(catalogue, query, typing=typing) == expected


def test_pages_run_on_from_the_exact_matches_into_the_rest(catalogue: Session) -> None:
    every = _titles(catalogue, "đường", typing=False)
    pages = [_titles(catalogue, "đường", typing=False, limit=2, offset=offset) for offset in (0, 2)]
    assert pages[0] + pages[1] == every
    assert _titles(catalogue, "đường", typing=False, limit=2, offset=1) == every[1:3]
    # a page within the exact matches alone (more of them than the page reaches)
    both = _titles(catalogue, "Tiếng Việt", typing=False)
    assert [_titles(catalogue, "Tiếng Việt", typing=False, limit=1, offset=o) for o in (0, 1)] == [
        both[:1],
        both[1:2],
    ]


def test_titles_sort_the_vietnamese_way(catalogue: Session) -> None:
    # d < đ, then the tones: ngang < huyền
    assert _titles(catalogue, "duong", typing=False, sort=SortOrder.TITLE) == [
        "Dương Bá Trạc tuyển tập",
        "Đương đại và truyền thống",
        "Đường Kách mệnh",
    ]
    assert _titles(catalogue, "dung", typing=False, sort=SortOrder.TITLE) == ["Dũng cảm", "Đa dạng sinh học"]


def test_facets_count_records_and_filter_them(catalogue: Session) -> None:
    found = catalogue_search.search(catalogue, SearchRequest(parse_query("viet", typing=True)))
    assert found.total == 4
    assert found.facets is not None
    assert found.facets.language == {"vie": 3, "eng": 1}
    assert found.facets.decade == {2010: 2, 2000: 1, 1960: 1}
    assert found.facets.item_type == {"book": 3}
    assert found.facets.available == 3
    assert not found.facets.capped
    english = SearchFilters(language="eng")
    assert _titles(catalogue, "viet", typing=True, filters=english) == ["Vietnamese grammar"]
    assert _titles(catalogue, "viet", typing=True, filters=SearchFilters(decade=2000)) == [
        "Ngữ pháp tiếng Việt"
    ]


def test_the_index_follows_an_edited_and_a_deleted_record(catalogue: Session) -> None:
    record = make.record(catalogue, title="Bình Ngô đại cáo", author="Nguyễn Trãi")
    catalogue.flush()
    assert _titles(catalogue, "binh ngo", typing=False) == ["Bình Ngô đại cáo"]
    record.title = "Quân trung từ mệnh tập"
    catalogue.add(record)
    catalogue.flush()
    assert _titles(catalogue, "binh ngo", typing=False) == []
    assert _titles(catalogue, "quan trung", typing=False) == ["Quân trung từ mệnh tập"]
    catalogue.execute(sa.delete(RECORD).where(RECORD.c.id == record.id))
    assert _titles(catalogue, "quan trung", typing=False) == []
    catalogue.rollback()


def test_past_a_thousand_matches_the_total_stops_and_the_exact_tier_still_comes_first(
    catalogue: Session,
) -> None:
    # The one record with the diacritics typed is the oldest of them all: the exact tier is read over every
    # match, not only the newest thousand.
    make.record(catalogue, title="Sách tham khảo về thư viện")
    filler = [
        dict.fromkeys(_FIELDS) | {"title": f"Sach tham khao {n}", "created_at": _AT, "language": "eng"}
        for n in range(1_050)
    ]
    insert_rows(catalogue, RECORD, with_derived(RECORD, filler))
    catalogue.flush()
    found = catalogue_search.search(catalogue, SearchRequest(parse_query("sách tham khảo", typing=False)))
    assert found.total_capped
    assert found.facets is not None
    assert found.facets.capped
    assert sum(found.facets.language.values()) == 1_000  # counted over the newest thousand
    assert [hit.title for hit in found.hits][:2] == ["Sách tham khảo về thư viện", "Sach tham khao 1049"]
    catalogue.rollback()
