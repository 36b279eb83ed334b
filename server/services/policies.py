"""Loading `config/policies.toml`: validated by pydantic here, turned into the domain's `PolicySet`.

A bad file stops the server at start-up with a `ConfigurationError` naming the file and every problem.
"""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contract.common import LocalizedText
from server.domain.calendar import WeeklyCalendar
from server.domain.policies import CirculationRule, Label, PolicySet, RuleFields
from server.errors import ConfigurationError

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Days = Annotated[int, Field(ge=0, le=3650)]
Dong = Annotated[int, Field(ge=0, le=100_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelModel(_Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class LibraryModel(_Strict):
    closing_time: time = time(23, 59, 59)
    closed_weekdays: list[Weekday] = []
    closed_dates: list[date] = []
    fines_skip_closed_days: bool = True
    pickup_location: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    pickup_name_vi: str = Field(min_length=1)
    pickup_name_en: str = Field(min_length=1)


class RuleModel(_Strict):
    category: Code | Literal["*"]
    item_type: Code | Literal["*"]
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


class PolicyFile(_Strict):
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
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{source}: not valid TOML: {exc}") from exc
    try:
        model = PolicyFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"{source}: invalid circulation policy: {problems}") from exc
    return Policies(
        rules=_to_domain(model, timezone),
        pickup_location=model.library.pickup_location,
        pickup_name=LocalizedText(vi=model.library.pickup_name_vi, en=model.library.pickup_name_en),
    )


def load_policies(path: Path, timezone: ZoneInfo) -> Policies:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read the circulation policy {path}: {exc.strerror}") from exc
    return parse_policies(text, timezone, str(path))
