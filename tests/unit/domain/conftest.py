"""A small policy and calendar for the domain tables: closed on Sundays, one closed holiday."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

import pytest

from server.domain.calendar import WeeklyCalendar
from server.domain.policies import CirculationRule, Label, PolicySet, RuleFields

CALENDAR = WeeklyCalendar(closed_weekdays=frozenset({6}), closed_dates=frozenset({date(2026, 9, 2)}))


def make_policies() -> PolicySet:
    return PolicySet(
        item_types=MappingProxyType(
            {
                "book": Label("Sách", "Book"),
                "textbook": Label("Giáo trình", "Textbook"),
                "reference": Label("Tra cứu", "Reference"),
            }
        ),
        categories=MappingProxyType(
            {"undergraduate": Label("Sinh viên", "Undergraduate"), "staff": Label("Cán bộ", "Staff")}
        ),
        rules=(
            CirculationRule(
                "*",
                "*",
                RuleFields(
                    loanable=True,
                    loan_days=14,
                    max_loans=5,
                    renewals=2,
                    renew_overdue_days=3,
                    fine_per_day=2000,
                    fine_grace_days=0,
                    fine_limit=50000,
                    overdue_blocks=True,
                    holds_allowed=True,
                    hold_pickup_days=3,
                ),
            ),
            CirculationRule("*", "textbook", RuleFields(loan_days=7, max_loans_of_type=2, renewals=1)),
            CirculationRule("*", "reference", RuleFields(loanable=False, holds_allowed=False)),
            CirculationRule("staff", "*", RuleFields(loan_days=60, max_loans=20, overdue_blocks=False)),
            CirculationRule("staff", "textbook", RuleFields(max_fine_per_item=20000)),
        ),
        calendar=CALENDAR,
        fines_skip_closed_days=True,
    )


@pytest.fixture
def policies() -> PolicySet:
    return make_policies()
