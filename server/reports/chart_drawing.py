"""A bar chart of server/console/charts.py drawn as vector graphics for a PDF (reportlab.graphics): the same
layout the console draws as SVG, so the printed chart and the page's agree bar for bar. SVG's y grows
downwards and a PDF's upwards, so every y is turned over."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors

from server.console.charts import BarChart
from web import Language
from web.formatting import number

FILLS = (colors.HexColor("#1b5a91"), colors.HexColor("#8cc4a2"))  # the console's accent, and a light green
EDGES = (colors.HexColor("#1b5a91"), colors.HexColor("#1c6b3c"))
TEXT = colors.HexColor("#4a5868")
GRID = colors.HexColor("#d3dae2")
LEGEND = 18.0  # room under the chart for the legend


def drawing(chart: BarChart, names: Sequence[str], font: str, width: float, lang: Language) -> Drawing:
    """The chart scaled to `width` points, its legend (one entry per series) under it."""
    scale = width / chart.width
    art = Group()
    flip = chart.height

    def y(value: float) -> float:
        return flip - value + LEGEND

    for tick in chart.ticks:
        art.add(Line(chart.left, y(tick.y), chart.right, y(tick.y), strokeColor=GRID, strokeWidth=0.6))
        art.add(String(chart.left - 5, y(tick.y) - 3.5, number(tick.value, lang), fontName=font, fontSize=10,
                       fillColor=TEXT, textAnchor="end"))  # fmt: skip
    for bar in chart.bars:
        if bar.height <= 0:
            continue
        series = min(bar.series, len(FILLS) - 1)
        art.add(_box(bar.x, y(bar.y + bar.height), bar.width, bar.height, series))
    art.add(
        Line(chart.left, y(chart.bottom), chart.right, y(chart.bottom), strokeColor=TEXT, strokeWidth=0.8)
    )
    for label in chart.labels:
        art.add(String(label.x, y(chart.bottom) - 14, label.text, fontName=font, fontSize=10, fillColor=TEXT,
                       textAnchor="middle"))  # fmt: skip
    for index, name in enumerate(names):
        x = chart.left + index * 220
        series = min(index, len(FILLS) - 1)
        art.add(_box(x, 2, 16, 10, series))
        art.add(String(x + 22, 3, name, fontName=font, fontSize=10, fillColor=colors.black))
    art.scale(scale, scale)
    picture = Drawing(width, (chart.height + LEGEND) * scale)
    picture.add(art)
    return picture


def _box(x: float, y: float, width: float, height: float, series: int) -> Rect:
    box = Rect(x, y, width, height)
    box.fillColor, box.strokeColor, box.strokeWidth = FILLS[series], EDGES[series], 0.5
    return box
