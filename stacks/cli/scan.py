"""`stacks scan IMAGE` — what barcodes a picture (PNG, JPEG, …) holds: labels, patron cards, phone screens.

Exit status: 0 something was found, 1 nothing was found, 2 the input is not a readable picture,
3 the decoder is not installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from devices.barcode.image import ImageScanResult

EXIT_NOTHING_FOUND = 1
EXIT_NOT_AN_IMAGE = 2
EXIT_DECODER_MISSING = 3


def scan(
    image: Annotated[str, typer.Argument(help="Picture file to read, or - for standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")] = False,
) -> None:
    """Print the barcodes (Code 128, Code 39, EAN-13, QR, …) found in a picture."""
    from devices.barcode.image import ImageScanStatus, decode_image
    from devices.errors import BarcodeError

    try:
        data = sys.stdin.buffer.read() if image == "-" else Path(image).read_bytes()
    except OSError as exc:
        _fail(as_json, image, f"cannot read {image}: {exc.strerror or exc}", EXIT_NOT_AN_IMAGE)
    try:
        result = decode_image(data)
    except BarcodeError as exc:
        _fail(as_json, image, str(exc), EXIT_DECODER_MISSING)
    if as_json:
        print(json.dumps(result_json(image, result), ensure_ascii=False))
    else:
        _print_text(image, result)
    if result.status is ImageScanStatus.NOTHING_FOUND:
        raise typer.Exit(EXIT_NOTHING_FOUND)
    if result.status is ImageScanStatus.NOT_AN_IMAGE:
        raise typer.Exit(EXIT_NOT_AN_IMAGE)


def result_json(source: str, result: ImageScanResult) -> dict[str, Any]:
    return {
        "file": source,
        "status": result.status.value,
        "detail": result.detail,
        "width": result.width,
        "height": result.height,
        "symbols": [
            {
                "value": symbol.value,
                "symbology": symbol.symbology.value,
                "rect": {
                    "left": symbol.rect.left,
                    "top": symbol.rect.top,
                    "width": symbol.rect.width,
                    "height": symbol.rect.height,
                },
                "polygon": [list(point) for point in symbol.polygon],
                "variant": symbol.variant,
            }
            for symbol in result.symbols
        ],
    }


def _print_text(source: str, result: ImageScanResult) -> None:
    from devices.barcode.image import ImageScanStatus

    if result.status is ImageScanStatus.FOUND:
        for symbol in result.symbols:
            rect = symbol.rect
            where = f"at {rect.left},{rect.top} {rect.width}×{rect.height}"
            print(f"{symbol.symbology.value}\t{symbol.value}\t{where}")
        return
    label = "no barcode found" if result.status is ImageScanStatus.NOTHING_FOUND else "not an image"
    print(f"{source}: {label}: {result.detail}", file=sys.stderr)


def _fail(as_json: bool, source: str, message: str, code: int) -> NoReturn:
    if as_json:
        print(
            json.dumps(
                {"file": source, "status": "error", "detail": message, "symbols": []}, ensure_ascii=False
            )
        )
    else:
        print(f"{source}: {message}", file=sys.stderr)
    raise typer.Exit(code)


def register(root: typer.Typer) -> None:
    """Adds the `scan` command to the root application."""
    root.command("scan")(scan)
