"""Checks every console page deserves, for the tests of each page.

- `XSS_STRINGS`, `assert_shown_as_text(screen, text)`: markup typed into a record or a name is shown as
  text — no element made of it, no script run, no dialog opened.
- `untranslated(screen)`: the English interface text left on a page shown in Vietnamese — every message
  of the English catalog whose Vietnamese differs, found whole in a text node or an attribute people read
  (longer messages also inside a text); `[]` when the page is all Vietnamese.
- `AXE_OPTIONS`: the WCAG rules the style guide is held to.
- `COUNT_DIALOGS`: an init script making alert/confirm/prompt count instead of showing (console_as adds it).
- `assert_clean(screen, *statuses)`: no console error and no CSP violation; `assert_axe_clean(screen)`;
  `switch_language(page, lang)` with the header's switch.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.browser import Screen
from web.catalogs import read_catalog

XSS_STRINGS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

# Every text node and every attribute a person reads or hears, as the page shows them now — but code and
# quoted output (<code>, <samp>: a device's payload, an API client's answer), which are not the page's words.
_READ_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, code, samp")) continue;
    // A language's own name in the language switch is in that language on purpose.
    if (parent.closest("[lang]").getAttribute("lang") !== document.documentElement.lang) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = el.getAttribute(name);
      if (value) texts.push(value.trim());
    }
  }
  texts.push(document.title);
  return texts;
}"""
COUNT_DIALOGS = """
window.__xssDialogs = 0;
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = () => { window.__xssDialogs += 1; };
}
"""
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _pattern(message: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(message)
    literal = [re.escape(p) for i, p in enumerate(parts) if i % 2 == 0 and p is not None]
    return re.compile(".+".join(literal))


@cache
def english_only() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    """English texts whose Vietnamese differs: (text, its pattern, whether it may be found inside a text)."""
    vietnamese = {m.id: m.string for m in read_catalog("vi") if m.id}
    found = []
    for message in read_catalog("en"):
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple | list) else (message.string,)
        theirs = vietnamese.get(message.id)
        theirs_texts = theirs if isinstance(theirs, tuple | list) else (theirs,)
        for text in texts:
            if text and text not in theirs_texts:
                found.append((text, _pattern(text), len(text.split()) >= 3))
    return tuple(found)


def untranslated(screen: Screen) -> list[str]:
    texts: list[str] = screen.page.evaluate(_READ_TEXTS)
    left = []
    for english, pattern, inside in english_only():
        for text in texts:
            if pattern.fullmatch(text) or (inside and pattern.search(text)):
                left.append(f"{english!r} in {text!r}")
                break
    return left


def assert_shown_as_text(screen: Screen, text: str, where: str = "main") -> None:
    """`text` (markup) is on the page as text, and none of it became markup."""
    page = screen.page
    expect(page.locator(where)).to_contain_text(text)
    injected = page.evaluate(
        """() => document.querySelectorAll('img[src="x"], main script, [onerror]').length"""
    )
    assert injected == 0, "markup from data became elements"
    assert page.evaluate("() => window.__xssDialogs || 0") == 0


def assert_axe_clean(screen: Screen) -> None:
    """axe-core finds nothing on the page (with the console's options), each finding named with its nodes."""
    # After a click or a form's redirect the DOM can be there before the stylesheets are: axe would then
    # measure an unstyled page (header links 17 px high), so wait for the page to finish loading first.
    screen.page.wait_for_load_state("load")
    violations = screen.run_axe(AXE_OPTIONS)
    found = [(v["id"], [(n["target"], n.get("failureSummary", "")) for n in v["nodes"]]) for v in violations]
    # An explicit message: assertions in tests/support are not rewritten, and a bare AssertionError hides
    # which rule failed where.
    assert found == [], f"axe-core on {screen.page.url}: {found}"


def assert_no_errors(screen: Screen, allowed: tuple[str, ...] = ()) -> None:
    """No console error (but those containing one of `allowed`) and no CSP violation."""
    errors = [e for e in screen.console_errors if not any(a in e for a in allowed)]
    assert errors == [], f"console errors on {screen.page.url}: {errors}"
    assert screen.csp_violations() == []


def assert_clean(screen: Screen, *statuses: int) -> None:
    """No console error and no CSP violation; Chromium's note of a page answered with one of `statuses`
    (a refusal the test asked for) is not an error of the page."""
    assert_no_errors(screen, tuple(f"the server responded with a status of {s}" for s in statuses))


def switch_language(page: Page, lang: str) -> None:
    """Press the header's language button and wait for the page in that language."""
    page.click(f"form.lang-form button[value={lang}]")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def shown_in_both_languages(screen: Screen, name: str, *, marked: str | None = None) -> None:
    """The page as it is, checked and screenshotted (`name`) in Vietnamese, then in English, then back to
    Vietnamese: its language set, nothing left in English, axe-core clean, no console error. `marked`: a
    selector the page must show in both (the offline banner…)."""
    page = screen.page
    for lang in ("vi", "en"):
        page.goto(f"{page.url.split('?')[0]}?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        if marked is not None:
            expect(page.locator(marked)).to_be_visible()
        if lang == "vi":
            assert untranslated(screen) == []
        assert_axe_clean(screen)
        assert_clean(screen)
        screen.screenshot(name, lang)
    page.goto(f"{page.url.split('?')[0]}?lang=vi")
