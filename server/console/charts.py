"""Bar charts drawn on the server as SVG, pure: where each bar, axis tick and label goes.

The console's reports (footfall per hour and per day, alarms per day) draw with no chart library and no
script: `bar_chart` lays the bars out in a fixed coordinate space (the SVG's viewBox, scaled by the browser
to the page's width), and `console/gate/chart.html` draws them. A chart is a picture of numbers that a
table next to it gives in full, so it is hidden from assistive technology; its series differ in pattern
as well as colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 720.0, 240.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 8.0, 12.0, 28.0  # room for the value axis and the labels below
MOST_LABELS = 16  # more groups than this: only every n-th is labelled, so labels never overlap
GAP = 0.25  # the share of a group's width left empty between groups


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # which series: its colour and pattern


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True, slots=True)
class Label:
    x: float  # the middle of its group
    text: str


@dataclass(frozen=True, slots=True)
class BarChart:
    width: float
    height: float
    left: float  # the plot's edges: the axis line is drawn at `bottom`
    right: float
    top: float
    bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]


def nice_step(most: int, steps: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) with which about `steps` ticks reach `most`."""
    if most <= steps:
        return 1
    raw = most / steps
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def bar_chart(groups: Sequence[str], series: Sequence[Sequence[int]]) -> BarChart:
    """Grouped bars: one group per label in `groups` (a day, an hour), in it one bar per series (people in,
    people out), `series[s][g]` high. The value axis starts at 0 and ends on a round tick."""
    if any(len(values) != len(groups) for values in series):
        raise ValueError("every series has one value per group")
    if any(v < 0 for values in series for v in values):
        raise ValueError("bar charts here count things: no negative values")
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    most = max((v for values in series for v in values), default=0)
    step = nice_step(most)
    top_value = max(step, math.ceil(most / step) * step)
    scale = (bottom - TOP) / top_value
    group_width = (right - LEFT) / max(len(groups), 1)
    bar_width = group_width * (1 - GAP) / max(len(series), 1)
    bars = []
    for g in range(len(groups)):
        start = LEFT + g * group_width + group_width * GAP / 2
        for s, values in enumerate(series):
            height = values[g] * scale
            bars.append(
                Bar(
                    round(start + s * bar_width, 2),
                    round(bottom - height, 2),
                    round(bar_width, 2),
                    round(height, 2),
                    s,
                )
            )
    every = math.ceil(len(groups) / MOST_LABELS) if groups else 1
    labels = tuple(
        Label(round(LEFT + (g + 0.5) * group_width, 2), text)
        for g, text in enumerate(groups)
        if g % every == 0
    )
    ticks = tuple(Tick(round(bottom - v * scale, 2), v) for v in range(0, top_value + 1, step))
    return BarChart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, tuple(bars), ticks, labels)
