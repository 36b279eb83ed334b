"""`stacks bench printer`: what a kiosk receipt costs on each printer model, and through the real driver.

- receipt_bytes.<profile>: the bytes of a four-book Vietnamese receipt with a QR code, as each model in
  config/printers.toml gets it (text in a Vietnamese code table, or lines drawn as raster images).
- receipt_line_s.<profile>: those bytes' time on the serial line at the model's baud rate (ten bits a
  byte): what a reader waits for on real hardware before the printer even starts.
- receipt_encode_ms.<profile>: layout and encoding alone (drawing the Vietnamese lines and the QR code
  where the model needs pictures), the median of the runs.
- receipts_per_s.<profile>: whole receipts printed by the real driver over a pty to the simulated printer
  (status before, the bytes, the end-of-job answer, status after): the software's own cost.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from devices.printer.encoder import encode_document
from devices.printer.profiles import PrinterProfile, load_printer_profiles
from devices.printer.receipt import Outcome, Receipt, ReceiptItem, layout_receipt
from devices.sim.receipt_printer import simulated_printer

RECEIPT = Receipt(
    library="Thư viện Trường Đại học Khoa học Tự nhiên",
    kiosk_id="KIOSK-01",
    printed_at=datetime(2026, 12, 2, 14, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    card_number="SV2100123",
    items=(
        ReceiptItem("Giáo trình Giải tích 1", "VV000123", Outcome.LENT, due=date(2026, 12, 16)),
        ReceiptItem("Lập trình Python nâng cao", "VV000124", Outcome.LENT, due=date(2026, 12, 16)),
        ReceiptItem("Cơ sở dữ liệu", "VV000125", Outcome.RENEWED, due=date(2027, 1, 6)),
        ReceiptItem("Nhập môn Trí tuệ nhân tạo", "VV000126", Outcome.RETURNED, fine=6000),
    ),
    fines_due=6000,
    account_url="https://thuvien.example.edu.vn/tai-khoan",
    footer="Giờ mở cửa: 7:30–20:00, thứ Hai đến thứ Bảy",
)


def _encode_ms(profile: PrinterProfile, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        encode_document(layout_receipt(RECEIPT, profile.chars_per_line), profile)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _receipts_per_s(profile: PrinterProfile, seconds: float, directory: Path) -> float:
    with simulated_printer(profile, directory / f"tty-{profile.name}") as (_, driver):
        driver.print_receipt(RECEIPT)  # warm up: fonts, the port
        printed = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds or printed == 0:
            driver.print_receipt(RECEIPT)
            printed += 1
    return printed / elapsed


def run(seconds: float) -> dict[str, object]:
    profiles = load_printer_profiles().profiles
    figures: dict[str, dict[str, float]] = {
        "receipt_bytes": {},
        "receipt_line_s": {},
        "receipt_encode_ms": {},
        "receipts_per_s": {},
    }
    with tempfile.TemporaryDirectory(prefix="stacks-bench-") as directory:
        for name, profile in sorted(profiles.items()):
            size = len(encode_document(layout_receipt(RECEIPT, profile.chars_per_line), profile))
            figures["receipt_bytes"][name] = size
            figures["receipt_line_s"][name] = round(size * 10 / profile.baudrate, 3)
            figures["receipt_encode_ms"][name] = round(_encode_ms(profile, runs=20), 2)
            # A pty moves bytes at memory speed whatever the baud rate: this is the software's own cost.
            figures["receipts_per_s"][name] = round(_receipts_per_s(profile, seconds, Path(directory)), 1)
    return dict(figures)
