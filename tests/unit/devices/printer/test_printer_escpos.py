"""ESC/POS command bytes, each against the byte sequence of the command reference."""

from __future__ import annotations

import pytest

from devices.printer import escpos
from devices.printer.escpos import Align, Cut, HriPosition, QrErrorLevel


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (escpos.INIT, "1b40"),
        (escpos.align(Align.CENTER), "1b6101"),
        (escpos.align(Align.RIGHT), "1b6102"),
        (escpos.emphasis(True), "1b4501"),
        (escpos.emphasis(False), "1b4500"),
        (escpos.size(2, 2), "1d2111"),
        (escpos.size(1, 1), "1d2100"),
        (escpos.size(3, 1), "1d2120"),
        (escpos.code_page(52), "1b7434"),
        (escpos.feed_lines(4), "1b6404"),
        (escpos.cut(Cut.PARTIAL, 48), "1d564230"),
        (escpos.cut(Cut.FULL), "1d564100"),
        (escpos.status_request(1), "100401"),
        (escpos.status_request(4), "100404"),
        (escpos.paper_sensor_request(), "1d7201"),
        (escpos.process_id_request(b"0042"), "1d284806003030" + b"0042".hex()),
        (escpos.process_id_answer(b"0042"), "3722" + b"0042".hex() + "00"),
    ],
)
def test_commands(command: bytes, expected: str) -> None:
    assert command.hex() == expected


def test_qr_code_sets_model_size_level_then_stores_and_prints() -> None:
    data = b"https://lib.example/a"
    stored = len(data) + 3
    assert escpos.qr_code(data, module=6, level=QrErrorLevel.M) == b"".join(
        (
            bytes.fromhex("1d286b0400314132 00".replace(" ", "")),
            bytes.fromhex("1d286b03003143 06".replace(" ", "")),
            bytes.fromhex("1d286b03003145 31".replace(" ", "")),
            bytes((0x1D, 0x28, 0x6B, stored, 0, 0x31, 0x50, 0x30)) + data,
            bytes.fromhex("1d286b0300315130"),
        )
    )


def test_a_long_qr_payload_has_a_two_byte_length() -> None:
    data = b"x" * 300
    command = escpos.qr_code(data)
    store = command.index(bytes((0x31, 0x50, 0x30)))
    assert command[store - 2 : store] == (303).to_bytes(2, "little")


def test_code128_uses_code_set_b_with_its_length() -> None:
    assert escpos.barcode_code128("VV000123", height=60, module=2, hri=HriPosition.BELOW) == (
        bytes.fromhex("1d683c 1d7702 1d4802 1d6b490a".replace(" ", "")) + b"{BVV000123"
    )


def test_raster_header_gives_width_in_bytes_and_rows_little_endian() -> None:
    command = escpos.raster_image(2, 300, bytes(600))
    assert command[:8] == bytes((0x1D, 0x76, 0x30, 0, 2, 0, 300 & 0xFF, 300 >> 8))
    assert len(command) == 608


@pytest.mark.parametrize(
    "call",
    [
        lambda: escpos.size(0, 1),
        lambda: escpos.size(9, 1),
        lambda: escpos.feed_lines(256),
        lambda: escpos.status_request(5),
        lambda: escpos.process_id_request(b"12a4"),
        lambda: escpos.qr_code(b"", 6),
        lambda: escpos.qr_code(b"x", 17),
        lambda: escpos.barcode_code128("Việt"),
        lambda: escpos.barcode_code128("{A"),
        lambda: escpos.raster_image(2, 2, bytes(3)),
    ],
)
def test_values_a_printer_cannot_take_are_refused(call: object) -> None:
    with pytest.raises(ValueError, match=r"."):
        call()  # type: ignore[operator]
