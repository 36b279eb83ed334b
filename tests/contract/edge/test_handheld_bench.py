"""The handheld's alert bench: tags put into the simulated wand's field on a pty, the network down, each
alert found in the agent's stream and timed."""

from __future__ import annotations

from pathlib import Path

from stacks.bench.handheld import measure_handheld_alerts


def test_every_tag_alerts_and_the_figures_are_reported(tmp_path: Path) -> None:
    figures = measure_handheld_alerts(12, directory=tmp_path)
    assert (figures["handheld_alerts"], figures["handheld_alerts_missed"]) == (12, 0)
    p50, p95, most = (figures[f"handheld_alert_{name}_ms"] for name in ("p50", "p95", "max"))
    assert 0 < p50 <= p95 <= most
    assert figures["handheld_alert_target_p95_ms"] == 200.0
