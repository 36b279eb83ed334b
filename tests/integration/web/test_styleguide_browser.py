"""The style guide in Chromium, in both languages and every mode: it loads without console errors or
Content-Security-Policy violations, axe-core finds nothing, the keyboard reaches every control with a
visible focus ring, and the connection banner follows the live stream. Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import Screen
from web.locales import LANGUAGES
from web.styleguide import MODES

pytestmark = pytest.mark.slow

AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), "
    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'
)
LOAD_TIMEOUT_MS = 20_000  # a bound for a loaded machine, not an expected duration
SCREENSHOT_MODES = {"desk": "styleguide", "kiosk": "styleguide-kiosk"}

MARK_CONTROLS = """(selector) => {
  const controls = [...document.querySelectorAll(selector)].filter((e) => e.getClientRects().length > 0);
  controls.forEach((e, i) => { e.dataset.tabId = String(i); });
  return controls.length;
}"""
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e.dataset.tabId === undefined) return null;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    id: e.dataset.tabId,
    name: `${e.tagName.toLowerCase()} ${(e.textContent || e.id || "").trim().slice(0, 30)}`,
    focusVisible: e.matches(":focus-visible"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
      && style.outlineColor !== "rgba(0, 0, 0, 0)",
    onScreen: box.bottom > 0 && box.top < window.innerHeight && box.width > 0,
  };
}"""


def open_styleguide(screen: Screen, base: str, lang: str, mode: str = "desk") -> None:
    screen.page.goto(f"{base}/styleguide?lang={lang}&mode={mode}")
    # The first scan arrives over Server-Sent Events once htmx and its extension run.
    expect(screen.page.locator("#scans time")).to_have_count(1, timeout=LOAD_TIMEOUT_MS)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_loads_cleanly(screen: Screen, styleguide_url: str, lang: str, mode: str) -> None:
    open_styleguide(screen, styleguide_url, lang, mode)
    page = screen.page
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('style, [style]').length") == 0
    assert page.locator("html").get_attribute("lang") == lang
    assert screen.console_errors == []
    assert screen.csp_violations() == []
    if mode in SCREENSHOT_MODES:
        screen.screenshot(SCREENSHOT_MODES[mode], lang)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violation(screen: Screen, styleguide_url: str, lang: str, mode: str) -> None:
    open_styleguide(screen, styleguide_url, lang, mode)
    violations = screen.run_axe(AXE_OPTIONS)
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert found == []
    assert screen.csp_violations() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_keyboard_reaches_every_control_with_a_visible_focus_ring(
    screen: Screen, styleguide_url: str, lang: str
) -> None:
    open_styleguide(screen, styleguide_url, lang)
    page = screen.page
    count = page.evaluate(MARK_CONTROLS, FOCUSABLE)
    assert count > 20
    reached: dict[str, dict[str, Any]] = {}
    for _ in range(count * 3):  # a date input takes a Tab per part; the bound only stops a runaway loop
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is not None:
            reached.setdefault(focused["id"], focused)
        if len(reached) == count:
            break
    assert sorted(reached, key=int) == [str(i) for i in range(count)]
    unseen = [
        f["name"] for f in reached.values() if not (f["focusVisible"] and f["outline"] and f["onScreen"])
    ]
    assert unseen == []


@pytest.mark.parametrize("mode", list(MODES))
def test_the_page_fits_a_tablet(screen: Screen, styleguide_url: str, mode: str) -> None:
    screen.page.set_viewport_size({"width": 768, "height": 1024})
    open_styleguide(screen, styleguide_url, "vi", mode)
    assert screen.page.evaluate("document.documentElement.scrollWidth") <= 768


def test_touch_and_kiosk_modes_enlarge_targets_and_text(screen: Screen, styleguide_url: str) -> None:
    heights = "[...document.querySelectorAll('.btn, .input')].map((e) => e.getBoundingClientRect().height)"
    body_text = "parseFloat(getComputedStyle(document.body).fontSize)"
    open_styleguide(screen, styleguide_url, "vi", "desk")
    assert min(screen.page.evaluate(heights)) >= 40
    assert screen.page.evaluate(body_text) == 16
    open_styleguide(screen, styleguide_url, "vi", "touch")
    assert min(screen.page.evaluate(heights)) >= 56  # 3.5rem, above the 44 px a finger needs
    open_styleguide(screen, styleguide_url, "vi", "kiosk")
    assert min(screen.page.evaluate(heights)) >= 70  # the same, a quarter larger
    assert screen.page.evaluate(body_text) == 20


def test_the_connection_banner_follows_the_stream(screen: Screen, styleguide_url: str) -> None:
    open_styleguide(screen, styleguide_url, "en")
    page = screen.page
    banner = page.locator("[data-connection-banner] [data-connection-lost]")
    expect(banner).to_be_hidden()
    try:
        page.request.post(f"{styleguide_url}/stream/down")
        expect(banner).to_be_visible(timeout=15_000)
        expect(banner).to_contain_text("Connection lost.")
    finally:
        page.request.post(f"{styleguide_url}/stream/up")
    expect(banner).to_be_hidden(timeout=30_000)
    # Reconnected: the stream's first event is swapped into the region again.
    expect(page.locator("#scans time")).to_have_count(2)
    assert screen.csp_violations() == []
