"""Configuration files, read the same way on every side: TOML into a strict pydantic model.

Both sides keep site settings in TOML files (the server its circulation policy, the device layer its
reader, scanner and tag settings, the broker its device list), so they share this one reader rather than
each growing its own. A file's model derives from `ConfigModel`: unknown keys are refused, so a misspelt
setting cannot silently fall back to its default, and values are not coerced (`"5"` is not 5, `1` is not
true). Enumerations, dates and times written as TOML strings opt out per field with `Lax`.

A bad file raises `ConfigFileError`, whose message names the file and, for each problem, the key — and the
line, when the text of the file is at hand (`contract.config_lines`):

    config/readers.toml: profiles.mr102.block_order: must be one of 'reversed' or 'memory', got 'sideways'
    config/weeding.toml: line 42: range[0].crew: must be X/Y …

Each layer translates it into its own error root at its boundary.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Strict, ValidationError
from pydantic_core import ErrorDetails

from contract.codec import ContractError
from contract.config_lines import key_lines, line_of

M = TypeVar("M", bound=BaseModel)

_INPUT_REPR_LIMIT = 60

Lax = Strict(False)
"""For `Annotated[SomeEnum, Lax]` (and dates, times): a TOML string is how a file spells these values."""


class ConfigModel(BaseModel):
    """Base of every configuration file's model (and of the tables in it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ConfigFileError(ContractError):
    """A configuration file is missing, unreadable, not TOML, or holds values its model refuses."""


def read_config(path: Path) -> dict[str, Any]:
    """The parsed file; a missing or unreadable file, or one that is not UTF-8 TOML, raises."""
    return parse_config(read_config_text(path), str(path))


def read_config_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigFileError(f"{path}: cannot read the file: not UTF-8 text ({exc})") from exc


def parse_config(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{source}: not valid TOML ({syntax_problem(str(exc), text)})") from exc


_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)$")


def syntax_problem(message: str, text: str) -> str:
    """tomllib's message with the line it names quoted — "Cannot overwrite a value (at line 12, column 9):
    'loan_days = 7'" — so that a duplicated key is named too; at the end of the document, which tomllib
    gives no line for, the number of the last line."""
    lines = text.splitlines()
    if message.endswith("(at end of document)"):
        return f"{message[:-1]}, after line {len(lines)})"
    match = _AT_LINE.search(message)
    if match is not None and 0 < int(match[1]) <= len(lines):
        return f"{message}: {lines[int(match[1]) - 1].strip()!r}"
    return message


def validate_config(
    model: type[M], values: object, source: str = "", at: Sequence[str] = (), *, text: str | None = None
) -> M:
    """`values` as a `model`; problems name their key after `source` (a file, a profile…), under `at`
    (the table the values came from, e.g. `("security",)` for the `[security]` section of a file), and
    their line when `text`, the file the values were read from, is given."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        lines = key_lines(text) if text is not None else {}
        problems = "; ".join(
            _at_line(describe(error, at), line_of(lines, (*at, *error["loc"])))
            for error in exc.errors(include_url=False)
        )
        raise ConfigFileError(f"{source}: {problems}" if source else problems) from exc


def _at_line(problem: str, line: int | None) -> str:
    return problem if line is None else f"line {line}: {problem}"


def load_config(path: Path, model: type[M]) -> M:
    """The whole file as a `model`."""
    text = read_config_text(path)
    return validate_config(model, parse_config(text, str(path)), str(path), text=text)


def describe(error: ErrorDetails, at: Sequence[str] = ()) -> str:
    """One problem as a person reads it: the key, what it must be, and what the file says."""
    key = key_path((*at, *error["loc"]))
    problem = _problem(error)
    return f"{key}: {problem}" if key else problem


def key_path(loc: Sequence[int | str]) -> str:
    """`rules[3].loan_days`: table keys joined by dots, array positions (from 0) in brackets."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":  # pydantic marks a dictionary key that is itself the bad value
            text += f".{part}" if text else part
    return text


def _problem(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown setting"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"]))
    wording = _WORDING.get(kind)
    text = wording.format(**{k: _number(v) for k, v in ctx.items()}) if wording else _must(error["msg"])
    return f"{text}, got {_shown(error['input'])}"


def _must(message: str) -> str:
    """pydantic's own wording, in the voice of the others ("Input should be a valid date" → "must be…")."""
    if message.startswith("Input should be "):
        return "must be " + message.removeprefix("Input should be ")
    return message[:1].lower() + message[1:]


def _number(value: object) -> object:
    """A bound as the file would write it: `1`, not the `1.0` pydantic keeps for a float field."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _INPUT_REPR_LIMIT else text[: _INPUT_REPR_LIMIT - 1] + "…"


_WORDING = {
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "enum": "must be {expected}",
    "literal_error": "must be {expected}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "string_pattern_mismatch": "must match {pattern}",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} character(s)",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
}
