"""Code 128 modules, bar runs and module-width fitting; QR matrices; text fitting."""

from __future__ import annotations

import pytest

from devices.errors import BarcodeError
from devices.labels.symbols import (
    CODE128_QUIET_MODULES,
    MAX_MODULE_MM,
    MIN_MODULE_MM,
    PRINTER_DOT_MM,
    bar_runs,
    code128_modules,
    fit_code128,
    qr_matrix,
)
from devices.labels.text import ELLIPSIS, shrink_to_fit, text_width_mm, truncate

# reportlab's built-in Helvetica metrics: no font file needed for these width tests.
FONT = "Helvetica"


def test_code128_starts_with_a_start_code_and_ends_with_the_stop_pattern() -> None:
    modules = code128_modules("VV000123")
    assert set(modules) == {"0", "1"}
    assert modules.endswith("1100011101011")  # stop pattern with its termination bar
    assert modules.startswith("11010010000")  # start code B
    assert len(modules) % 11 == 2  # 11 modules a symbol character, 13 for the stop


@pytest.mark.parametrize("value", ["", "Nguyễn", "VV\n01", "\x00"])
def test_values_a_label_cannot_carry_are_refused(value: str) -> None:
    with pytest.raises(BarcodeError):
        code128_modules(value)


def test_bar_runs() -> None:
    assert bar_runs("1101000111") == [(0, 2), (3, 1), (7, 3)]
    assert bar_runs("000") == []


def test_module_width_is_whole_printer_dots_and_capped() -> None:
    wide = fit_code128("VV000123", available_mm=200.0)
    assert wide.module_mm <= MAX_MODULE_MM
    assert (wide.module_mm / PRINTER_DOT_MM) == pytest.approx(round(wide.module_mm / PRINTER_DOT_MM))
    narrow = fit_code128("VV000123", available_mm=30.0)
    assert MIN_MODULE_MM <= narrow.module_mm < wide.module_mm
    assert (len(narrow.modules) + 2 * CODE128_QUIET_MODULES) * narrow.module_mm <= 30.0


def test_value_too_long_for_the_label_is_explained() -> None:
    with pytest.raises(BarcodeError, match="wider label or a shorter value"):
        fit_code128("VV000123", available_mm=15.0)


def test_qr_matrix_is_square_with_finder_patterns() -> None:
    matrix = qr_matrix("SV2100123")
    assert len(matrix) == 21 or len(matrix) == 25
    assert all(len(row) == len(matrix) for row in matrix)
    assert matrix[0][:7] == (True,) * 7  # top-left finder pattern


def test_text_that_fits_is_untouched() -> None:
    assert truncate("Số đỏ", FONT, 8, 50) == "Số đỏ"


def test_long_title_is_cut_at_a_word_with_an_ellipsis() -> None:
    title = "Truyện Kiều: Đoạn trường tân thanh, bản chú giải đầy đủ"
    cut = truncate(title, FONT, 8, 40)
    assert cut.endswith(ELLIPSIS)
    assert text_width_mm(cut, FONT, 8) <= 40
    kept = cut.removesuffix(ELLIPSIS)
    assert title.startswith(kept)
    assert title[len(kept)] in " ,"  # cut where a word ends


def test_one_long_word_is_cut_inside_it() -> None:
    cut = truncate("Kinhtếhọcvĩmôvàchínhsáchcông", FONT, 8, 15)
    assert cut.endswith(ELLIPSIS)
    assert len(cut) > 3


def test_decomposed_vietnamese_is_composed_and_whitespace_collapsed() -> None:
    decomposed = "Nguye\u0302\u0303n  Thi\u0323\n"
    assert truncate(decomposed, FONT, 8, 100) == "Nguyễn Thị"


def test_shrink_before_cutting() -> None:
    name = "Nguyễn Thị Hồng Nhung"
    width = text_width_mm(name, FONT, 9)
    text, size = shrink_to_fit(name, FONT, 12, 7, width)
    assert (text, size) == (name, 9)
    text, size = shrink_to_fit(name, FONT, 12, 7, width / 2)
    assert size == 7
    assert text.endswith(ELLIPSIS)
