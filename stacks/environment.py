"""`STACKS_*` environment variables: the ones Stacks reads, and a warning for any other.

A misspelt variable (`STACKS_MQTT_ULR`) would otherwise be ignored without a word, and the process would run
on the default it was meant to change. Every `stacks` command checks its environment as it starts (the
root callback of the command line) and warns about each `STACKS_*` variable that no Stacks process reads,
naming the known one closest to it.

The known names are derived from the code, never listed by hand:

- the fields of every pydantic-settings class of the Stacks packages: env prefix and field name, or the
  field's alias. The modules that define one are found by their source and imported (settings modules
  import nothing heavy, so this stays fast);
- every string literal that is a whole `STACKS_…` name in that source: the variables some modules read
  directly (the log level, the file a device setting file may be replaced by).
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import logging
import os
import re
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

PACKAGES = ("contract", "devices", "edge", "server", "stacks")
PREFIX = "STACKS_"

log = logging.getLogger(__name__)

_NAME_LITERAL = re.compile(r"""["'](STACKS_[A-Z0-9_]*[A-Z0-9])["']""")
_SETTINGS_CLASS = re.compile(r"^class \w+\([^)]*\bBaseSettings\b", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class UnknownVariable:
    name: str
    closest: str | None  # the known name it most resembles, if any is close

    def message(self) -> str:
        hint = f"did you mean {self.closest}?" if self.closest else "see docs/settings.md"
        return f"ignoring {self.name}: no Stacks process reads it ({hint})"


def warn_about_unknown_variables(environ: Mapping[str, str] = os.environ) -> list[UnknownVariable]:
    """Logs a warning for each unknown `STACKS_*` variable in `environ`; returns them."""
    unknown = unknown_variables(environ, known_variables())
    for variable in unknown:
        log.warning("%s", variable.message())
    return unknown


def unknown_variables(environ: Mapping[str, str], known: Set[str]) -> list[UnknownVariable]:
    """The `STACKS_*` names of `environ` not in `known`, with the closest known name (difflib)."""
    # pydantic-settings matches names without regard to case, so `stacks_data_dir` is read too.
    candidates = sorted(name for name in environ if name.upper().startswith(PREFIX))
    return [
        UnknownVariable(name, _closest(name.upper(), known))
        for name in candidates
        if name.upper() not in known
    ]


def _closest(name: str, known: Set[str]) -> str | None:
    # Compared without the prefix they all share, which would make any two names look alike.
    suffixes = {known_name.removeprefix(PREFIX): known_name for known_name in known}
    matches = difflib.get_close_matches(name.removeprefix(PREFIX), list(suffixes), n=1)
    return suffixes[matches[0]] if matches else None


@cache
def known_variables() -> frozenset[str]:
    """Every `STACKS_*` name some Stacks process reads."""
    sources = dict(_package_sources())
    names = {match.group(1) for text in sources.values() for match in _NAME_LITERAL.finditer(text)}
    for module, text in sources.items():
        if _SETTINGS_CLASS.search(text):
            importlib.import_module(module)
    for settings in settings_classes():
        names |= settings_variables(settings)
    return frozenset(names)


def settings_variables(settings: type[BaseSettings]) -> set[str]:
    """The environment variables a pydantic-settings class reads, in upper case."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):  # an alias replaces prefix and name
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names |= {choice.upper() for choice in alias.choices if isinstance(choice, str)}
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def settings_classes() -> Iterator[type[BaseSettings]]:
    pending = list(BaseSettings.__subclasses__())
    while pending:
        settings = pending.pop()
        pending.extend(settings.__subclasses__())
        if settings.__module__.partition(".")[0] in PACKAGES:
            yield settings


def _package_sources() -> Iterator[tuple[str, str]]:
    """(module name, source text) of every module of the Stacks packages, found without importing them."""
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            root = Path(location)
            for path in sorted(root.rglob("*.py")):
                parts = path.relative_to(root).with_suffix("").parts
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                yield ".".join((package, *parts)), path.read_text(encoding="utf-8")
