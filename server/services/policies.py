"""Loading `config/policies.toml`: validated by pydantic here, turned into the domain's `PolicySet`.

A bad file stops the server at start-up with a `ConfigurationError` naming the file and every problem.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from contract.common import LocalizedText
from contract.config_files import (
    ConfigFileError,
    ConfigModel,
    Lax,
    load_config,
    parse_config,
    validate_config,
)
from server.domain.calendar import WeeklyCalendar
from server.domain.policies import CirculationRule, Label, PolicySet, RuleFields
from server.errors import ConfigurationError

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
CodeOrAny = Annotated[str, Field(pattern=r"^([a-z][a-z0-9_]{0,31}|\*)$")]  # a code, or "*" for any
Days = Annotated[int, Field(ge=0, le=3650)]
Dong = Annotated[int, Field(ge=0, le=100_000_000)]


class LabelModel(ConfigModel):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class LibraryModel(ConfigModel):
    closing_time: Annotated[time, Lax] = time(23, 59, 59)
    closed_weekdays: list[Weekday] = Field(default_factory=list)
    closed_dates: list[Annotated[date, Lax]] = Field(default_factory=list)
    fines_skip_closed_days: bool = True
    pickup_location: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    pickup_name_vi: str = Field(min_length=1)
    pickup_name_en: str = Field(min_length=1)


class RuleModel(ConfigModel):
    category: CodeOrAny
    item_type: CodeOrAny
    loanable: bool | None = None
    loan_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    renew_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    max_loans: Annotated[int, Field(ge=0, le=10000)] | None = None
    max_loans_of_type: Annotated[int, Field(ge=0, le=10000)] | None = None
    renewals: Annotated[int, Field(ge=0, le=100)] | None = None
    renew_overdue_days: Days | None = None
    fine_per_day: Dong | None = None
    fine_grace_days: Days | None = None
    max_fine_per_item: Dong | None = None
    fine_limit: Dong | None = None
    overdue_blocks: bool | None = None
    holds_allowed: bool | None = None
    hold_pickup_days: Annotated[int, Field(ge=1, le=60)] | None = None


class PolicyFile(ConfigModel):
    library: LibraryModel
    item_types: dict[Code, LabelModel] = Field(min_length=1)
    categories: dict[Code, LabelModel] = Field(min_length=1)
    rules: list[RuleModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _domain_checks(self) -> PolicyFile:
        _to_domain(self, ZoneInfo("UTC"))  # raises ValueError, reported by pydantic with the others
        return self


class Policies:
    """The loaded policy: the domain's rule set plus where holds are picked up."""

    def __init__(self, rules: PolicySet, pickup_location: str, pickup_name: LocalizedText) -> None:
        self.rules = rules
        self.pickup_location = pickup_location
        self.pickup_name = pickup_name


def _to_domain(model: PolicyFile, timezone: ZoneInfo) -> PolicySet:
    calendar = WeeklyCalendar(
        timezone=timezone,
        closing_time=model.library.closing_time,
        closed_weekdays=frozenset(WEEKDAYS.index(d) for d in model.library.closed_weekdays),
        closed_dates=frozenset(model.library.closed_dates),
    )
    rule_fields = set(RuleFields.__dataclass_fields__)
    return PolicySet(
        item_types=MappingProxyType({k: Label(v.vi, v.en) for k, v in model.item_types.items()}),
        categories=MappingProxyType({k: Label(v.vi, v.en) for k, v in model.categories.items()}),
        rules=tuple(
            CirculationRule(r.category, r.item_type, RuleFields(**r.model_dump(include=rule_fields)))
            for r in model.rules
        ),
        calendar=calendar,
        fines_skip_closed_days=model.library.fines_skip_closed_days,
    )


def parse_policies(text: str, timezone: ZoneInfo, source: str = "policies.toml") -> Policies:
    try:
        return _policies(validate_config(PolicyFile, parse_config(text, source), source, text=text), timezone)
    except ConfigFileError as exc:
        raise ConfigurationError(str(exc)) from exc


def load_policies(path: Path, timezone: ZoneInfo) -> Policies:
    try:
        return _policies(load_config(path, PolicyFile), timezone)
    except ConfigFileError as exc:
        raise ConfigurationError(str(exc)) from exc


def _policies(model: PolicyFile, timezone: ZoneInfo) -> Policies:
    return Policies(
        rules=_to_domain(model, timezone),
        pickup_location=model.library.pickup_location,
        pickup_name=LocalizedText(vi=model.library.pickup_name_vi, en=model.library.pickup_name_en),
    )
