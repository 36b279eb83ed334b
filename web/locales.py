"""Which language a screen speaks: Vietnamese by default, English on request.

These helpers only decide; where a reader's or a librarian's choice is kept (a cookie, the staff account, a
kiosk session) is the caller's business. A typical request handler:

    lang = pick_locale(request.query_params.get("lang"), request.cookies.get("lang"),
                       accept_language=request.headers.get("accept-language"))
"""

from __future__ import annotations

from typing import Literal, TypeGuard
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale, negotiate_locale

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
DEFAULT_LANGUAGE: Language = "vi"

# The Babel locale behind each language: Vietnamese as written in Việt Nam; English with Babel's defaults.
BABEL_LOCALES: dict[Language, Locale] = {"vi": Locale.parse("vi_VN"), "en": Locale.parse("en")}
# Each language's name in itself, as a language switch shows it.
NATIVE_NAMES: dict[Language, str] = {"vi": "Tiếng Việt", "en": "English"}


def is_language(value: object) -> TypeGuard[Language]:
    return value in LANGUAGES


def parse_accept_language(header: str | None) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first (q=0 means "not this one")."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def from_accept_language(header: str | None) -> Language | None:
    """The supported language a browser asks for, or None when it asks for none of them."""
    chosen = negotiate_locale(parse_accept_language(header), list(LANGUAGES), sep="-")
    return chosen if is_language(chosen) else None


def pick_locale(*choices: str | None, accept_language: str | None = None) -> Language:
    """The first supported explicit choice (in the caller's order of precedence), else what the browser
    asks for, else Vietnamese."""
    for choice in choices:
        candidate = (choice or "").strip().lower()
        if is_language(candidate):
            return candidate
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE


def language_urls(url: str, param: str = "lang") -> dict[Language, str]:
    """The current page's address in each language, for a language switch: `url` with its `param` query
    parameter set, every other parameter kept. Scheme and host are dropped (links stay on this site)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != param]
    return {
        lang: urlunsplit(("", "", parts.path or "/", urlencode([*query, (param, lang)]), ""))
        for lang in LANGUAGES
    }
