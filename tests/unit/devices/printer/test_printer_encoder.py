"""A document as each model's bytes, read back by the simulator's own parser of the command set.

The encoder and the parser were written separately from the command reference, so agreeing on every
document here checks each against the other.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace

import pytest

from devices.printer.document import Barcode, Columns, CutPaper, Feed, QrCode, Rule, Text, shorten
from devices.printer.encoder import TEAR_OFF_FEED_LINES, encode_document
from devices.printer.escpos import Align
from devices.printer.profiles import Cutter, PrinterProfile
from devices.printer.raster import image_from_raster
from devices.sim.escpos_parser import (
    BarcodePrint,
    Command,
    CutCommand,
    EscPosParser,
    LineFeed,
    PrintableText,
    QrFunction,
    RasterImage,
    Setting,
    Unknown,
)

VIETNAMESE = PrinterProfile("vn", dots_per_line=512, chars_per_line=42, code_pages=(("cp1258", 52),))
PLAIN = PrinterProfile("plain", dots_per_line=384, chars_per_line=32, code_pages=(("cp437", 0),), qr=False)
DOCUMENT = (
    Text("Thư viện", Align.CENTER, bold=True),
    Text("BIÊN NHẬN", Align.CENTER, double=True),
    Columns("Kiosk", "KIOSK-01"),
    Columns("Hạn trả", "16/12/2026"),
    Rule(),
    Feed(2),
    QrCode("https://thuvien.example.edu.vn/tai-khoan"),
    Barcode("VV000123"),
    CutPaper(),
)


def parsed(data: bytes) -> list[Command]:
    commands = EscPosParser().feed(data)
    assert not [c for c in commands if isinstance(c, Unknown)]
    return commands


def texts(commands: list[Command]) -> list[bytes]:
    return [c.data for c in commands if isinstance(c, PrintableText)]


def test_with_a_vietnamese_code_page_everything_is_text() -> None:
    commands = parsed(encode_document(DOCUMENT, VIETNAMESE))
    assert commands[0] == Setting("init")
    assert Setting("code_page", 52) in commands
    assert not [c for c in commands if isinstance(c, RasterImage)]
    lines = [t.decode("cp1258") for t in texts(commands)]
    assert lines[2] == "Kiosk" + " " * 29 + "KIOSK-01"
    # A tone mark follows its letter as a combining byte and takes no column of its own.
    assert unicodedata.normalize("NFC", lines[3]) == "Hạn trả" + " " * 25 + "16/12/2026"
    assert lines[4] == "-" * 42
    assert Setting("bold", 1) in commands
    assert Setting("size", 0x11) in commands
    assert [c for c in commands if isinstance(c, QrFunction)][-1] == QrFunction(0x51, b"\x30")
    assert BarcodePrint(73, b"{BVV000123") in commands
    assert commands[-1] == CutCommand(partial=True, feed_dots=48)


def test_without_one_vietnamese_lines_are_drawn_and_the_rest_stays_text() -> None:
    commands = parsed(encode_document(DOCUMENT, PLAIN))
    images = [c for c in commands if isinstance(c, RasterImage)]
    # "Thư viện", "BIÊN NHẬN", "Hạn trả …" drawn; the QR code drawn as the model has no QR command
    assert len(images) == 4
    assert texts(commands) == [b"Kiosk" + b" " * 19 + b"KIOSK-01", b"-" * 32]
    assert not [c for c in commands if isinstance(c, QrFunction)]
    assert all(image.width_bytes * 8 <= PLAIN.dots_per_line for image in images)
    heading = image_from_raster(images[1].width_bytes, images[1].rows, images[1].data)
    assert heading.height > 2 * PLAIN.raster_font_px  # double size


def test_tall_pictures_go_out_in_bands() -> None:
    banded = replace(PLAIN, raster_band_rows=64, qr_module_dots=6)
    images = [c for c in parsed(encode_document((QrCode("x" * 200),), banded)) if isinstance(c, RasterImage)]
    assert len(images) > 1
    assert all(image.rows <= 64 for image in images)


def test_a_printer_without_a_cutter_feeds_past_its_tear_bar() -> None:
    commands = parsed(encode_document((Text("x"), CutPaper()), replace(PLAIN, cutter=Cutter.NONE)))
    assert not [c for c in commands if isinstance(c, CutCommand)]
    assert commands[-1] == Setting("feed", TEAR_OFF_FEED_LINES)
    full = parsed(encode_document((CutPaper(),), replace(PLAIN, cutter=Cutter.FULL, cut_feed_dots=0)))
    assert full[-1] == CutCommand(partial=False)


def test_the_code_page_is_selected_once_and_only_when_it_changes() -> None:
    both = replace(VIETNAMESE, code_pages=(("cp437", 0), ("cp1258", 52)))
    commands = parsed(encode_document((Text("a"), Text("b"), Text("ơ"), Text("c"), Text("ư")), both))
    pages = [c.value for c in commands if isinstance(c, Setting) and c.name == "code_page"]
    assert pages == [0, 52, 0, 52]


@pytest.mark.parametrize("seed", range(20))
def test_the_parser_reads_the_same_commands_however_the_bytes_are_split(seed: int) -> None:
    data = encode_document(DOCUMENT, PLAIN) + encode_document(DOCUMENT, VIETNAMESE)
    whole = parsed(data)
    pieces = random.Random(seed)
    parser = EscPosParser()
    commands: list[Command] = []
    position = 0
    while position < len(data):
        size = pieces.choice((1, 2, 3, 7, 64, 1000))
        commands += parser.feed(data[position : position + size])
        position += size
    assert merged(commands) == merged(whole)
    assert parser.pending == 0


def merged(commands: list[Command]) -> list[Command]:
    """A run of text cut by a chunk boundary comes out in pieces; the printer prints them as one."""
    result: list[Command] = []
    for command in commands:
        if isinstance(command, PrintableText) and result and isinstance(result[-1], PrintableText):
            result[-1] = PrintableText(result[-1].data + command.data)
        else:
            result.append(command)
    return result


def test_unknown_commands_do_not_hide_the_ones_after_them() -> None:
    commands = EscPosParser().feed(b"\x1b\x99\x1d\x98abc\n\x10\x05\x02\x1b\x40")
    assert commands == [
        Unknown(b"\x1b\x99"),
        Unknown(b"\x1d\x98"),
        PrintableText(b"abc"),
        LineFeed(),
        Unknown(b"\x10\x05\x02"),
        Setting("init"),
    ]


@pytest.mark.parametrize("seed", range(50))
def test_any_bytes_are_read_without_error_and_the_same_in_any_pieces(seed: int) -> None:
    draw = random.Random(seed)
    # Random bytes, with the command introducers and their next bytes more often than chance.
    alphabet = [*range(256), *([0x1B, 0x1D, 0x10, 0x0A, 0x28, 0x6B, 0x76, 0x56, 0x04] * 20)]
    data = bytes(draw.choice(alphabet) for _ in range(draw.randrange(1, 3000)))
    whole_parser = EscPosParser()
    whole = whole_parser.feed(data)
    parser = EscPosParser()
    pieces: list[Command] = []
    position = 0
    while position < len(data):
        size = draw.randrange(1, 50)
        pieces += parser.feed(data[position : position + size])
        position += size
    assert merged(pieces) == merged(whole)
    assert parser.pending == whole_parser.pending  # an unfinished command waits for its rest


@pytest.mark.parametrize("profile", [PLAIN, VIETNAMESE], ids=lambda p: p.name)
def test_shortened_lines_stay_within_the_paper_once_the_ellipsis_is_written_out(
    profile: PrinterProfile,
) -> None:
    title = "Introduction to Algorithms, Third Edition, with exercises and solutions for every chapter"
    document = (
        Text(title),
        Text(title, bold=True),
        Columns(title, "Due 16 Dec 2026"),
        Text(shorten(title, profile.chars_per_line)),  # already shortened by a layout, with "…"
    )
    lines = texts(parsed(encode_document(document, profile)))
    assert len(lines) == 4
    for line in lines:
        assert (
            len(unicodedata.normalize("NFC", line.decode(profile.code_pages[0][0]))) <= profile.chars_per_line
        )
        assert line.endswith((b"...", b"2026"))
    assert lines[2].endswith(b" Due 16 Dec 2026")
