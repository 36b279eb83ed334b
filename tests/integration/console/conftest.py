"""The console's tests: in-process (tests/support/console_app.py) and against a real server process with
the browser (tests/support/console.py; the browser is the suite's: tests/conftest.py)."""

from tests.support.console import console_as, console_server, console_server_pg
from tests.support.console_app import (
    console_app,
    console_clock,
    console_engine,
    console_settings,
    new_client,
    signed_in,
)

__all__ = [
    "console_app",
    "console_as",
    "console_clock",
    "console_engine",
    "console_server",
    "console_server_pg",
    "console_settings",
    "new_client",
    "signed_in",
]
