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


def test_bench_kiosk_measures_both_patrons_and_the_load() -> None:
    figures = _bench("kiosk", "--kiosks", "3", "--seconds", "3")
    assert figures["load"]["checkout"]["n"] > 0
    assert figures["load"]["timeouts"] == 0
    assert figures["patron_500_loans"]["n"] == figures["patron_no_loans"]["n"] > 0
    for key in ("checkout_p50_ms", "checkout_p95_ms", "checkout_p99_ms", "loans_ratio_p50"):
        assert figures[key] is not None


def test_bench_devices_reports_every_figure() -> None:
    figures = _bench("devices", "--seconds", "0.2")
    for key in ("frames_per_s", "tag_decodes_per_s", "inventory_cycles_per_s"):
        assert figures[key] > 0


def test_bench_gate_times_every_passage_against_the_pty_baseline() -> None:
    figures = _bench("gate", "--passages", "40")
    assert (figures["passages"], figures["missed"], figures["alarms"]) == (40, 0, 40)
    assert figures["alarm_events_stored"] == 40
    for key in ("alarm_p50_ms", "alarm_p95_ms", "alarm_p99_ms", "pty_baseline_p99_ms"):
        assert figures[key] > 0
    assert figures["alarm_p50_ms"] <= figures["alarm_p95_ms"] <= figures["alarm_p99_ms"]
