"""Typed generator settings: conf/generator/*.yaml validated into frozen pydantic models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tickets.schemas.tickets import PRIORITIES

_FROZEN = ConfigDict(frozen=True, extra="forbid")
Shares = dict[str, float]


class ArrivalSettings(BaseModel):
    model_config = _FROZEN
    weekday: tuple[float, ...] = Field(min_length=7, max_length=7)
    hour: tuple[float, ...] = Field(min_length=24, max_length=24)
    growth_per_year: float
    holiday_factor: float = Field(ge=0)
    launch_boost: float = Field(ge=1)
    launch_boost_days: int = Field(ge=1)
    launch_day_fraction: float = Field(ge=0, le=1)


class DurationSettings(BaseModel):
    model_config = _FROZEN
    first_response_sigma: float = Field(gt=0)
    resolution_sigma: float = Field(gt=0)
    planned_breach: Shares
    first_response_share: float = Field(gt=0, lt=1)
    breach_band: tuple[float, float]
    workload_elasticity: float
    skill_range: tuple[float, float]
    close_after_hours: float = Field(gt=0)
    reopen_gap_hours: float = Field(gt=0)
    max_business_hours: float = Field(gt=0)

    @field_validator("planned_breach")
    @classmethod
    def _every_priority(cls, value: Shares) -> Shares:
        missing = [p for p in PRIORITIES if p not in value]
        if missing:
            raise ValueError(f"generator.durations.planned_breach lacks priorities {missing}")
        if not all(0 < v < 1 for v in value.values()):
            raise ValueError("generator.durations.planned_breach values must lie in (0, 1)")
        return value


class LifecycleSettings(BaseModel):
    model_config = _FROZEN
    reopen_rate: float = Field(ge=0, le=1)
    reassign_rate: float = Field(ge=0)
    pending_rate: float = Field(ge=0, le=1)
    extra_replies: float = Field(ge=0)
    one_touch_rate: float = Field(ge=0, le=1)
    escalation: Shares


class CsatSettings(BaseModel):
    model_config = _FROZEN
    response_rate: Shares
    intercept: float
    reference_resolution_hours: float = Field(gt=0)
    reference_first_response_hours: float = Field(gt=0)
    resolution_per_doubling: float
    reopen_per_reopen: float
    first_response_per_doubling: float
    agent_effects: tuple[float, ...]
    channel: Shares
    segment: Shares
    noise_sd: float = Field(ge=0)

    @field_validator("response_rate")
    @classmethod
    def _below_one(cls, value: Shares) -> Shares:
        if not all(0 < v < 1 for v in value.values()):
            raise ValueError("generator.csat.response_rate values must lie in (0, 1)")
        return value


class TextSettings(BaseModel):
    model_config = _FROZEN
    non_english_share: float = Field(ge=0, le=1)
    languages: Shares
    typo_rate: float = Field(ge=0, le=1)
    lowercase_rate: float = Field(ge=0, le=1)
    tones: Shares


class VolumeSpikeSettings(BaseModel):
    model_config = _FROZEN
    product: str
    at: float = Field(ge=0, lt=1)
    days: int = Field(ge=1)
    multiplier: float = Field(gt=1)


class EmergingIssueSettings(BaseModel):
    model_config = _FROZEN
    at: float = Field(ge=0, lt=1)
    days: int = Field(ge=2)
    final_share: float = Field(gt=0, lt=1)


class SentimentDropSettings(BaseModel):
    model_config = _FROZEN
    queue: str
    at: float = Field(ge=0, lt=1)
    days: int = Field(ge=1)
    csat_delta: float = Field(lt=0)
    tones: Shares


class KbGapSettings(BaseModel):
    model_config = _FROZEN
    at: float = Field(ge=0, lt=1)
    share: float = Field(gt=0, lt=1)


class PlantedSettings(BaseModel):
    model_config = _FROZEN
    volume_spike: VolumeSpikeSettings
    emerging_issue: EmergingIssueSettings
    sentiment_drop: SentimentDropSettings
    kb_gap: KbGapSettings


class GeneratorSettings(BaseModel):
    """Everything ``generate`` needs; the same settings and seed give byte-identical output."""

    model_config = _FROZEN
    tickets: int = Field(gt=0)
    seed: int
    output_dir: Path
    start: dt.date
    days: int = Field(gt=0)
    bronze_format: Literal["parquet", "jsonl", "csv"]
    bronze: bool
    text: bool
    anomalies: bool
    scenario: str
    chunk_rows: int = Field(gt=0)
    agents: int = Field(ge=12)
    customers: int | None = Field(gt=0)
    arrivals: ArrivalSettings
    durations: DurationSettings
    lifecycle: LifecycleSettings
    csat: CsatSettings
    text_style: TextSettings
    planted: PlantedSettings

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> GeneratorSettings:
        """Validate the plain ``generator`` config mapping."""
        return cls.model_validate(dict(raw))

    @property
    def customer_count(self) -> int:
        if self.customers is not None:
            return self.customers
        return int(min(max(self.tickets // 5, 100), 500_000))

    @property
    def end(self) -> dt.date:
        """The first day after the period: tickets are created before its midnight (UTC)."""
        return self.start + dt.timedelta(days=self.days)
