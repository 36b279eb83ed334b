"""`config/weeding.toml`: the weeding rules per Dewey range, floors, protections, rounds and the plan."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from contract.config_files import ConfigModel, Lax
from server.collection_config.reading import read_file, read_text
from server.domain.weeding.settings import (
    PREFIX,
    Combine,
    CrewFormula,
    Floors,
    PlanSettings,
    Protections,
    RangeFields,
    RangeTable,
    RoundRules,
    WeedingSettings,
)
from server.services.policies import Code

WEEDING_FILE = "weeding.toml"

Years = Annotated[int, Field(ge=0, le=100)]
PerCopy = Annotated[float, Field(ge=0, le=1000)]
LocationCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


def _crew(text: str | None) -> str | None:
    if text is not None:
        CrewFormula.parse(text)  # raises ValueError with the way to write it
    return text


class FloorsSection(ConfigModel):
    learners: Annotated[int, Field(ge=0, le=10_000_000)]
    textbook_item_types: list[Code]
    reference_item_types: list[Code]
    textbook_copies_per_1000_learners: Annotated[int, Field(ge=0, le=1000)]
    reference_copies_per_1000_learners: Annotated[int, Field(ge=0, le=1000)]
    superseded_textbook_copies: Annotated[int, Field(ge=0, le=100)]

    @model_validator(mode="after")
    def _floors_work(self) -> FloorsSection:
        self.floors()
        return self

    def floors(self) -> Floors:
        return Floors(
            learners=self.learners,
            textbook_types=frozenset(self.textbook_item_types),
            reference_types=frozenset(self.reference_item_types),
            textbook_per_1000=self.textbook_copies_per_1000_learners,
            reference_per_1000=self.reference_copies_per_1000_learners,
            superseded_textbook_keep=self.superseded_textbook_copies,
        )


class ProtectSection(ConfigModel):
    item_types: list[Code]
    locations: list[LocationCode]
    imprints_before: Annotated[int, Field(ge=0, le=3000)]  # 0: no imprint is protected for its age


class RoundsSection(ConfigModel):
    max_share_percent: Annotated[int, Field(ge=0, le=100)]
    years_up_to_threshold: Annotated[int, Field(ge=1, le=50)]
    years_above_threshold: Annotated[int, Field(ge=1, le=50)]
    threshold_units: Annotated[int, Field(ge=1)]


class RulesSection(ConfigModel):
    crew: str
    combine: Annotated[Combine, Lax]
    missing_or_lost_years: Years
    surplus_below_uses_per_copy: PerCopy

    _crew_is_a_formula = field_validator("crew")(_crew)

    def fields(self) -> RangeFields:
        return RangeFields(
            CrewFormula.parse(self.crew),
            self.combine,
            self.missing_or_lost_years,
            self.surplus_below_uses_per_copy,
        )


class RangeSection(ConfigModel):
    prefix: str = Field(pattern=PREFIX.pattern)
    crew: str | None = None
    combine: Annotated[Combine, Lax] | None = None
    missing_or_lost_years: Years | None = None
    surplus_below_uses_per_copy: PerCopy | None = None

    _crew_is_a_formula = field_validator("crew")(_crew)

    def fields(self) -> RangeFields:
        return RangeFields(
            None if self.crew is None else CrewFormula.parse(self.crew),
            self.combine,
            self.missing_or_lost_years,
            self.surplus_below_uses_per_copy,
        )


class PlanSection(ConfigModel):
    age_bands: list[Annotated[int, Field(ge=1, le=200)]] = Field(min_length=1, max_length=12)
    class_digits: Annotated[int, Field(ge=1, le=3)]
    hold_ratio: Annotated[float, Field(gt=0, le=1000)]
    turnover_factor: Annotated[float, Field(gt=0, le=1000)]
    min_class_loans: Annotated[int, Field(ge=0)]

    @field_validator("age_bands")
    @classmethod
    def _increasing(cls, bands: list[int]) -> list[int]:
        if bands != sorted(set(bands)):
            raise ValueError(f"must increase, each band's upper end after the last, got {bands}")
        return bands

    def plan(self) -> PlanSettings:
        return PlanSettings(
            tuple(self.age_bands),
            self.class_digits,
            self.hold_ratio,
            self.turnover_factor,
            self.min_class_loans,
        )


class WeedingFile(ConfigModel):
    floors: FloorsSection
    protect: ProtectSection
    rounds: RoundsSection
    rules: RulesSection
    range: list[RangeSection] = Field(default_factory=list)
    plan: PlanSection

    @field_validator("range")
    @classmethod
    def _each_prefix_once(cls, ranges: list[RangeSection]) -> list[RangeSection]:
        first: dict[str, int] = {}
        for index, entry in enumerate(ranges):
            if entry.prefix in first:
                earlier = first[entry.prefix]
                raise ValueError(
                    f"prefix {entry.prefix!r} of range[{index}] is set already by range[{earlier}]"
                )
            first[entry.prefix] = index
        return ranges


def _settings(file: WeedingFile) -> WeedingSettings:
    table = RangeTable(
        default=file.rules.fields(),
        ranges=MappingProxyType({entry.prefix: entry.fields() for entry in file.range}),
    )
    protect = file.protect
    rounds = file.rounds
    return WeedingSettings(
        ranges=table,
        floors=file.floors.floors(),
        protections=Protections(
            item_types=frozenset(protect.item_types),
            locations=frozenset(protect.locations),
            imprints_before=protect.imprints_before or None,
        ),
        rounds=RoundRules(
            rounds.max_share_percent,
            rounds.years_up_to_threshold,
            rounds.years_above_threshold,
            rounds.threshold_units,
        ),
        plan=file.plan.plan(),
    )


def load_weeding(path: Path) -> WeedingSettings:
    return _settings(read_file(path, WeedingFile))


def parse_weeding(text: str, source: str = WEEDING_FILE) -> WeedingSettings:
    return _settings(read_text(text, source, WeedingFile))
