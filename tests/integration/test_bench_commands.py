"""The benchmark commands run end to end and report complete, correct figures (their speed is not judged
here: the machine running the suite is shared and noisy)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _bench(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "stacks", "bench", *args, "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def test_bench_ingest_applies_every_event_once() -> None:
    figures = _bench("ingest", "--events", "2000")
    assert figures["lost"] == 0
    assert figures["duplicates"] == 0
    assert figures["all_confirmed"] is True
    for key in ("events_per_s", "baseline_msgs_per_s", "ratio"):
        assert figures[key] > 0


def test_bench_stocktake_stores_every_read_once_and_reports_each_figure() -> None:
    figures = _bench(
        "stocktake",
        *("--reads", "2000", "--baseline-events", "500"),
        *("--reconcile-items", "1000", "--reconcile-items", "3000"),
        *("--handheld-tags", "10"),
        *("--close-items", "2000"),
    )
    assert figures["lost"] == 0
    assert figures["duplicates"] == 0
    assert figures["all_confirmed"] is True
    for key in ("reads_per_s", "ingest_baseline_events_per_s", "ingest_baseline_ratio", "broker_reads_per_s"):
        assert figures[key] > 0
    assert figures["reads_server_cpu_s"] > 0
    assert figures["reads_bench_cpu_s"] > 0
    for size in ("1k", "3k"):
        steps = figures[f"reconcile_{size}"]
        assert steps["reads"] >= steps["items"] > 0
        assert set(steps) >= {"freeze_s", "reconcile_s", "plan_s", "report_s", "peak_rss_mib"}
    close = figures["close_2k"]
    assert close["reads"] > 0
    assert figures["close_2k_seconds"] == close["close_s"] > 0
    assert set(close) >= {"gather_s", "reconcile_s", "store_s", "peak_rss_mib"}
    # Only sizes asked for are measured: without the million, its figures are said to be missing.
    assert figures["reconcile_1m_seconds"] is None
    assert figures["reconcile_1m_peak_rss_mib"] is None
    assert figures["handheld_alerts"] == 10
    assert figures["handheld_alerts_missed"] == 0
    assert 0 < figures["handheld_alert_p50_ms"] <= figures["handheld_alert_p95_ms"]


def test_bench_kiosk_measures_both_patrons_and_the_load() -> None:
    # The replay has a test of its own (test_the_offline_replay_applies_every_transaction_once).
    figures = _bench(
        "kiosk",
        "--kiosks",
        "3",
        "--seconds",
        "3",
        "--stacks",
        "2",
        "--offline-rounds",
        "1",
        "--replay-transactions",
        "0",
    )
    assert figures["stack10"]["n"] == figures["stack10_20_kiosks"]["n"] == 2
    assert figures["signin"]["n"] == figures["signin_20_kiosks"]["n"] == 30
    assert figures["signin_p95_ms"] > 0
    assert figures["stack10_p95_ms"] > 0
    assert figures["stack10_20_kiosks_p95_ms"] > 0
    assert 0 < figures["offline_switch_s"] <= 5
    assert figures["offline_replay_10k_seconds"] is None
    assert figures["load"]["checkout"]["n"] > 0
    assert figures["load"]["timeouts"] == 0
    assert figures["patron_500_loans"]["n"] == figures["patron_no_loans"]["n"] > 0
    for key in ("checkout_p50_ms", "checkout_p95_ms", "checkout_p99_ms", "loans_ratio_p50"):
        assert figures[key] is not None


def test_bench_devices_reports_every_figure() -> None:
    figures = _bench("devices", "--seconds", "0.2")
    for key in ("frames_per_s", "tag_decodes_per_s", "inventory_cycles_per_s"):
        assert figures[key] > 0


def test_bench_printer_reports_every_model() -> None:
    figures = _bench("printer", "--seconds", "0.2")
    models = {"tm-t88", "generic-80", "generic-58"}
    for key in ("receipt_bytes", "receipt_line_s", "receipt_encode_ms", "receipts_per_s"):
        assert set(figures[key]) == models
        assert all(value > 0 for value in figures[key].values())
    # The printer with a Vietnamese code table gets text; the others get pictures of the Vietnamese lines.
    assert figures["receipt_bytes"]["tm-t88"] * 10 < figures["receipt_bytes"]["generic-58"]


def test_bench_gate_times_every_passage_against_its_baselines() -> None:
    figures = _bench("gate", "--passages", "40", "--console-passages", "3")
    assert (figures["passages"], figures["missed"], figures["alarms"]) == (40, 0, 40)
    assert figures["alarm_events_stored"] == 40
    for key in ("alarm_p50_ms", "alarm_p95_ms", "alarm_p99_ms", "pty_baseline_p99_ms"):
        assert figures[key] > 0
    assert figures["alarm_p50_ms"] <= figures["alarm_p95_ms"] <= figures["alarm_p99_ms"]
    # From the gate to a console's alarm desk, through the broker and a real server: every alarm shown.
    assert (figures["console_passages"], figures["console_missed"]) == (3, 0)
    for key in ("console_alarm_p50_ms", "console_alarm_p95_ms", "console_baseline_p95_ms"):
        assert figures[key] > 0
    assert figures["console_alarm_p50_ms"] <= figures["console_alarm_p95_ms"]


def test_bench_console_reports_the_desk_the_account_page_and_the_fan_out() -> None:
    figures = _bench("console", "--scans", "3", "--clients", "2", "--rate", "20", "--seconds", "1")
    for key in (
        "desk_checkout_p50_ms",
        "desk_checkout_p95_ms",
        "desk_checkout_0_loans_p95_ms",
        "desk_checkout_500_loans_p95_ms",
        "loans_ratio_p95",
        "account_page_p95_ms",
        "sse_fanout_p95_ms",
        "baseline_get_p95_ms",
    ):
        assert figures[key] > 0, key
    desk = figures["desk"]
    assert desk["desk_checkout"]["n"] == desk["desk_checkout_500_loans"]["n"] == 3
    assert desk["account_page_500_loans"]["n"] == 3
    fanout = figures["fanout"]
    assert (fanout["clients"], fanout["events"], fanout["not_shown"]) == (2, 20, 0)
    assert fanout["latency_from_received"]["n"] == 2 * 20
    assert figures["sse_memory_per_client_kib"] == fanout["rss_per_client_kib"]


def test_bench_collection_reads_the_weeding_list_from_a_seeded_database() -> None:
    figures = _bench("collection", "--items", "2000", "--domain-items", "2000")
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
    result = subprocess.run(
        [sys.executable, "-m", "stacks.bench.offline_replay", "--transactions", "500", "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["transactions"] == figures["applied"] == 500
    assert figures["kiosks"] == 5
    assert figures["loans_made"] == 250  # every loan a kiosk made exists as a loan…
    assert figures["loans_open"] == 0  # …and every return closed its own
    assert figures["offline_replay_10k_seconds"] == pytest.approx(
        figures["store_seconds"] + figures["apply_seconds"], abs=0.02
    )
