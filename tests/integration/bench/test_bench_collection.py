"""`stacks bench collection` and the offline replay run end to end on seeded databases and report complete,
correct figures (speed is not judged here: the machine running the suite is shared and noisy)."""

from __future__ import annotations

import pytest

from tests.support.bench import bench_figures, module_figures

pytestmark = pytest.mark.slow


def test_bench_collection_reads_the_weeding_list_from_a_seeded_database() -> None:
    figures = bench_figures("collection", "--items", "2000", "--domain-items", "2000")
    database = figures["database"]
    assert database["items"] == 2000
    assert database["loans"] > 0
    assert database["records"] > 0
    assert database["candidates"] > 0
    assert figures["weeding_db_items"] == 2000
    assert figures["weeding_db_seconds"] == database["candidates_s"] > 0
    assert figures["weeding_db_peak_rss_mib"] > 0
    statistics = figures["statistics"]
    assert statistics["items"] == 2000 >= statistics["holdings"] > 0
    assert figures["statistics_db_seconds"] == statistics["statistics_s"] > 0
    assert statistics["peak_rss_mib"] > 0
    # Only a million read from the database is reported as the million.
    assert "weeding_1m_seconds" not in figures
    tick = figures["tick"]
    assert tick["items"] == figures["tick_db_items"] == 2000
    assert tick["traces"] > 0
    assert tick["changed"] > 0
    assert tick["changed_second_run"] == 0  # the tick is idempotent
    assert figures["tick_db_seconds"] == tick["tick_s"]
    assert figures["tick_db_peak_rss_mib"] > 0
    assert "tick_1m_seconds" not in figures
    assert "statistics_1m_seconds" not in figures
    assert set(figures["domain"]) >= {"candidates", "tick", "figures"}


def test_the_offline_replay_applies_every_transaction_once() -> None:
    figures = module_figures("stacks.bench.offline_replay", "--transactions", "500")
    assert figures["transactions"] == figures["applied"] == 500
    assert figures["kiosks"] == 5
    assert figures["loans_made"] == 250  # every loan a kiosk made exists as a loan…
    assert figures["loans_open"] == 0  # …and every return closed its own
    assert figures["offline_replay_10k_seconds"] == pytest.approx(
        figures["store_seconds"] + figures["apply_seconds"], abs=0.02
    )
