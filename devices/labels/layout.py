"""Where labels sit on a sheet: a grid of equal cells, every length in millimetres from the top-left corner.

Layouts are data. The presets cover the common A4 label sheets; any other sheet is described by the same
fields in a TOML file (see docs/barcodes.md) and checked here before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contract.config_files import ConfigModel
from devices.config import load_section, validate
from devices.errors import BarcodeError

A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0
# Sheets are cut with some tolerance; a grid may overrun the page by this much without being refused.
_TOLERANCE_MM = 0.05


class LayoutError(BarcodeError):
    """A sheet layout is impossible (cells off the page, overlapping) or cannot be read."""


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """A label sheet: page size, grid, label size, outer margins, gaps between labels and inner padding."""

    name: str
    rows: int
    columns: int
    label_width: float
    label_height: float
    margin_top: float = 0.0
    margin_left: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0
    page_width: float = A4_WIDTH_MM
    page_height: float = A4_HEIGHT_MM
    # Blank border inside each label: keeps print away from die-cut edges and the printer's unprintable rim.
    padding: float = 3.0

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise LayoutError(f"layout {self.name!r}: " + "; ".join(problems))

    @property
    def per_sheet(self) -> int:
        return self.rows * self.columns

    def cell_origin(self, position: int) -> tuple[float, float]:
        """Top-left corner (x, y) of the cell at `position` (0-based, row by row) on its sheet."""
        row, column = divmod(position % self.per_sheet, self.columns)
        return (
            self.margin_left + column * (self.label_width + self.gap_x),
            self.margin_top + row * (self.label_height + self.gap_y),
        )


def _problems(layout: SheetLayout) -> list[str]:
    problems: list[str] = []
    if layout.rows < 1 or layout.columns < 1:
        problems.append("rows and columns must be at least 1")
    for name in ("label_width", "label_height", "page_width", "page_height"):
        if getattr(layout, name) <= 0:
            problems.append(f"{name} must be positive")
    for name in ("margin_top", "margin_left", "gap_x", "gap_y", "padding"):
        if getattr(layout, name) < 0:
            problems.append(f"{name} must not be negative")
    if problems:
        return problems
    right = layout.margin_left + layout.columns * layout.label_width + (layout.columns - 1) * layout.gap_x
    bottom = layout.margin_top + layout.rows * layout.label_height + (layout.rows - 1) * layout.gap_y
    if right > layout.page_width + _TOLERANCE_MM:
        problems.append(f"the columns end at {right:.2f} mm, past the page width {layout.page_width} mm")
    if bottom > layout.page_height + _TOLERANCE_MM:
        problems.append(f"the rows end at {bottom:.2f} mm, past the page height {layout.page_height} mm")
    if 2 * layout.padding >= min(layout.label_width, layout.label_height):
        problems.append("the padding leaves no room inside the label")
    return problems


PRESETS: dict[str, SheetLayout] = {
    # 24 labels of 70 × 37 mm edge to edge (the Avery Zweckform 3474 family and its equivalents).
    "a4-3x8": SheetLayout(
        name="a4-3x8", rows=8, columns=3, label_width=70.0, label_height=37.0, margin_top=0.5
    ),
    # 21 labels of 70 × 42.3 mm edge to edge.
    "a4-3x7": SheetLayout(
        name="a4-3x7", rows=7, columns=3, label_width=70.0, label_height=42.3, margin_top=0.45
    ),
    # 10 cards of ID-1 size (85.6 × 54 mm, as bank cards) to print on card stock and cut out.
    "a4-cards-2x5": SheetLayout(
        name="a4-cards-2x5",
        rows=5,
        columns=2,
        label_width=85.6,
        label_height=54.0,
        margin_top=7.5,
        margin_left=16.9,
        gap_x=5.0,
        gap_y=3.0,
        padding=4.0,
    ),
}

DEFAULT_LAYOUT = "a4-3x8"


def preset(name: str) -> SheetLayout:
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise LayoutError(f"unknown layout {name!r}; known layouts: {known}") from None


def load_layout(path: Path) -> SheetLayout:
    """Reads a layout from a TOML file whose `[layout]` table has the `SheetLayout` fields (millimetres)."""
    return load_section(path, "layout", _LayoutTable, LayoutError, sections=("layout",)).layout(path.stem)


def layout_from_mapping(table: Mapping[str, object], default_name: str = "custom") -> SheetLayout:
    return validate(_LayoutTable, table, LayoutError).layout(default_name)


class _LayoutTable(ConfigModel):
    """A `[layout]` table: the grid and label size are required; what it leaves out keeps the defaults of
    `SheetLayout`."""

    name: str | None = None
    rows: int
    columns: int
    label_width: float
    label_height: float
    margin_top: float | None = None
    margin_left: float | None = None
    gap_x: float | None = None
    gap_y: float | None = None
    page_width: float | None = None
    page_height: float | None = None
    padding: float | None = None

    def layout(self, default_name: str) -> SheetLayout:
        return SheetLayout(**(self.model_dump(exclude_none=True) | {"name": self.name or default_name}))
