"""The zbar decoder behind a small typed surface, with a clear error when the system library is missing.

pyzbar loads `libzbar.so.0` when it is imported; on a machine without it the import fails with a bare
`ImportError`. This module remembers that and raises, at the first decode, a `BarcodeError` that says which
package to install (importing this module never fails).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from PIL import Image

from devices.errors import BarcodeError

INSTALL_HINT = "install the zbar library: `apt-get install libzbar0` on Debian/Ubuntu (`make` does this)"


class ZbarMissingError(BarcodeError):
    """The zbar shared library cannot be loaded."""


@dataclass(frozen=True, slots=True)
class ZbarSymbol:
    """One symbol as zbar reports it, in the coordinates of the image it was given."""

    data: bytes
    type_name: str
    polygon: tuple[tuple[int, int], ...]
    quality: int


try:
    from pyzbar import pyzbar as _pyzbar

    _LOAD_ERROR = ""
except ImportError as exc:  # pyzbar raises ImportError when libzbar is not on the library path
    _pyzbar = None
    _LOAD_ERROR = str(exc)


def _decoder() -> Callable[..., Sequence[Any]]:
    if _pyzbar is None:
        raise ZbarMissingError(f"cannot load zbar ({_LOAD_ERROR}); {INSTALL_HINT}")
    return cast(Callable[..., Sequence[Any]], _pyzbar.decode)


def ensure_available() -> None:
    """Raises `ZbarMissingError` now rather than at the first decode."""
    _decoder()


def scan(image: Image.Image) -> list[ZbarSymbol]:
    """Runs zbar over a greyscale (`L`) image and returns every symbol it finds."""
    if image.mode != "L":
        image = image.convert("L")
    decoded = _decoder()(image)
    return [
        ZbarSymbol(
            data=bytes(found.data),
            type_name=str(found.type),
            polygon=tuple((int(point.x), int(point.y)) for point in found.polygon),
            quality=int(found.quality),
        )
        for found in decoded
    ]
