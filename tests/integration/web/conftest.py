"""The style guide app for the web package's browser tests (the browser is the suite's: tests/conftest.py)."""

from tests.support.browser import styleguide_url

__all__ = ["styleguide_url"]
