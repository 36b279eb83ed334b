"""Jinja2 for Stacks screens: one environment per language over the caller's templates and the shared ones.

    templates = Templates(assets, directories=[CONSOLE_TEMPLATES], timezone=library_zone)
    html = templates.render("loans.html", "vi", loans=loans)

Every environment autoescapes, fails on undefined variables, and knows its language: `_()`, `ngettext()`
and `{% trans %}` translate through the catalogs (web/catalogs.py), the filters `date`, `time`, `datetime`,
`number` and `money` format for the language in the library's time zone, and `static_url(path)` gives a
static file's cache-busting URL. The shared templates are named `web/…` (`web/layout.html`,
`web/components/forms.html`, …); the caller's own directories come first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
)
from jinja2.bccache import Bucket
from starlette.responses import HTMLResponse

from web import formatting
from web.catalogs import translations
from web.locales import LANGUAGES, NATIVE_NAMES, Language

# htmx settings for every page (read from <meta name="htmx-config">): no style element injected for
# indicators (the stylesheet has them), no eval (hx-on, js: values) and no <script> from swapped content,
# requests to this site only, none of which the Content-Security-Policy would allow anyway.
HTMX_CONFIG: Mapping[str, object] = {
    "includeIndicatorStyles": False,
    "allowEval": False,
    "allowScriptTags": False,
    "selfRequestsOnly": True,
    # htmx settles these attributes of an element swapped in under the same id by setting them again; with
    # "style" among them (its default) it writes an empty style attribute, which our CSP (no inline style)
    # refuses — and no template of ours has a style attribute to settle.
    "attributesToSettle": ["class", "width", "height"],
}


def shared_loader() -> PrefixLoader:
    """The package's own templates, under the `web/` prefix."""
    return PrefixLoader({"web": PackageLoader("web", "templates")})


class _CompiledTemplates(BytecodeCache):
    """Every template compiled once a process, whichever environment asks: the console, the public catalogue
    and the kiosk screen each make environments of their own (one a language), and an application made again
    (a test's, a restarted screen's) makes them anew; compiling a page's templates took longer than rendering
    it. Jinja2 keys a template's code by its name and file and checks it against the source's checksum, so an
    edited template is compiled again. Shared only by `make_environment`'s environments, whose options — which
    the compiled code depends on — are all the same."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def make_environment(
    lang: Language,
    *,
    static_url: Callable[[str], str],
    directories: Sequence[Path] = (),
    timezone: ZoneInfo = formatting.DEFAULT_TIMEZONE,
) -> Environment:
    """A Jinja2 environment speaking `lang`: the shared templates after the caller's `directories`."""
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(list(directories)), shared_loader()]),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_COMPILED,
    )
    environment.policies["ext.i18n.trimmed"] = True  # {% trans %} text is one line whatever its layout
    environment.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n extension
        translations(lang), newstyle=True
    )
    environment.filters.update(
        {
            "date": partial(formatting.day, lang=lang, timezone=timezone),
            "time": partial(formatting.clock, lang=lang, timezone=timezone),
            "datetime": partial(formatting.moment, lang=lang, timezone=timezone),
            "number": partial(formatting.number, lang=lang),
            "money": partial(formatting.money, lang=lang),
        }
    )
    environment.globals.update(
        {
            "lang": lang,
            "languages": NATIVE_NAMES,
            "static_url": static_url,
            "htmx_config": HTMX_CONFIG,
        }
    )
    return environment


class Templates:
    """The environments of every language, sharing the caller's template directories and static files."""

    def __init__(
        self,
        static_url: Callable[[str], str],
        *,
        directories: Sequence[Path] = (),
        timezone: ZoneInfo = formatting.DEFAULT_TIMEZONE,
        shared: Mapping[str, Any] | None = None,
    ) -> None:
        """`shared`: variables every page sees (the library's name, the home page's address, …)."""
        self.environments = {
            lang: make_environment(lang, static_url=static_url, directories=directories, timezone=timezone)
            for lang in LANGUAGES
        }
        for environment in self.environments.values():
            environment.globals.update(shared or {})

    def environment(self, lang: Language) -> Environment:
        return self.environments[lang]

    def render(self, name: str, lang: Language, /, **context: Any) -> str:
        return self.environments[lang].get_template(name).render(context)

    def response(
        self,
        name: str,
        lang: Language,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """A rendered page, its language in `Content-Language`."""
        return HTMLResponse(
            self.render(name, lang, **(context or {})),
            status_code=status_code,
            headers={"content-language": lang, **(headers or {})},
        )
