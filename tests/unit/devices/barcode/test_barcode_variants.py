"""Picture preparations: the order they are tried in, and mapping coordinates back to the source."""

from __future__ import annotations

import pytest
from PIL import Image

from devices.barcode.variants import Affine, rotated, scaled, variants


def _marked(width: int, height: int, mark: tuple[int, int]) -> Image.Image:
    image = Image.new("L", (width, height), 255)
    image.putpixel(mark, 0)
    return image


def _darkest(image: Image.Image) -> tuple[int, int]:
    pixels = image.load()
    assert pixels is not None
    return min(
        ((x, y) for y in range(image.height) for x in range(image.width)),
        key=lambda point: pixels[point],
    )


@pytest.mark.parametrize("degrees", [90.0, 180.0, 270.0, 45.0, -30.0])
def test_turned_coordinates_map_back_to_the_source(degrees: float) -> None:
    mark = (30, 12)
    source = _marked(80, 50, mark)
    turned, to_source = rotated(source, degrees)
    x, y = to_source.apply(*_darkest(turned))
    assert x == pytest.approx(mark[0], abs=1.5)
    assert y == pytest.approx(mark[1], abs=1.5)


def test_scaled_coordinates_map_back_to_the_source() -> None:
    enlarged, to_source = scaled(Image.new("L", (100, 40)), 3)
    assert enlarged.size == (300, 120)
    assert to_source.apply(150, 60) == pytest.approx((50, 20))


def test_affine_composition_applies_inner_first() -> None:
    double = Affine(a=2, e=2)
    shift = Affine(c=5, f=-1)
    assert double.then(shift).apply(1, 1) == (7, 1)
    assert shift.then(double).apply(1, 1) == (12, 0)


def test_cheap_variants_come_first_and_small_pictures_are_enlarged() -> None:
    names = [variant.name for variant in variants(Image.new("L", (200, 100), 255))]
    assert names[:3] == ["original", "inverted", "contrast"]
    assert "enlarged" in names
    assert "shrunk" not in names
    assert names[-2:] == ["turned", "turned+inverted"]


def test_large_pictures_are_also_tried_shrunk_not_enlarged() -> None:
    names = [variant.name for variant in variants(Image.new("L", (3000, 2000), 255))]
    assert "shrunk" in names
    assert "enlarged" not in names
