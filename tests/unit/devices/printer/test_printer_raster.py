"""Vietnamese drawn with DejaVu Sans for printers without a Vietnamese code page, and GS v 0 bit packing."""

from __future__ import annotations

from PIL import Image, ImageChops

from devices.printer.raster import ELLIPSIS, draw_text, fit_width, font, image_from_raster, raster_bytes


def test_bits_are_packed_msb_first_with_one_for_black() -> None:
    image = Image.new("1", (16, 2), 1)
    image.putpixel((0, 0), 0)  # top-left black
    image.putpixel((9, 1), 0)
    data = raster_bytes(image, band_rows=256)
    assert data == bytes((0x1D, 0x76, 0x30, 0, 2, 0, 2, 0)) + bytes((0x80, 0x00, 0x00, 0x40))
    assert image_from_raster(2, 2, data[8:]).tobytes() == image.tobytes()


def test_widths_that_are_not_whole_bytes_are_padded_white() -> None:
    image = Image.new("1", (10, 1), 0)  # all black, 10 dots
    data = raster_bytes(image, band_rows=256)
    assert data[8:] == bytes((0xFF, 0xC0))


def test_bands_cover_every_row_once() -> None:
    image = Image.new("1", (8, 10), 0)
    data = raster_bytes(image, band_rows=4)
    assert [data[i + 6] for i in (0, 12, 24)] == [4, 4, 2]  # 3 commands: 4, 4 and 2 rows
    assert len(data) == 3 * 8 + 10


def ink(image: Image.Image) -> int:
    return sum(1 for y in range(image.height) for x in range(image.width) if not image.getpixel((x, y)))


def test_tone_marks_are_drawn() -> None:
    marked = draw_text("Nguyễn Thị Hồng", 384, size_px=22)
    bare = draw_text("Nguyen Thi Hong", 384, size_px=22)
    assert marked.mode == "1"
    assert marked.width % 8 == 0
    assert ImageChops.difference(marked.convert("L"), bare.convert("L")).getbbox() is not None
    assert ink(marked) > ink(bare)  # tilde, circumflexes, hook, dot below
    # The marks stay inside the picture: its first and last rows are blank paper.
    assert (
        ink(marked.crop((0, 0, marked.width, 1)))
        == ink(marked.crop((0, marked.height - 1, marked.width, marked.height)))
        == 0
    )


def test_decomposed_text_draws_like_composed_text() -> None:
    import unicodedata

    composed = draw_text("Việt", 384, size_px=22)
    decomposed = draw_text(unicodedata.normalize("NFD", "Việt"), 384, size_px=22)
    assert ImageChops.difference(composed.convert("L"), decomposed.convert("L")).getbbox() is None


def test_a_line_too_long_is_made_a_little_smaller_then_shortened() -> None:
    long = "Thư viện Trường Đại học Khoa học Tự nhiên, Đại học Quốc gia Hà Nội"
    image = draw_text(long, 384, size_px=22)
    assert image.width <= 384
    face = font(22)
    assert fit_width(long, face, 384).endswith(ELLIPSIS)
    assert fit_width("Ngắn", face, 384) == "Ngắn"


def test_columns_put_the_right_text_against_the_right_edge() -> None:
    image = draw_text("Hạn trả", 384, size_px=22, right="16/12/2026")
    assert image.width == 384
    last_column = image.crop((376, 0, 384, image.height))
    assert ink(last_column) > 0
