"""Reading barcodes from pictures: item labels, patron cards and phone screens, as PNG or JPEG bytes.

`decode_image` never raises for bad input: it answers with a result whose status says what happened
(`found`, `nothing_found`, `not_an_image`). Only a missing zbar library raises (`ZbarMissingError`), because
that is a broken installation rather than a bad picture.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError

from devices.barcode import zbar
from devices.barcode.symbology import Symbology, from_zbar
from devices.barcode.variants import Affine, variants

# Pictures above this many pixels are refused rather than decoded: a phone photo is about 12-50 million.
MAX_PIXELS = 80_000_000


class ImageScanStatus(StrEnum):
    FOUND = "found"
    NOTHING_FOUND = "nothing_found"
    NOT_AN_IMAGE = "not_an_image"


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned box in source-picture pixels (left and top inclusive)."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class FoundSymbol:
    """One barcode read from the picture."""

    value: str
    symbology: Symbology
    rect: Rect
    polygon: tuple[tuple[int, int], ...]
    # Which preparation of the picture made it readable ("original", "inverted", "turned", …).
    variant: str


@dataclass(frozen=True, slots=True)
class ImageScanResult:
    status: ImageScanStatus
    symbols: tuple[FoundSymbol, ...] = ()
    # Human-readable explanation: the decoder's reason for not_an_image, what was tried for nothing_found.
    detail: str = ""
    width: int = 0
    height: int = 0
    variants_tried: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return self.status is ImageScanStatus.FOUND


def decode_image(data: bytes) -> ImageScanResult:
    """Finds every barcode in a picture given as encoded bytes (PNG, JPEG, or anything Pillow reads)."""
    zbar.ensure_available()
    grey_or_reason = _load_greyscale(data)
    if isinstance(grey_or_reason, str):
        return ImageScanResult(status=ImageScanStatus.NOT_AN_IMAGE, detail=grey_or_reason)
    grey = grey_or_reason
    tried: list[str] = []
    for variant in variants(grey):
        tried.append(variant.name)
        found = _symbols_in(variant.image, variant.to_source, variant.name, grey.size)
        if found:
            return ImageScanResult(
                status=ImageScanStatus.FOUND,
                symbols=found,
                detail=f"read from the {variant.name} picture",
                width=grey.width,
                height=grey.height,
                variants_tried=tuple(tried),
            )
    return ImageScanResult(
        status=ImageScanStatus.NOTHING_FOUND,
        detail=f"no barcode found in the {grey.width}×{grey.height} picture (tried: {', '.join(tried)})",
        width=grey.width,
        height=grey.height,
        variants_tried=tuple(tried),
    )


def _load_greyscale(data: bytes) -> Image.Image | str:
    """The picture in greyscale, upright as the camera meant it; or why it cannot be read."""
    if not data:
        return "empty input: no bytes to read"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.width * picture.height > MAX_PIXELS:
                return f"picture too large: {picture.width}×{picture.height} pixels (limit {MAX_PIXELS})"
            picture.load()
    except UnidentifiedImageError:
        return "not an image: the bytes are in no picture format Pillow recognises"
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        # Truncated or corrupt files surface as OSError/SyntaxError/ValueError from the format plugins.
        return f"unreadable picture: {exc}"
    upright = ImageOps.exif_transpose(picture)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        # Transparent pixels would turn black in greyscale; a transparent QR code PNG would vanish.
        rgba = upright.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        upright = Image.alpha_composite(backdrop, rgba)
    return upright.convert("L")


def _symbols_in(
    image: Image.Image, to_source: Affine, variant: str, source_size: tuple[int, int]
) -> tuple[FoundSymbol, ...]:
    seen: set[tuple[str, Symbology, Rect]] = set()
    found: list[FoundSymbol] = []
    for symbol in zbar.scan(image):
        polygon = tuple(_clamped(to_source.apply(x, y), source_size) for x, y in symbol.polygon)
        rect = _bounding(polygon)
        value = _text(symbol.data)
        symbology = from_zbar(symbol.type_name)
        if (value, symbology, rect) in seen:
            continue
        seen.add((value, symbology, rect))
        found.append(FoundSymbol(value, symbology, rect, polygon, variant))
    # Reading order: top to bottom, then left to right, whatever order zbar found them in.
    return tuple(sorted(found, key=lambda symbol: (symbol.rect.top, symbol.rect.left)))


def _text(data: bytes) -> str:
    # zbar hands over QR Code text converted to UTF-8; linear symbologies carry ASCII (Latin-1 at most).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _clamped(point: tuple[float, float], size: tuple[int, int]) -> tuple[int, int]:
    x, y = point
    return (min(max(round(x), 0), size[0] - 1), min(max(round(y), 0), size[1] - 1))


def _bounding(polygon: tuple[tuple[int, int], ...]) -> Rect:
    if not polygon:
        return Rect(0, 0, 0, 0)
    xs = [x for x, _ in polygon]
    ys = [y for _, y in polygon]
    return Rect(left=min(xs), top=min(ys), width=max(xs) - min(xs) + 1, height=max(ys) - min(ys) + 1)
