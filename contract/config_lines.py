"""Where a key stands in a TOML file: the line a configuration problem is about.

tomllib gives no positions for what it parsed, so a problem found after parsing (a value the model refuses,
a required key left out) would name only its key — and a key such as `range[3].crew` is hard to find by
eye in a long file. `key_lines` reads the text once more, line by line, as far as configuration files
need: table headers (`[plan]`, `[[range]]`, counting the arrays of tables), `key = value` lines with bare,
quoted or dotted keys. Multi-line strings and arrays are skipped over by their brackets and quotes. What it
cannot place (a key inside an inline table, say) falls back to the nearest enclosing key or table it can.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


def _depth_change(line: str) -> int:
    """Open minus closed brackets outside strings and comments: a value that goes on to the next lines."""
    depth, quote = 0, ""
    for char in line:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def key_lines(text: str) -> dict[Path, int]:
    """Every table and key of the file with the (1-based) line it starts on."""
    lines: dict[Path, int] = {}
    table: Path = ()
    arrays: dict[Path, int] = {}
    depth = 0
    in_multiline = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_multiline:
            if raw.count(in_multiline) % 2:
                in_multiline = ""
            continue
        if depth > 0:
            depth += _depth_change(line)
            continue
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header is not None:
            name = _parts(header[2])
            if header[1]:  # [[name]]: one more element of an array of tables
                arrays[name] = arrays.get(name, -1) + 1
                table = (*name, arrays[name])
                lines.setdefault(name, number)  # the array itself: where its first element starts
            else:
                table = name
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        lines.setdefault((*table, *_parts(key[1])), number)
        value = line[key.end() :]
        for fence in ('"""', "'''"):
            if value.count(fence) % 2:
                in_multiline = fence
        if not in_multiline:
            depth = max(_depth_change(value), 0)
    return lines


def line_of(lines: dict[Path, int], loc: Sequence[str | int]) -> int | None:
    """The line of the longest part of `loc` the file has (the key, else its table, else…)."""
    path = tuple(loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
