"""The one reader of configuration files (contract.config_files): strict models, problems named by key."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import Field, model_validator

from contract.config_files import ConfigFileError, ConfigModel, Lax, key_path, load_config, validate_config


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


class Channel(ConfigModel):
    shift: Annotated[int, Field(ge=0, le=14)] | None = None


class Site(ConfigModel):
    name: str
    count: int = 0
    ratio: float = 1.0
    on: bool = False
    colour: Annotated[Colour, Lax] = Colour.RED
    opened: Annotated[date, Lax] = date(2026, 1, 1)
    code: Annotated[str, Field(pattern=r"^[a-z]+$")] = "a"
    ids: list[int] = Field(default_factory=list, max_length=3)
    channels: dict[Annotated[Colour, Lax], Channel] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _count_below_ids(self) -> Site:
        if self.ids and self.count > len(self.ids):
            raise ValueError("count must not exceed the number of ids")
        return self


def test_values_are_read_and_only_spelt_values_are_converted() -> None:
    site = validate_config(
        Site,
        {"name": "desk", "count": 2, "ratio": 2, "colour": "green", "opened": "2026-09-02", "ids": [1, 2]},
    )
    assert (site.name, site.count, site.ratio, site.colour) == ("desk", 2, 2.0, Colour.GREEN)
    assert site.opened == date(2026, 9, 2)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "name: is required"),
        ({"name": "x", "nmae": "y"}, "nmae: unknown setting"),
        ({"name": 7}, "name: must be a string, got 7"),
        ({"name": "x", "on": "false"}, "on: must be true or false, got 'false'"),
        ({"name": "x", "on": 1}, "on: must be true or false, got 1"),
        ({"name": "x", "count": "5"}, "count: must be an integer, got '5'"),
        ({"name": "x", "count": True}, "count: must be an integer, got True"),
        ({"name": "x", "count": 1.5}, "count: must be an integer, got 1.5"),
        ({"name": "x", "ratio": "2"}, "ratio: must be a number, got '2'"),
        ({"name": "x", "colour": "blue"}, "colour: must be 'red' or 'green', got 'blue'"),
        ({"name": "x", "opened": "2026-13-01"}, "opened: must be a valid date or datetime, month value"),
        ({"name": "x", "code": "A"}, "code: must match ^[a-z]+$, got 'A'"),
        ({"name": "x", "ids": [1, "2"]}, "ids[1]: must be an integer, got '2'"),
        ({"name": "x", "ids": [1, 2, 3, 4]}, "ids: must have at most 3 item(s), got [1, 2, 3, 4]"),
        ({"name": "x", "ids": "1"}, "ids: must be a list, got '1'"),
        ({"name": "x", "channels": {"blue": {}}}, "channels.blue: must be 'red' or 'green', got 'blue'"),
        ({"name": "x", "channels": {"red": {"shift": 15}}}, "channels.red.shift: must be at most 14, got 15"),
        ({"name": "x", "channels": {"red": {"shft": 1}}}, "channels.red.shft: unknown setting"),
        ({"name": "x", "channels": {"red": 3}}, "channels.red: must be a table, got 3"),
        ({"name": "x", "count": 3, "ids": [1]}, "count must not exceed the number of ids"),
        ({"name": "x" * 100, "count": "y" * 100}, "count: must be an integer, got 'yyyyy"),
    ],
)
def test_each_problem_names_its_key_and_what_it_must_be(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigFileError) as caught:
        validate_config(Site, values, "site.toml")
    assert str(caught.value).startswith(f"site.toml: {message}")


def test_every_problem_is_told_at_once_under_the_table_it_came_from() -> None:
    with pytest.raises(ConfigFileError) as caught:
        validate_config(Site, {"count": "1", "extra": 1}, "site.toml", at=("site",))
    assert str(caught.value) == (
        "site.toml: site.name: is required; site.count: must be an integer, got '1'; "
        "site.extra: unknown setting"
    )


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(ConfigFileError) as caught:
        validate_config(Site, {"name": "x", "count": "y" * 100})
    assert str(caught.value).endswith("…")
    assert len(str(caught.value)) < 100


@pytest.mark.parametrize(
    ("loc", "key"),
    [
        ((), ""),
        (("library", "closing_time"), "library.closing_time"),
        (("rules", 3, "loan_days"), "rules[3].loan_days"),
        (("channels", "horn", "[key]"), "channels.horn"),
        ((0,), "[0]"),
    ],
)
def test_key_paths(loc: tuple[int | str, ...], key: str) -> None:
    assert key_path(loc) == key


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[site\n", "not valid TOML"),
        (b"name = '\xff'\n", "not UTF-8 text"),
        (b"nmae = 'x'\n", "nmae: unknown setting"),
    ],
)
def test_files_that_cannot_be_read_as_their_model(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigFileError, match=f"^{re.escape(str(path))}: .*{message}"):
        load_config(path, Site)


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigFileError, match=f"^{re.escape(str(path))}: cannot read the file: No such file"):
        load_config(path, Site)
