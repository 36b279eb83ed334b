"""Chromium driven by Playwright for the browser tests of the web package and the console.

The Debian `chromium` package is the browser (`make test` installs it); Playwright never downloads one.
Fixtures: `browser` (one per test module) and `screen` (a fresh page per test, recording console errors
and Content-Security-Policy violations), which tests/conftest.py registers for the whole suite;
`styleguide_url` (the style guide app served on a free port). `open_screen(browser)` makes more pages,
each in a browser context of its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, ViewportSize, expect, sync_playwright

from tests.support.styleguide import build_app, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_REPO = Path(__file__).resolve().parents[2]
# Every test run takes its screenshots; `make screenshots` (UPDATE_SCREENSHOTS=1) keeps them in docs/, where
# they are looked at and committed. Otherwise they go under var/, so a run never changes the tree.
SCREENSHOTS = _REPO / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "var") / "screenshots"
AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
AXE_URL = "/__tests__/axe.min.js"  # same origin, so the page's script-src 'self' lets it in
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# How long an `expect` waits for the page to get there (Playwright's default is 5 s). A passing check
# returns as soon as it holds; a round trip through the broker, an agent and the server can take longer
# than 5 s on a loaded machine running the suite's workers side by side.
EXPECT_TIMEOUT_MS = 15_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

# Installed before any script of the page, so it sees every violation, even of the first <script>.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} ${event.sample}`);
});
"""


@dataclass
class Screen:
    """A page and what went wrong on it."""

    page: Page
    console_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__cspViolations")
        return found

    def run_axe(self, options: dict[str, Any]) -> list[dict[str, Any]]:
        """axe-core's violations on the current page (axe-core is loaded into it for the purpose)."""
        self.page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
        self.page.add_script_tag(url=AXE_URL)
        result: dict[str, Any] = self.page.evaluate("(options) => axe.run(document, options)", options)
        violations: list[dict[str, Any]] = result["violations"]
        return violations

    def screenshot(self, name: str, lang: str) -> Path:
        """The whole page, into <SCREENSHOTS>/<name>.<lang>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.{lang}.png"
        self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module: Playwright's sync API holds the thread's event loop while it runs,
    so it is closed again before other modules' tests (which may run event loops of their own)."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        if os.environ.get("CI"):
            raise RuntimeError("chromium is not installed (make test installs it)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def open_screen(browser: Browser) -> Iterator[Screen]:
    """A fresh page in a context of its own (its own cookies), watched for errors and CSP violations."""
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    watched = Screen(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(message.text)

    def on_page_error(error: Error) -> None:
        watched.console_errors.append(f"uncaught: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    try:
        yield watched
    finally:
        context.close()


@pytest.fixture
def screen(browser: Browser) -> Iterator[Screen]:
    with open_screen(browser) as watched:
        yield watched


@pytest.fixture(scope="session")
def styleguide_url() -> Iterator[str]:
    with serving(build_app()) as base:
        yield base
