"""The browser and the style guide app for the web package's browser tests."""

from tests.support.browser import browser, screen, styleguide_url

__all__ = ["browser", "screen", "styleguide_url"]
