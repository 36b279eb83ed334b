"""The collection benchmark's pure phases run on a small synthetic collection and report their figures.

Figures are printed by the benchmark, never asserted on; this checks the benchmark measures what it says.
"""

from __future__ import annotations

import pytest

from server.domain.lifecycle.trace import Whereabouts
from server.domain.weeding.candidates import weeding_candidates
from stacks.bench.collection_domain import (
    PHASES,
    TODAY,
    run_phase,
    synthetic_records,
    synthetic_traces,
    weeding_settings,
)


@pytest.mark.parametrize("phase", PHASES)
def test_each_phase_reports_its_figures(phase: str) -> None:
    figures = run_phase(phase, items=3000)
    assert figures["total_s"] >= figures["domain_s"] >= 0
    assert figures["peak_rss_mib"] > 0
    assert figures["target_s"] > 0


def test_the_synthetic_collection_is_the_size_asked_and_deterministic() -> None:
    records = list(synthetic_records(5000))
    assert sum(len(r.items) for r in records) == 5000
    assert records == list(synthetic_records(5000))
    outcomes = list(weeding_candidates(records, weeding_settings(), TODAY))
    assert 0 < len(outcomes) < 3500  # some copies are proposed or spared, not all


def test_the_tick_sees_the_share_of_gone_items_asked() -> None:
    traces = list(synthetic_traces(10_000, gone_share=0.1))
    gone = sum(t.whereabouts is not Whereabouts.PRESENT for t in traces)
    assert 800 < gone < 1200
