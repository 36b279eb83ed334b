from __future__ import annotations

from types import MappingProxyType

import pytest

from server.domain.policies import CirculationRule, Label, PolicySet, RuleFields
from tests.unit.domain.conftest import CALENDAR, make_policies


@pytest.mark.parametrize(
    ("category", "item_type", "field", "value"),
    [
        ("undergraduate", "book", "loan_days", 14),  # (*, *)
        ("undergraduate", "textbook", "loan_days", 7),  # (*, T) beats (*, *)
        ("staff", "book", "loan_days", 60),  # (C, *) beats (*, *)
        ("staff", "textbook", "loan_days", 60),  # (C, *) beats (*, T)
        ("staff", "textbook", "max_fine_per_item", 20000),  # (C, T) beats all
        ("staff", "textbook", "max_loans_of_type", 2),  # cascades from (*, T) where (C, T) is silent
        ("staff", "textbook", "renewals", 1),
        ("staff", "book", "max_loans", 20),
        ("undergraduate", "reference", "loanable", False),
        ("staff", "reference", "loanable", False),
        ("undergraduate", "book", "max_loans_of_type", None),  # optional: no type limit
        ("undergraduate", "book", "renew_days", 14),  # unset: the loan period
        ("undergraduate", "textbook", "renew_days", 7),
        ("visitor", "book", "loan_days", 14),  # unknown category: the defaults
        ("undergraduate", "map", "loan_days", 14),
    ],
)
def test_most_specific_rule_wins_field_by_field(
    category: str, item_type: str, field: str, value: object
) -> None:
    assert getattr(make_policies().rule_for(category, item_type), field) == value


def test_patron_rule_is_the_category_default() -> None:
    assert make_policies().patron_rule("staff").max_loans == 20


def _with(*rules: CirculationRule) -> PolicySet:
    return PolicySet(
        item_types=MappingProxyType({"book": Label("Sách", "Book")}),
        categories=MappingProxyType({"staff": Label("Cán bộ", "Staff")}),
        rules=rules,
        calendar=CALENDAR,
    )


_COMPLETE = make_policies().rules[0]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ((), "default rule"),
        ((CirculationRule("*", "*", RuleFields(loan_days=14)),), "must set"),
        ((_COMPLETE, CirculationRule("alien", "*", RuleFields())), "unknown patron category"),
        ((_COMPLETE, CirculationRule("*", "map", RuleFields())), "unknown item type"),
        ((_COMPLETE, _COMPLETE), "two rules"),
    ],
)
def test_bad_policies_are_refused(rules: tuple[CirculationRule, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _with(*rules)


@pytest.mark.parametrize(
    ("category", "item_type", "specificity"),
    [("staff", "book", 3), ("staff", "*", 2), ("*", "book", 1), ("*", "*", 0)],
)
def test_specificity(category: str, item_type: str, specificity: int) -> None:
    assert CirculationRule(category, item_type, RuleFields()).specificity == specificity


def test_label_of_unknown_type_is_its_code() -> None:
    assert make_policies().label("map") == Label("map", "map")
    assert make_policies().label("textbook").vi == "Giáo trình"


def test_effective_rules_are_resolved_once() -> None:
    policies = make_policies()
    assert policies.rule_for("staff", "textbook") is policies.rule_for("staff", "textbook")
    assert policies.patron_rule("undergraduate") is policies.rule_for("undergraduate", "*")
    # Codes the policy does not name still resolve to the cascade, without being remembered.
    assert policies.rule_for("visitor", "map") == policies.rule_for("*", "*")
    assert ("visitor", "map") not in policies._effective
