"""Fixtures of the contract tests: a runner for the command line, and for the tests that talk to simulated
devices a field of library tags and the real FEIG driver connected over a real pty to the virtual reader."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from devices.feig import get_profile
from devices.sim.feig_pty import simulated_reader
from devices.sim.field import Field, make_items
from tests.support.readers import ISIL, Harness, OpenReader


@pytest.fixture
def runner() -> CliRunner:
    """Runs `stacks` commands in this process (`runner.invoke(stacks.cli.app, [...])`)."""
    return CliRunner()


@pytest.fixture
def open_reader(tmp_path: Path) -> Iterator[OpenReader]:
    """`open_reader(field, "mr101", reply_timeout_s=…)`: a virtual reader of that profile on a pty and the
    driver connected to it; each call gets its own pty, all closed after the test."""
    with ExitStack() as opened:
        links = itertools.count(1)

        def open_(field: Field, profile: str = "cpr", **options: Any) -> Harness:
            link = tmp_path / f"ttyFEIG{next(links)}"
            return opened.enter_context(simulated_reader(field, get_profile(profile), link=link, **options))

        yield open_


@pytest.fixture
def field() -> Field:
    """Ten library items of our ISIL (a module may override this fixture with another field)."""
    return Field(make_items(10, isil=ISIL))


@pytest.fixture
def cpr(field: Field, open_reader: OpenReader) -> Harness:
    """A desktop pad reader (ID CPR) over `field`, with short reply timeouts."""
    return open_reader(field, "cpr", reply_timeout_s=0.15)


@pytest.fixture
def mr101(field: Field, open_reader: OpenReader) -> Harness:
    """A mid-range i-scan reader (EAS commands) over `field`, with short reply timeouts."""
    return open_reader(field, "mr101", reply_timeout_s=0.15)
