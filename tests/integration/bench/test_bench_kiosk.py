"""`stacks bench kiosk` runs end to end and reports complete figures (speed is not judged here: the
machine running the suite is shared and noisy). Its own file, so the suite's workers run it beside the other
benches rather than after them."""

from __future__ import annotations

import pytest

from tests.support.bench import bench_figures

pytestmark = pytest.mark.slow


def test_bench_kiosk_measures_both_patrons_and_the_load() -> None:
    # The replay has a test of its own (test_the_offline_replay_applies_every_transaction_once).
    figures = bench_figures(
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
