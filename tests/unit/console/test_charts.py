"""The server-drawn bar charts: bars in proportion on a round axis, every group placed, labels thinned."""

from __future__ import annotations

import pytest

from server.console.charts import HEIGHT, LEFT, MOST_LABELS, TOP, WIDTH, bar_chart, nice_step


@pytest.mark.parametrize(
    ("most", "step"), [(0, 1), (3, 1), (4, 1), (9, 5), (17, 5), (40, 10), (120, 50), (999, 500), (1000, 500)]
)
def test_the_value_axis_steps_are_round(most: int, step: int) -> None:
    assert nice_step(most) == step


def test_bars_are_in_proportion_and_the_axis_reaches_past_the_most() -> None:
    chart = bar_chart(["a", "b", "c"], [[10, 0, 35], [5, 20, 0]])
    assert [t.value for t in chart.ticks] == [0, 10, 20, 30, 40]
    assert chart.ticks[-1].y == TOP
    assert chart.ticks[0].y == chart.bottom
    assert len(chart.bars) == 6
    by_value = sorted(b.height for b in chart.bars)
    assert by_value[0] == by_value[1] == 0
    thirty_five = max(b.height for b in chart.bars)
    ten = next(b.height for b in chart.bars if b.series == 0)
    assert thirty_five / ten == pytest.approx(3.5, rel=1e-3)
    assert all(b.x >= LEFT and b.x + b.width <= chart.right for b in chart.bars)
    assert all(b.y + b.height == pytest.approx(chart.bottom) for b in chart.bars)
    assert (chart.width, chart.height) == (WIDTH, HEIGHT)


def test_labels_never_crowd() -> None:
    hours = [f"{h:02d}" for h in range(24)]
    chart = bar_chart(hours, [[1] * 24])
    assert len(chart.labels) <= MOST_LABELS
    assert [label.text for label in chart.labels][:3] == ["00", "02", "04"]
    assert [label.text for label in bar_chart(hours[:7], [[0] * 7]).labels] == hours[:7]


def test_an_empty_chart_still_has_an_axis() -> None:
    chart = bar_chart([], [[]])
    assert chart.bars == ()
    assert [t.value for t in chart.ticks] == [0, 1]


def test_series_of_the_wrong_length_or_negative_are_refused() -> None:
    with pytest.raises(ValueError, match="one value per group"):
        bar_chart(["a", "b"], [[1]])
    with pytest.raises(ValueError, match="no negative"):
        bar_chart(["a"], [[-1]])
