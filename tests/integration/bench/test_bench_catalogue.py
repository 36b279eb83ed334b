"""`stacks bench catalogue` runs end to end — a MARC 21 import into SQLite, the catalogue search on SQLite and
on a throwaway PostgreSQL — and reports complete figures (speed is not judged here: the machine running the
suite is shared and noisy)."""

from __future__ import annotations

import pytest

from tests.support.bench import bench_figures

pytestmark = pytest.mark.slow


def test_bench_catalogue_imports_every_record_and_searches_both_engines() -> None:
    figures = bench_figures("catalogue", "--marc-records", "300", "--search-records", "2000", "--rounds", "1")
    assert figures["marc_records"] == 300
    assert figures["marc_rejected"] == 0
    assert figures["marc_copies"] >= 300
    assert figures["marc_records_per_s"] > 0
    assert figures["baseline_pymarc_records_per_s"] > 0
    assert figures["marc_peak_rss_mib"] > 0
    assert "marc_100k_peak_rss_mib" not in figures  # only an import of 100,000 records is reported as one
    assert figures["records"] == 2000
    for engine in ("sqlite", "postgresql"):
        assert 0 < figures[f"search_p50_ms_{engine}"] <= figures[f"search_p95_ms_{engine}"]
        assert figures[f"baseline_like_p95_ms_{engine}"] > 0
