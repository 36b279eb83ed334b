"""Where a key stands in a TOML file: tables, arrays of tables, dotted and quoted keys, values over several
lines, and what cannot be placed falling back to what encloses it."""

from __future__ import annotations

import tomllib

import pytest

from contract.config_lines import key_lines, line_of

TEXT = '''\
# a comment = not a key
top = 1

[plan]
age_bands = [
  5, 10,   # [not a table]
  20,
]
note = """
x = not a key
"""
hold_ratio = 3.0  # [also not a table]

[[range]]
prefix = "004"

[[range]]
prefix = "500"
crew.years = 3
"quoted key" = { inner = 1 }

[gates."gate-01"]
reader = "x"
'''


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("top",), 2),
        (("plan",), 4),
        (("plan", "age_bands"), 5),
        (("plan", "age_bands", 2), 5),  # an element of a value: the value's line
        (("plan", "note"), 9),
        (("plan", "hold_ratio"), 12),
        (("plan", "missing_key"), 4),  # a key left out: its table
        (("range",), 14),
        (("range", 0, "prefix"), 15),
        (("range", 1), 17),
        (("range", 1, "prefix"), 18),
        (("range", 1, "crew", "years"), 19),
        (("range", 1, "quoted key", "inner"), 20),  # inside an inline table: the key holding it
        (("gates", "gate-01", "reader"), 23),
    ],
)
def test_the_line_of_a_key(loc: tuple[str | int, ...], line: int) -> None:
    tomllib.loads(TEXT)  # the text is TOML
    assert line_of(key_lines(TEXT), loc) == line


def test_a_key_the_file_does_not_have_at_any_depth_has_no_line() -> None:
    assert line_of(key_lines(TEXT), ("nowhere", "at_all")) is None
    assert line_of(key_lines(""), ("plan",)) is None
