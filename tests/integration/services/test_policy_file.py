"""Loading config/policies.toml: the repository's file is valid, bad files stop start-up clearly."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.errors import ConfigurationError
from server.services import context
from server.services.policies import load_policies, parse_policies
from server.settings import REPO_CONFIG_DIR, ServerSettings

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
GOOD = (REPO_CONFIG_DIR / "policies.toml").read_text(encoding="utf-8")


def test_the_repository_policy() -> None:
    policies = load_policies(REPO_CONFIG_DIR / "policies.toml", HCM)
    rules = policies.rules
    assert set(rules.categories) == {"undergraduate", "postgraduate", "staff"}
    assert {"book", "textbook", "reference", "thesis", "periodical", "av"} <= set(rules.item_types)
    assert not rules.rule_for("undergraduate", "reference").loanable
    assert not rules.rule_for("postgraduate", "thesis").loanable
    assert rules.rule_for("staff", "thesis").loanable
    assert (
        rules.rule_for("undergraduate", "textbook").loan_days
        < rules.rule_for("undergraduate", "book").loan_days
    )
    assert rules.calendar.timezone == HCM
    assert not rules.calendar.is_open(__import__("datetime").date(2026, 9, 2))  # Quốc khánh
    assert policies.pickup_name.vi == "Quầy mượn trả, tầng 1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("this is = not toml [", "not valid TOML"),
        (GOOD.replace("loan_days = 14\n", "loan_days = -3\n", 1), "loan_days"),
        (GOOD.replace('closed_weekdays = ["sunday"]', 'closed_weekdays = ["caturday"]'), "closed_weekdays"),
        (
            GOOD.replace('item_type = "thesis"          # luận văn', 'item_type = "dvd"  # luận văn', 1),
            "unknown item type",
        ),
        (GOOD + '\n[[rules]]\ncategory = "*"\nitem_type = "*"\n', "two rules"),
        (GOOD.replace("fine_limit = 50000 ", "fine_limt = 50000 ", 1), "fine_limt"),
        (GOOD.replace("overdue_blocks = true\n", "", 1), "must set: overdue_blocks"),
    ],
)
def test_bad_policies_fail_clearly(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as error:
        parse_policies(text, HCM, "policies.toml")
    assert "policies.toml" in str(error.value)


def test_missing_file_and_bad_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_policies(tmp_path / "policies.toml", HCM)
    settings = ServerSettings(config_dir=REPO_CONFIG_DIR, timezone="Mars/Olympus", _env_file=None)
    with pytest.raises(ConfigurationError, match="time zone"):
        context.build(settings)
