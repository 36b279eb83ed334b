"""`stacks bench gate` and `stacks bench console` run end to end and report complete figures (speed is not
judged here: the machine running the suite is shared and noisy)."""

from __future__ import annotations

import pytest

from tests.support.bench import bench_figures

pytestmark = pytest.mark.slow


def test_bench_gate_times_every_passage_against_its_baselines() -> None:
    figures = bench_figures("gate", "--passages", "40", "--console-passages", "3")
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
    figures = bench_figures("console", "--scans", "3", "--clients", "2", "--rate", "20", "--seconds", "1")
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
