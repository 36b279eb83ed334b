"""Pictures of barcodes for decoding tests, made with python-barcode (linear) and segno (QR)."""

from __future__ import annotations

import io

import barcode
import segno
from barcode.writer import ImageWriter
from PIL import Image


def linear(kind: str, value: str, **options: object) -> Image.Image:
    """A python-barcode symbol as a PIL image (kind: code128, code39, ean13)."""
    buffer = io.BytesIO()
    # Code 39 without the optional check character, as library labels print it.
    extra = {"add_checksum": False} if kind == "code39" else None
    symbol = barcode.get(kind, value, writer=ImageWriter(), options=extra)
    symbol.write(buffer, options={"write_text": False, **options})
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def qr(value: str, scale: int = 6, dark: str = "black", light: str | None = "white") -> Image.Image:
    buffer = io.BytesIO()
    segno.make_qr(value, error="m").save(buffer, kind="png", scale=scale, border=4, dark=dark, light=light)
    return Image.open(io.BytesIO(buffer.getvalue()))


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def on_canvas(
    parts: list[tuple[Image.Image, tuple[int, int]]], size: tuple[int, int], colour: str = "white"
) -> Image.Image:
    canvas = Image.new("RGB", size, colour)
    for part, position in parts:
        canvas.paste(part.convert("RGB"), position)
    return canvas
