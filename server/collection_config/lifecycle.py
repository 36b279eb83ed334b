"""`config/lifecycle.toml`: the missing → lost timers, and what a reader pays for an item lost from a loan."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from contract.config_files import ConfigModel
from server.collection_config.reading import read_file, read_text
from server.domain.lifecycle.settings import ANY_CATEGORY, ChargeSettings, LifecycleSettings, MissingTimers
from server.errors import ConfigurationError
from server.services.policies import CodeOrAny, Dong

LIFECYCLE_FILE = "lifecycle.toml"

Days = Annotated[int, Field(ge=1, le=3650)]


class MissingSection(ConfigModel):
    search_after_days: list[Days] = Field(max_length=12)
    lost_after_days: Days
    propose_withdrawal_after_days: Annotated[int, Field(ge=0, le=3650)]

    @model_validator(mode="after")
    def _schedule_works(self) -> MissingSection:
        self.timers()  # raises ValueError, reported under [missing] with the other problems
        return self

    def timers(self) -> MissingTimers:
        return MissingTimers(
            search_after=tuple(timedelta(days=d) for d in self.search_after_days),
            lost_after=timedelta(days=self.lost_after_days),
            propose_withdrawal_after=timedelta(days=self.propose_withdrawal_after_days),
        )


class LostFromLoanSection(ConfigModel):
    processing_fee: Dong
    refund_when_found: bool
    default_charge: dict[CodeOrAny, Dong]

    @field_validator("default_charge")
    @classmethod
    def _every_category_has_a_charge(cls, value: dict[str, int]) -> dict[str, int]:
        if ANY_CATEGORY not in value:
            raise ValueError('needs "*", the charge for every category not named')
        return value

    def charges(self) -> ChargeSettings:
        return ChargeSettings(
            default_charge=MappingProxyType(dict(self.default_charge)),
            processing_fee=self.processing_fee,
            refund_when_found=self.refund_when_found,
        )


class LifecycleFile(ConfigModel):
    missing: MissingSection
    lost_from_loan: LostFromLoanSection


def _settings(file: LifecycleFile, source: str, categories: Collection[str] | None) -> LifecycleSettings:
    if categories is not None:
        unknown = sorted(set(file.lost_from_loan.default_charge) - {ANY_CATEGORY} - set(categories))
        if unknown:
            known = ", ".join(sorted(categories))
            problems = "; ".join(
                f"lost_from_loan.default_charge.{code}: not a patron category (known: {known})"
                for code in unknown
            )
            raise ConfigurationError(f"{source}: {problems}")
    return LifecycleSettings(missing=file.missing.timers(), charges=file.lost_from_loan.charges())


def load_lifecycle(path: Path, categories: Collection[str] | None = None) -> LifecycleSettings:
    """The file's settings; `categories` (the policy's patron categories), when given, must name every
    category the default charges name."""
    return _settings(read_file(path, LifecycleFile), str(path), categories)


def parse_lifecycle(
    text: str, source: str = LIFECYCLE_FILE, categories: Collection[str] | None = None
) -> LifecycleSettings:
    return _settings(read_text(text, source, LifecycleFile), source, categories)
