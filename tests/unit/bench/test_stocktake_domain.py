"""The stock-take domain benchmark, small: it runs, and reconciliation finds what it planted."""

from __future__ import annotations

import pytest

from stacks.bench.stocktake_domain import main, run


def test_the_benchmark_finds_what_it_planted() -> None:
    figures = run(4_000, seed=3)
    assert figures["items"] == 4_000
    assert figures["reads"] >= 3_000
    assert figures["missing"] == figures["planted_missing"] > 0
    assert figures["lent_before_sweep"] == figures["planted_lent_before_sweep"] > 0
    assert figures["on_loan_on_shelf"] == figures["planted_on_loan_on_shelf"] > 0
    # Every book planted far from its place is flagged; a few more stand four or more places off by jitter.
    assert figures["planted_displaced"] <= figures["out_of_order"] <= figures["planted_displaced"] * 1.1
    assert figures["actions"] >= figures["missing"] + figures["on_loan_on_shelf"]
    for step in ("freeze_s", "reconcile_s", "plan_s", "report_s"):
        assert figures[step] >= 0


def test_the_benchmark_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--items", "500", "--json"])
    assert capsys.readouterr().out.startswith('{"items": 500,')
