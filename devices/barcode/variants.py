"""Preparations of a picture that give zbar another chance: inverted, contrast-stretched, enlarged, turned.

Each variant remembers how its pixel coordinates map back to the source picture, so a symbol found in an
enlarged or turned copy is still reported where it is in the picture the user gave.
Variants are produced lazily, cheapest and most likely first, so decoding stops as soon as one works.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageOps

# zbar needs about two pixels per bar; below this many pixels on the short side an enlarged copy is tried.
SMALL_SIDE_PX = 600
UPSCALE_FACTOR = 3
# Very large photos are also tried shrunk: the sensor noise averages out and zbar runs faster.
LARGE_SIDE_PX = 2500
SHRUNK_SIDE_PX = 1600
# zbar scans rows and columns, so linear symbols tilted around 45° are missed; a 45° turn brings both
# diagonals (45° and 135°) back to an axis. QR Code is found at any angle already.
DIAGONAL_DEGREES = 45.0
# White for the corners uncovered by a turn, so the turn adds no dark edge that could look like a bar.
_FILL_WHITE = 255


@dataclass(frozen=True, slots=True)
class Affine:
    """Maps variant coordinates (x, y) to source coordinates: (a·x + b·y + c, d·x + e·y + f)."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0
    e: float = 1.0
    f: float = 0.0

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return (self.a * x + self.b * y + self.c, self.d * x + self.e * y + self.f)

    def then(self, outer: Affine) -> Affine:
        """The mapping that applies `self` first and `outer` to its result."""
        return Affine(
            a=outer.a * self.a + outer.b * self.d,
            b=outer.a * self.b + outer.b * self.e,
            c=outer.a * self.c + outer.b * self.f + outer.c,
            d=outer.d * self.a + outer.e * self.d,
            e=outer.d * self.b + outer.e * self.e,
            f=outer.d * self.c + outer.e * self.f + outer.f,
        )


IDENTITY = Affine()


@dataclass(frozen=True, slots=True)
class Variant:
    """A greyscale picture to run zbar on, its name, and how to map its coordinates back."""

    name: str
    image: Image.Image
    to_source: Affine


def scaled(image: Image.Image, factor: float) -> tuple[Image.Image, Affine]:
    """The picture resized by `factor` (Lanczos, which keeps bar edges sharpest when enlarging)."""
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    resized = image.resize(size, Image.Resampling.LANCZOS)
    return resized, Affine(a=image.width / size[0], e=image.height / size[1])


def rotated(image: Image.Image, degrees: float) -> tuple[Image.Image, Affine]:
    """The picture turned counter-clockwise by `degrees`, enlarged to keep every corner."""
    turned = image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_FILL_WHITE)
    radians = math.radians(degrees)
    cos, sin = math.cos(radians), math.sin(radians)
    # Undo the turn about the centre of the turned picture, then move to the centre of the source.
    centre_x, centre_y = turned.width / 2, turned.height / 2
    return turned, Affine(
        a=cos,
        b=-sin,
        c=-cos * centre_x + sin * centre_y + image.width / 2,
        d=sin,
        e=cos,
        f=-sin * centre_x - cos * centre_y + image.height / 2,
    )


def variants(grey: Image.Image) -> Iterator[Variant]:
    """Yields the preparations of a greyscale picture in the order worth trying."""
    yield Variant("original", grey, IDENTITY)
    inverted = ImageOps.invert(grey)
    # Phone screens in dark mode show light bars on a dark background, which zbar does not read.
    yield Variant("inverted", inverted, IDENTITY)
    yield Variant("contrast", ImageOps.autocontrast(grey, cutoff=2), IDENTITY)
    if min(grey.size) < SMALL_SIDE_PX:
        factor = min(UPSCALE_FACTOR, LARGE_SIDE_PX / max(grey.size))
        if factor > 1:
            enlarged, to_source = scaled(grey, factor)
            yield Variant("enlarged", enlarged, to_source)
            yield Variant("enlarged+inverted", ImageOps.invert(enlarged), to_source)
    # The costlier preparations work on a shrunk copy of a very large photo: a symbol that needs them is
    # rarely one whose bars only the full resolution separates.
    base, base_to_source = grey, IDENTITY
    if max(grey.size) > LARGE_SIDE_PX:
        base, base_to_source = scaled(grey, SHRUNK_SIDE_PX / max(grey.size))
        yield Variant("shrunk", base, base_to_source)
    yield Variant("binarised", _binarised(base), base_to_source)
    turned, to_base = rotated(base, DIAGONAL_DEGREES)
    yield Variant("turned", turned, to_base.then(base_to_source))
    turned_inverted, to_base = rotated(ImageOps.invert(base), DIAGONAL_DEGREES)
    yield Variant("turned+inverted", turned_inverted, to_base.then(base_to_source))


def _binarised(grey: Image.Image) -> Image.Image:
    """Black and white at the mid-grey of the stretched histogram: helps on glare and uneven light."""
    stretched = ImageOps.autocontrast(grey, cutoff=5)
    return stretched.point(lambda level: 255 if level >= 128 else 0)
