"""The package layering of docs/architecture.md, checked on the syntax tree of every module.

Parsing (not grepping) sees `import x.y`, `from x import y` and relative imports alike, and is not fooled
by a module name in a comment or a string.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The pure domain: no persistence, web, messaging or serial libraries, no sockets, no files — and not the
# wire contract: the domain decides in its own reasons (`server.domain.reasons`), which the services map to
# the contract's reply codes, so a new rule does not change what devices are sent.
DOMAIN_FORBIDDEN = (
    "contract",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "starlette",
    "paho",
    "serial",
    "socket",
    "sqlite3",
    "httpx",
    "urllib.request",
    "server.db",
    "server.services",
    "server.api",
    "server.ingest",
)
DOMAIN_FORBIDDEN_CALLS = ("open",)

# `stacks` (command line, demo, benchmarks) composes the others; none of them may import it.
PACKAGE_FORBIDDEN: dict[str, tuple[str, ...]] = {
    "server": ("edge", "devices", "stacks"),
    "edge": ("server", "stacks"),
    "devices": ("server", "edge", "stacks"),
    "contract": ("server", "edge", "devices", "stacks"),
    # the shared screens: the console (server) and the agents' local screens (edge) both use it
    "web": ("server", "edge", "devices", "stacks"),
}


# What `web` may use besides the standard library: it must stay light enough for every edge agent.
WEB_LIBRARIES = ("jinja2", "markupsafe", "babel", "starlette")


# Device framing and tag-data codecs: bytes in, values out. Everything in these packages is such code except
# the named modules, which open ports, files or pictures (drivers, loaders of config/*.toml, images) — so a
# new framing or codec module is held to the rule without being listed.
FRAMING_PACKAGES = (
    "devices/feig",
    "devices/barcode",
    "devices/tagdata",
    "devices/counter",
    "devices/printer",
)
FRAMING_MODULES = ("devices/blocks.py",)
FRAMING_EXEMPT = (
    "devices/feig/driver.py",  # the driver: speaks through a transport
    "devices/feig/link.py",  # request/reply over a transport, with timing
    "devices/feig/profiles.py",  # loads config/readers.toml
    "devices/barcode/scanner.py",  # the scanner driver: a transport and a thread
    "devices/barcode/profiles.py",  # loads config/scanners.toml
    "devices/barcode/classify.py",  # loads its patterns from config/devices.toml
    "devices/barcode/image.py",  # pictures (Pillow), not bytes off a wire
    "devices/barcode/variants.py",
    "devices/barcode/zbar.py",  # the zbar shared library
    "devices/tagdata/settings.py",  # loads config/tags.toml
    "devices/counter/driver.py",  # the people-counter driver: a transport
    "devices/counter/profiles.py",  # loads config/counters.toml
    "devices/printer/driver.py",  # the receipt printer driver: a transport, with timing
    "devices/printer/profiles.py",  # loads config/printers.toml
    "devices/printer/raster.py",  # pictures (Pillow) drawn with the font file
)
FRAMING_FORBIDDEN = (
    "serial",
    "socket",
    "termios",
    "tty",
    "pty",
    "fcntl",
    "select",
    "os",
    "io",
    "pathlib",
    "tomllib",
    "sqlite3",
    "subprocess",
    "threading",
    "time",
    "urllib",
    "http",
    "paho",
    "devices.transport",
    "devices.sim",
    "devices.config",
)


# Production code never holds simulated objects: only the simulations themselves (edge/sim, devices/sim) may
# import them; the command line, benchmarks and tests compose them with the real parts.
SIMULATIONS = ("edge.sim", "devices.sim")
SIMULATION_PACKAGES = ("edge/sim", "devices/sim")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> Iterator[str]:
    """Every module a source file imports, relative imports resolved against `module`."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def called_names(source: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield node.func.id


def _matches(imported: str, forbidden: str) -> bool:
    return imported == forbidden or imported.startswith(forbidden + ".")


def violations(source: str, module: str, forbidden: tuple[str, ...], is_package: bool = False) -> list[str]:
    return sorted(
        {
            name
            for name in imported_modules(source, module, is_package)
            if any(_matches(name, f) for f in forbidden)
        }
    )


def _modules(package: str) -> list[Path]:
    directory = ROOT / package
    return sorted(directory.rglob("*.py")) if directory.is_dir() else []


