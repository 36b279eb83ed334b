"""The gettext catalogs that every screen and every circulation message is translated through.

`web/locale/<lang>/LC_MESSAGES/messages.po` is the source, kept in the repository; `make venv` compiles each
to a `.mo` beside it. A catalog is read from its `.mo` when that is at least as new as the `.po`, and is
otherwise compiled in memory from the `.po`: a fresh checkout, an editable install and the tests all see
the text as it is in the repository. Fuzzy entries are never used (they await a translator's review).

Messages are English in the source (the msgid); both catalogs carry the text shown, so the English one may
also word a message differently from its msgid. Docs/web.md describes the workflow.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from web.locales import BABEL_LOCALES, Language

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def po_path(lang: Language) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: Language) -> Path:
    return po_path(lang).with_suffix(".mo")


def read_catalog(lang: Language, po: Path | None = None) -> Catalog:
    with (po or po_path(lang)).open("rb") as source:
        return read_po(source, locale=BABEL_LOCALES[lang], domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalog, without its fuzzy entries."""
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _is_current(mo: Path, po: Path) -> bool:
    return mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime


def load(lang: Language, po: Path, mo: Path) -> Translations:
    """Translations from the .mo if it is current, else compiled in memory from the .po."""
    if _is_current(mo, po):
        with mo.open("rb") as binary:
            return Translations(binary, domain=DOMAIN)
    return Translations(BytesIO(compiled(read_catalog(lang, po))), domain=DOMAIN)


@cache
def translations(lang: Language) -> Translations:
    """One language's translations, loaded once per process."""
    return load(lang, po_path(lang), mo_path(lang))


def translate(lang: Language, message: str) -> str:
    """A message (its English msgid) in `lang`."""
    return translations(lang).gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Marks a message for extraction where it is written; it is translated where it is shown."""
    return message
