"""The typed reader every device setting file goes through (devices.config.SettingsTable)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import pytest

from devices.config import SettingsTable
from devices.errors import DeviceError

pytestmark = pytest.mark.unit


class SiteError(DeviceError):
    """Stands for a caller's own error class."""


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


def table(values: dict[str, object], where: str = "site.toml [site]") -> SettingsTable:
    return SettingsTable(values, SiteError, where=where)


def test_values_and_defaults() -> None:
    settings = table({"name": "desk", "count": 3, "ratio": 2, "on": False, "ids": [1, 2], "colour": "green"})
    assert settings.text("name", "") == "desk"
    assert settings.integer("count", 0) == 3
    assert settings.number("ratio", 0.5) == 2.0
    assert settings.flag("on", True) is False
    assert settings.integers("ids", []) == [1, 2]
    assert settings.choice("colour", Colour, Colour.RED) is Colour.GREEN
    assert settings.texts("tags", ["a"]) == ["a"]
    assert settings.optional_integer("shift") is None
    assert settings.byte("afi", 0x07) == 0x07
    settings.refuse_unknown()


@pytest.mark.parametrize(
    ("values", "read", "message"),
    [
        ({"on": "false"}, lambda t: t.flag("on", True), "on must be true or false, got 'false'"),
        ({"count": True}, lambda t: t.integer("count", 0), "count must be an integer, got True"),
        ({"count": 1.5}, lambda t: t.integer("count", 0), "count must be an integer, got 1.5"),
        ({"count": 0}, lambda t: t.integer("count", 1, minimum=1), "count must be at least 1, got 0"),
        ({"count": 9}, lambda t: t.integer("count", 1, maximum=8), "count must be at most 8, got 9"),
        ({"ratio": "2"}, lambda t: t.number("ratio", 1.0), "ratio must be a number, got '2'"),
        ({"ratio": False}, lambda t: t.number("ratio", 1.0), "ratio must be a number, got False"),
        ({"name": 7}, lambda t: t.text("name", ""), "name must be a string, got 7"),
        ({"afi": 256}, lambda t: t.byte("afi", 0), "afi must be an integer that fits in one byte"),
        ({"ids": [1, "2"]}, lambda t: t.integers("ids", []), "ids must be a list of integers"),
        ({"tags": "a"}, lambda t: t.texts("tags", []), "tags must be a list of strings"),
        (
            {"colour": "blue"},
            lambda t: t.choice("colour", Colour, Colour.RED),
            "colour: 'blue' is not one of",
        ),
        ({"colours": ["red", "blue"]}, lambda t: t.choices("colours", Colour, []), "'blue' is not one of"),
        ({"outputs": 3}, lambda t: t.table("outputs"), "outputs must be a table, got 3"),
    ],
)
def test_wrong_types_raise_the_callers_error_naming_file_and_key(
    values: dict[str, object], read: Callable[[SettingsTable], object], message: str
) -> None:
    with pytest.raises(SiteError) as caught:
        read(table(values))
    assert str(caught.value).startswith("site.toml [site]: ")
    assert message in str(caught.value)


def test_choice_can_ignore_case() -> None:
    assert table({"colour": "RED"}).choice("colour", Colour, Colour.GREEN, ignore_case=True) is Colour.RED
    with pytest.raises(SiteError):
        table({"colour": "RED"}).choice("colour", Colour, Colour.GREEN)


def test_unknown_keys_are_refused_also_in_nested_tables() -> None:
    settings = table({"count": 1, "cont": 2})
    settings.integer("count", 0)
    with pytest.raises(SiteError, match=r"unknown setting\(s\): cont$"):
        settings.refuse_unknown()

    nested = table({"outputs": {"channels": {"relay": {"timer": "out", "colour": "red"}}}})
    [(name, channel)] = nested.table("outputs").tables("channels").items()
    assert (name, channel.text("timer", "os")) == ("relay", "out")
    with pytest.raises(SiteError, match=r"unknown setting\(s\): outputs\.channels\.relay\.colour"):
        nested.refuse_unknown()


def test_a_nested_wrong_type_names_the_whole_key_path() -> None:
    nested = table({"outputs": {"channels": {"relay": {"shift": "4"}}}})
    channel = nested.table("outputs").tables("channels")["relay"]
    with pytest.raises(SiteError, match=r"outputs\.channels\.relay\.shift must be an integer, got '4'"):
        channel.optional_integer("shift")


def test_without_a_place_the_message_is_the_problem_alone() -> None:
    with pytest.raises(SiteError) as caught:
        SettingsTable({"on": 1}, SiteError).flag("on", False)
    assert str(caught.value) == "on must be true or false, got 1"


def test_iteration_and_membership_follow_the_file() -> None:
    settings = table({"beep": ["buzzer"], "ok": []})
    assert list(settings) == ["beep", "ok"]
    assert "beep" in settings
    assert "alarm" not in settings
