"""Decoding pictures with zbar: labels, patron cards and phone screens, prepared the ways real photos are."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageOps

from devices.barcode import zbar
from devices.barcode.image import ImageScanStatus, decode_image
from devices.barcode.symbology import Symbology
from devices.barcode.variants import rotated
from devices.errors import BarcodeError
from tests.contract.devices.barcode.barcode_pictures import encoded, linear, on_canvas, qr


def _only(data: bytes) -> tuple[str, Symbology, str]:
    result = decode_image(data)
    assert result.status is ImageScanStatus.FOUND, result.detail
    assert len(result.symbols) == 1, result.symbols
    symbol = result.symbols[0]
    return symbol.value, symbol.symbology, symbol.variant


@pytest.mark.parametrize(
    ("kind", "value", "expected", "symbology"),
    [
        ("code128", "VV000123", "VV000123", Symbology.CODE128),
        ("code39", "NV000045", "NV000045", Symbology.CODE39),
        ("ean13", "978604123456", "9786041234567", Symbology.EAN13),  # check digit added by python-barcode
    ],
)
def test_linear_symbologies(kind: str, value: str, expected: str, symbology: Symbology) -> None:
    assert _only(encoded(linear(kind, value))) == (expected, symbology, "original")


def test_qr_code() -> None:
    assert _only(encoded(qr("SV2100123"))) == ("SV2100123", Symbology.QR, "original")


def test_qr_with_vietnamese_text() -> None:
    value, symbology, _ = _only(encoded(qr("Thư viện: Nguyễn Văn An SV2100123")))
    assert (value, symbology) == ("Thư viện: Nguyễn Văn An SV2100123", Symbology.QR)


def test_position_is_where_the_symbol_is() -> None:
    code = linear("code128", "VV000123", module_height=10)
    picture = on_canvas([(code, (400, 300))], (1000, 800))
    [symbol] = decode_image(encoded(picture)).symbols
    assert 400 <= symbol.rect.left < 400 + code.width
    assert 300 <= symbol.rect.top < 300 + code.height
    assert symbol.rect.left + symbol.rect.width <= 400 + code.width
    assert symbol.rect.top + symbol.rect.height <= 300 + code.height


def test_several_symbols_in_reading_order() -> None:
    picture = on_canvas(
        [(qr("SV2100123"), (60, 500)), (linear("code128", "VV000123"), (60, 40))],
        (700, 800),
    )
    result = decode_image(encoded(picture))
    assert [(s.value, s.symbology) for s in result.symbols] == [
        ("VV000123", Symbology.CODE128),
        ("SV2100123", Symbology.QR),
    ]


@pytest.mark.parametrize("degrees", [90, 180, 270, 20, -20])
def test_rotated_label(degrees: int) -> None:
    picture = linear("code128", "VV000123").rotate(degrees, expand=True, fillcolor="white")
    assert _only(encoded(picture))[:2] == ("VV000123", Symbology.CODE128)


@pytest.mark.parametrize("degrees", [45, -45, 135])
def test_diagonal_label_is_read_after_turning(degrees: int) -> None:
    picture = linear("code128", "VV000123").rotate(degrees, expand=True, fillcolor="white")
    assert _only(encoded(picture)) == ("VV000123", Symbology.CODE128, "turned")


def test_turned_variant_reports_the_position_in_the_source_picture() -> None:
    grey = on_canvas([(linear("code128", "VV000123"), (150, 90))], (600, 460)).convert("L")
    [direct] = zbar.scan(grey)
    turned, to_source = rotated(grey, 90)
    [found] = zbar.scan(turned)
    mapped = [to_source.apply(x, y) for x, y in found.polygon]
    direct_xs = [x for x, _ in direct.polygon]
    direct_ys = [y for _, y in direct.polygon]
    assert min(x for x, _ in mapped) == pytest.approx(min(direct_xs), abs=3)
    assert max(x for x, _ in mapped) == pytest.approx(max(direct_xs), abs=3)
    assert min(y for _, y in mapped) == pytest.approx(min(direct_ys), abs=3)
    assert max(y for _, y in mapped) == pytest.approx(max(direct_ys), abs=3)


def test_phone_screen_in_dark_mode() -> None:
    screen = on_canvas([(ImageOps.invert(qr("SV2100123").convert("RGB")), (80, 300))], (400, 800), "black")
    assert _only(encoded(screen)) == ("SV2100123", Symbology.QR, "inverted")


def test_inverted_linear_code() -> None:
    picture = ImageOps.invert(linear("code128", "HV2300045"))
    assert _only(encoded(picture)) == ("HV2300045", Symbology.CODE128, "inverted")


def test_transparent_png_qr_is_read_on_white() -> None:
    # Dark modules on fully transparent *black* pixels: dropping the alpha channel would leave all black.
    mask = qr("CB0001234").convert("L").point(lambda level: 255 if level < 128 else 0)
    picture = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    picture.putalpha(mask)
    assert _only(encoded(picture))[:2] == ("CB0001234", Symbology.QR)


@pytest.mark.parametrize("quality", [40, 15])
def test_jpeg_compressed(quality: int) -> None:
    picture = on_canvas([(linear("code128", "VV000123"), (30, 30))], (400, 330))
    assert _only(encoded(picture, "JPEG", quality=quality))[:2] == ("VV000123", Symbology.CODE128)


def test_low_contrast_photo() -> None:
    grey = linear("code128", "VV000123").convert("L").point(lambda level: 110 + level * 60 // 255)
    assert _only(encoded(grey))[:2] == ("VV000123", Symbology.CODE128)


def test_small_picture_is_enlarged() -> None:
    # 4 pixels a module, shrunk to 1.2: below what zbar reads directly.
    sharp = linear("code128", "VV000123", module_width=0.254 * 4, dpi=100, quiet_zone=5, module_height=5)
    size = (round(sharp.width * 1.2 / 4), round(sharp.height * 1.2 / 4))
    small = sharp.convert("L").resize(size, Image.Resampling.BILINEAR)
    assert _only(encoded(small)) == ("VV000123", Symbology.CODE128, "enlarged")


def test_small_qr_on_a_scaled_down_screenshot() -> None:
    small = qr("SV2100123", scale=8).resize((62, 62), Image.Resampling.BILINEAR)
    assert _only(encoded(small))[:2] == ("SV2100123", Symbology.QR)


def test_exif_orientation_is_applied() -> None:
    picture = linear("code128", "VV000123").rotate(90, expand=True, fillcolor="white")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera says: turn 90° clockwise to show upright
    data = encoded(picture, "JPEG", quality=90, exif=exif)
    result = decode_image(data)
    assert (result.width, result.height) == (picture.height, picture.width)
    assert [s.value for s in result.symbols] == ["VV000123"]


def test_nothing_found_says_what_was_tried() -> None:
    noise = random.Random(7)
    picture = Image.new("L", (320, 240))
    picture.putdata([noise.randrange(256) for _ in range(320 * 240)])
    for data in (encoded(Image.new("RGB", (640, 480), "white")), encoded(picture)):
        result = decode_image(data)
        assert result.status is ImageScanStatus.NOTHING_FOUND
        assert result.symbols == ()
        assert "turned" in result.variants_tried
        assert "no barcode found" in result.detail


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"", "empty"),
        (b"VV000123\r\n", "not an image"),
        (b"%PDF-1.7\n", "not an image"),
    ],
)
def test_not_an_image(data: bytes, detail: str) -> None:
    result = decode_image(data)
    assert result.status is ImageScanStatus.NOT_AN_IMAGE
    assert detail in result.detail
    assert not result.found


def test_truncated_picture_is_not_an_image() -> None:
    data = encoded(linear("code128", "VV000123"))
    result = decode_image(data[: len(data) // 2])
    assert result.status is ImageScanStatus.NOT_AN_IMAGE
    assert "unreadable" in result.detail


def test_missing_zbar_is_a_typed_error_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zbar, "_pyzbar", None)
    monkeypatch.setattr(zbar, "_LOAD_ERROR", "Unable to find zbar shared library")
    with pytest.raises(zbar.ZbarMissingError, match="libzbar0") as caught:
        decode_image(encoded(qr("SV2100123")))
    assert isinstance(caught.value, BarcodeError)


def test_diagonal_label_in_a_large_photo_is_found_where_it_is() -> None:
    # Large photos get the costly preparations on a shrunk copy; positions still refer to the photo.
    code = linear("code128", "VV000123", module_width=0.6, module_height=20).rotate(
        45, expand=True, fillcolor="white"
    )
    photo = on_canvas([(code, (2000, 1400))], (3200, 2400))
    result = decode_image(encoded(photo, "JPEG", quality=90))
    [symbol] = result.symbols
    assert (symbol.value, symbol.variant) == ("VV000123", "turned")
    centre_x = symbol.rect.left + symbol.rect.width / 2
    centre_y = symbol.rect.top + symbol.rect.height / 2
    assert 2000 <= centre_x <= 2000 + code.width
    assert 1400 <= centre_y <= 1400 + code.height
