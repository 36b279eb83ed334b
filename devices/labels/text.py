"""Fitting a line of text into a label's width: shrink a little, then shorten at a word with an ellipsis."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from devices.labels.fonts import printable_text

ELLIPSIS = "…"
# Cutting at a word boundary is preferred unless it throws away more than this share of what would fit.
_WORD_CUT_MAX_LOSS = 0.4


def text_width_mm(text: str, font: str, size_pt: float) -> float:
    return stringWidth(text, font, size_pt) / mm


def truncate(text: str, font: str, size_pt: float, width_mm: float) -> str:
    """`text` on one line of `width_mm`: whole if it fits, else cut (at a word if sensible) with '…'."""
    text = printable_text(text)
    if text_width_mm(text, font, size_pt) <= width_mm:
        return text
    # Longest prefix that fits together with the ellipsis (binary search over character counts).
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width_mm(text[:middle].rstrip() + ELLIPSIS, font, size_pt) <= width_mm:
            low = middle
        else:
            high = middle - 1
    prefix = text[:low]
    word_end = prefix.rstrip().rfind(" ")
    if word_end > 0 and (len(prefix) - word_end) <= _WORD_CUT_MAX_LOSS * len(prefix):
        prefix = prefix[:word_end]
    prefix = prefix.rstrip(" ,.;:-–—/")
    return prefix + ELLIPSIS if prefix else ""


def shrink_to_fit(
    text: str, font: str, size_pt: float, min_size_pt: float, width_mm: float
) -> tuple[str, float]:
    """The largest size from `size_pt` down to `min_size_pt` (in half points) at which `text` fits;
    truncated at the smallest size if none does."""
    text = printable_text(text)
    size = size_pt
    while size > min_size_pt and text_width_mm(text, font, size) > width_mm:
        size -= 0.5
    size = max(size, min_size_pt)
    return truncate(text, font, size, width_mm), size
