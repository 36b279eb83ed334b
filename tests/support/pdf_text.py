"""The text layer of a PDF, page by page, as a reader's search or copy would see it; its pages as images."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for index in range(len(document)):
            text_page = document[index].get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
        return texts
    finally:
        document.close()


def text_of(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def save_pages(pdf: bytes, stem: Path, *, dpi: int, pages: int | None = None) -> list[Path]:
    """Every page (or the first `pages`) rasterised to `<stem>-<n>.png` (from 1), to look at as printed."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(pdf)
    try:
        saved = []
        for index in range(min(len(document), pages or len(document))):
            path = stem.with_name(f"{stem.name}-{index + 1}.png")
            document[index].render(scale=dpi / 72).to_pil().save(path)
            saved.append(path)
        return saved
    finally:
        document.close()
