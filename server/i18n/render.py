"""Filling message templates: each parameter written the way its kind is written in each language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from string import Formatter
from zoneinfo import ZoneInfo

from contract.common import LocalizedText
from contract.replies import Decision, ReasonCode
from server.i18n import formatting
from server.i18n.catalog import MESSAGES, NOTES, PARAMETERS, SUCCESS, UNITS, Action, Template
from server.i18n.formatting import DEFAULT_TIMEZONE, Language
from server.services.reasons import OK_CODES
from web.catalogs import translations


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def template_for(code: ReasonCode, action: Action | None = None) -> Template:
    if code is ReasonCode.OK and action is not None:
        return SUCCESS[action]
    return MESSAGES[code]


def _write(name: str, value: object, lang: Language, timezone: ZoneInfo) -> str:
    if name not in PARAMETERS:
        raise ValueError(f"unknown message parameter {name!r}")
    kind = PARAMETERS[name]
    if kind == "date":
        if not isinstance(value, date | datetime):
            raise TypeError(f"{name} must be a date or datetime")
        return formatting.day(value, lang, timezone)
    if kind in ("money", "count"):
        if not isinstance(value, int):
            raise TypeError(f"{name} must be an int")
        if kind == "money":
            return formatting.money(value, lang)
        unit = UNITS[name](translations(lang), value)  # already in the count's plural form
        return formatting.count(value, lang, unit, unit)
    if isinstance(value, LocalizedText):  # a name that has both languages (a pickup desk)
        return value.vi if lang == "vi" else value.en
    return str(value)


def render(template: Template, params: Mapping[str, object], timezone: ZoneInfo) -> LocalizedText:
    texts: dict[str, str] = {}
    for lang in formatting.LANGUAGES:
        text = template.text(lang)
        needed = placeholders(text)
        missing = needed - params.keys()
        if missing:
            raise ValueError(f"message needs parameters {sorted(missing)}")
        texts[lang] = text.format(**{n: _write(n, params[n], lang, timezone) for n in needed})
    return LocalizedText(vi=texts["vi"], en=texts["en"])


def localized(template: Template, timezone: ZoneInfo = DEFAULT_TIMEZONE, **params: object) -> LocalizedText:
    return render(template, params, timezone)


def note(name: str, timezone: ZoneInfo = DEFAULT_TIMEZONE, **params: object) -> LocalizedText:
    return render(NOTES[name], params, timezone)


def _join(first: LocalizedText, *more: LocalizedText) -> LocalizedText:
    return LocalizedText(
        vi=" ".join([first.vi, *(m.vi for m in more)]), en=" ".join([first.en, *(m.en for m in more)])
    )


def decision(
    code: ReasonCode,
    *,
    action: Action | None = None,
    notes: tuple[LocalizedText, ...] = (),
    timezone: ZoneInfo = DEFAULT_TIMEZONE,
    values: Mapping[str, object] | None = None,
    **params: object,
) -> Decision:
    """The decision for a reason code, its message filled in both languages; `notes` are appended.
    Message parameters come as keywords, or as a mapping in `values`."""
    message = render(template_for(code, action), {**(values or {}), **params}, timezone)
    if notes:
        message = _join(message, *notes)
    return Decision(ok=code in OK_CODES, code=code, message=message)
