"""Sheet layouts: presets, cell positions, and refusing grids that do not fit the page."""

from __future__ import annotations

import tomllib

import pytest

from devices.labels.layout import PRESETS, LayoutError, SheetLayout, layout_from_mapping, preset


def test_a4_3x8_is_70_by_37_edge_to_edge() -> None:
    layout = preset("a4-3x8")
    assert (layout.columns, layout.rows, layout.label_width, layout.label_height) == (3, 8, 70.0, 37.0)
    assert layout.per_sheet == 24
    assert layout.cell_origin(0) == (0.0, 0.5)
    assert layout.cell_origin(2) == (140.0, 0.5)
    assert layout.cell_origin(3) == (0.0, 37.5)
    assert layout.cell_origin(23) == (140.0, 0.5 + 7 * 37.0)
    assert layout.cell_origin(24) == layout.cell_origin(0)  # the next sheet starts over


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_fits_on_its_page(name: str) -> None:
    layout = PRESETS[name]
    right, bottom = layout.cell_origin(layout.per_sheet - 1)
    assert right + layout.label_width <= layout.page_width + 0.05
    assert bottom + layout.label_height <= layout.page_height + 0.05


def test_custom_grid_with_margins_and_gaps() -> None:
    table = tomllib.loads(
        """
        name = "l7163"
        rows = 7
        columns = 2
        label_width = 99.1
        label_height = 38.1
        margin_top = 15.15
        margin_left = 4.65
        gap_x = 2.5
        """
    )
    layout = layout_from_mapping(table)
    assert layout.name == "l7163"
    assert layout.cell_origin(1) == pytest.approx((4.65 + 99.1 + 2.5, 15.15))
    assert layout.cell_origin(2) == pytest.approx((4.65, 15.15 + 38.1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"columns": 4}, "past the page width"),
        ({"rows": 9}, "past the page height"),
        ({"rows": 0}, "at least 1"),
        ({"label_width": -1.0}, "must be positive"),
        ({"gap_y": -0.5}, "must not be negative"),
        ({"padding": 20.0}, "no room inside"),
    ],
)
def test_impossible_layouts_are_refused(changes: dict[str, float], message: str) -> None:
    fields = {"name": "x", "rows": 8, "columns": 3, "label_width": 70.0, "label_height": 37.0} | changes
    with pytest.raises(LayoutError, match=message):
        SheetLayout(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"rows": 2, "columns": 2, "label_width": 50, "label_height": 30, "bleed": 1},
            "^bleed: unknown setting$",
        ),
        ({"rows": 2, "columns": 2, "label_width": 50}, "^label_height: is required$"),
        (
            {"rows": 2.5, "columns": 2, "label_width": 50, "label_height": 30},
            "^rows: must be an integer, got 2.5$",
        ),
        (
            {"rows": 2, "columns": 2, "label_width": "50", "label_height": 30},
            "^label_width: must be a number, got '50'$",
        ),
    ],
)
def test_bad_layout_tables_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        layout_from_mapping(table)


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(LayoutError, match="a4-3x8"):
        preset("letter-5160")