@pytest.mark.parametrize("path", _modules("server/domain"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_is_pure(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    module = _module_name(path)
    assert violations(source, module, DOMAIN_FORBIDDEN, path.name == "__init__.py") == []
    assert [c for c in called_names(source) if c in DOMAIN_FORBIDDEN_CALLS] == []


@pytest.mark.parametrize("package", sorted(PACKAGE_FORBIDDEN))
def test_packages_respect_the_layering(package: str) -> None:
    found: dict[str, list[str]] = {}
    for path in _modules(package):
        bad = violations(
            path.read_text(encoding="utf-8"),
            _module_name(path),
            PACKAGE_FORBIDDEN[package],
            path.name == "__init__.py",
        )
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_web_uses_only_its_libraries() -> None:
    allowed = {"web", *WEB_LIBRARIES, *sys.stdlib_module_names}
    found: dict[str, list[str]] = {}
    for path in _modules("web"):
        source = path.read_text(encoding="utf-8")
        names = imported_modules(source, _module_name(path), path.name == "__init__.py")
        bad = sorted({name.split(".")[0] for name in names} - allowed)
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert _modules("web")
    assert found == {}


@pytest.mark.parametrize("package", ["edge", "devices"])
def test_production_code_holds_no_simulator(package: str) -> None:
    found: dict[str, list[str]] = {}
    for path in _modules(package):
        relative = str(path.relative_to(ROOT))
        if relative.startswith(SIMULATION_PACKAGES):
            continue
        bad = violations(
            path.read_text(encoding="utf-8"), _module_name(path), SIMULATIONS, path.name == "__init__.py"
        )
        if bad:
            found[relative] = bad
    assert found == {}


def _framing_modules() -> list[Path]:
    found = [path for package in FRAMING_PACKAGES for path in _modules(package)]
    found += [ROOT / module for module in FRAMING_MODULES]
    return sorted(path for path in found if str(path.relative_to(ROOT)) not in FRAMING_EXEMPT)


@pytest.mark.parametrize("path", _framing_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_device_framing_and_codecs_are_pure(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    module = _module_name(path)
    assert violations(source, module, FRAMING_FORBIDDEN, path.name == "__init__.py") == []
    assert [c for c in called_names(source) if c == "open"] == []


def test_the_framing_rule_covers_the_codecs_and_exempts_only_what_exists() -> None:
    checked = {str(path.relative_to(ROOT)) for path in _framing_modules()}
    assert {"devices/feig/frames.py", "devices/feig/parser.py", "devices/tagdata/decode.py"} <= checked
    assert {
        "devices/barcode/framing.py",
        "devices/tagdata/encode.py",
        "devices/counter/framing.py",
        "devices/printer/escpos.py",
        "devices/printer/status.py",
        "devices/printer/codepage.py",
    } <= checked
    assert [module for module in FRAMING_EXEMPT if not (ROOT / module).is_file()] == []


# The services are shared by the API, the ingest and the command line: they never reach back into the API.
SERVICES_FORBIDDEN = ("server.api", "server.ingest", "server.console", "fastapi", "starlette")
# The console calls the services, as the API does; it does not go through the API or the ingest.
CONSOLE_FORBIDDEN = ("server.api", "server.ingest")


@pytest.mark.parametrize("path", _modules("server/services"), ids=lambda p: str(p.relative_to(ROOT)))
def test_services_do_not_depend_on_their_callers(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert violations(source, _module_name(path), SERVICES_FORBIDDEN, path.name == "__init__.py") == []


@pytest.mark.parametrize("path", _modules("server/console"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_console_calls_the_services_not_the_api(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert violations(source, _module_name(path), CONSOLE_FORBIDDEN, path.name == "__init__.py") == []


def test_the_domain_exists() -> None:
    assert len(_modules("server/domain")) >= 5


@pytest.mark.parametrize(
    ("source", "module", "bad"),
    [
        ("import sqlalchemy as sa", "server.domain.x", ["sqlalchemy"]),
        ("from sqlmodel import Field", "server.domain.x", ["sqlmodel", "sqlmodel.Field"]),
        ("import paho.mqtt.client", "server.domain.x", ["paho.mqtt.client"]),
        ("from ..db import engine", "server.domain.x", ["server.db", "server.db.engine"]),
        ("from .. import services", "server.domain.x", ["server.services"]),
        ("from server.domain import calendar", "server.domain.x", []),
        ("# import sqlalchemy\nx = 'import serial'", "server.domain.x", []),
        ("import serialization_helpers", "server.domain.x", []),
        (
            "from contract.replies import ReasonCode",
            "server.domain.x",
            ["contract.replies", "contract.replies.ReasonCode"],
        ),
        ("import contract.replies", "server.domain.x", ["contract.replies"]),
        ("from contract import replies", "server.domain.x", ["contract", "contract.replies"]),
        ("import contractors", "server.domain.x", []),
    ],
)
def test_the_checker_sees_what_it_must(source: str, module: str, bad: list[str]) -> None:
    assert violations(source, module, DOMAIN_FORBIDDEN) == bad


def test_the_checker_sees_file_io() -> None:
    assert "open" in set(called_names("with open('x') as f:\n    pass"))
