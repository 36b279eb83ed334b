"""A record's language, catalogued as an ISO 639-2 code (MARC 008/35–37, 041): as the page's `lang` tag of
its title (so a screen reader reads an English title in English on a Vietnamese page) and by its name in
the reader's language (Babel's CLDR names), for the facets and the statistics."""

from __future__ import annotations

from functools import cache

from babel import Locale

from web.locales import BABEL_LOCALES, Language

# Both the bibliographic (fre, chi, ger) and the terminology (fra, zho, deu) codes: catalogues hold either.
LANGUAGE_TAGS = {"vie": "vi", "eng": "en", "fra": "fr", "fre": "fr", "rus": "ru", "chi": "zh", "zho": "zh"}
LANGUAGE_TAGS |= {"jpn": "ja", "kor": "ko", "ger": "de", "deu": "de"}


@cache
def language_names(lang: Language) -> dict[str, str]:
    """Each code's language named in `lang`, as a heading ("Tiếng Anh"); a code not known here has none."""
    names = Locale.parse(BABEL_LOCALES[lang]).languages
    return {code: _capital(names.get(tag, code)) for code, tag in LANGUAGE_TAGS.items()}


def _capital(name: str) -> str:
    """ "tiếng Anh" as a heading: the first letter alone made capital."""
    return name[:1].upper() + name[1:]
