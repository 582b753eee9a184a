"""Request and response bodies: Base (shared fields), Create (what clients send), Public (what
the service returns).

Every text field refuses NUL characters and unpaired surrogates (PostgreSQL cannot store them,
so letting them through would turn a client mistake into a server error).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

PRIORITY = Literal["critical", "high", "medium", "low"]
STATUS = Literal["new", "open", "pending", "resolved", "closed"]
ENRICHMENT = Literal["complete", "pending"]
FEEDBACK_KIND = Literal["accepted", "rejected", "category_corrected"]


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError("must be valid Unicode (no unpaired surrogates)") from err
    return value


def _iso_text(value: object) -> object:
    """Timestamps are ISO 8601 strings; a bare number is more likely a mistake than epoch."""
    if isinstance(value, int | float):
        raise ValueError("must be an ISO 8601 string such as 2024-03-01T10:00:00Z")
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    if not 1970 <= value.year <= 9998:
        raise ValueError("must be between 1970 and 9998")
    return value


Name = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_storable)]
Subject = Annotated[str, Field(max_length=500), AfterValidator(_storable)]
Body = Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(_storable)]
Comment = Annotated[str, Field(max_length=2_000), AfterValidator(_storable)]
Channel = Annotated[
    str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_\-]+$"), AfterValidator(_storable)
]
UtcTime = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_utc)]


class TicketBase(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    subject: Subject | None = None
    body: Body
    channel: Channel | None = None
    priority: PRIORITY | None = None
    queue: Name | None = None
    product: Name | None = None
    customer_id: Name | None = None
    agent_id: Name | None = None
    team: Name | None = None


class TicketCreate(TicketBase):
    """A new ticket. ``external_id`` is the sender's own id: sending it again returns the
    original ticket (200) instead of a duplicate, like an ``Idempotency-Key`` header."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "external_id": "zendesk-48213",
                    "subject": "Router keeps dropping Wi-Fi",
                    "body": "Since the update our Router-X drops Wi-Fi every hour. Error E4711.",
                    "channel": "email",
                    "priority": "high",
                    "product": "Router-X",
                }
            ]
        },
    )

    external_id: Name | None = None
    created_at: UtcTime | None = None


class CategoryScore(BaseModel):
    category: str
    probability: float


class Suggestion(BaseModel):
    kind: Literal["kb_article", "similar_ticket"]
    id: str
    title: str
    score: float
    snippet: str
    product: str | None = None


class EnrichmentPublic(BaseModel):
    enrichment: ENRICHMENT
    category: str | None = None
    confidence: float | None = None
    needs_review: bool | None = None
    top_categories: list[CategoryScore] = Field(default_factory=list)
    recommendations: list[Suggestion] = Field(default_factory=list)
    suggested_resolution: str | None = None
    citations: list[str] = Field(default_factory=list)
    resolution_confidence: float | None = None
    model_version: str | None = None


class IntakePublic(EnrichmentPublic):
    """What ``POST /v1/tickets`` returns: 201 when created, 200 for a repeated request."""

    ticket_id: str
    external_id: str | None = None
    status: STATUS
    created_at: dt.datetime


class RecommendationsPublic(EnrichmentPublic):
    ticket_id: str


class TicketPublic(TicketBase, EnrichmentPublic):
    id: str
    external_id: str | None = None
    status: STATUS
    created_at: dt.datetime
    updated_at: dt.datetime
    received_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolution: str | None = None
    corrected_category: str | None = None
    body: str  # type: ignore[assignment]  # stored bodies are returned as they are


class FeedbackCreate(BaseModel):
    """One click of an agent: a suggestion accepted or rejected, or the category corrected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: FEEDBACK_KIND
    recommendation_id: Name | None = None
    category: Name | None = None
    comment: Comment | None = None
    agent_id: Name | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> FeedbackCreate:
        if self.kind in ("accepted", "rejected") and not self.recommendation_id:
            raise ValueError(f"kind {self.kind!r} needs recommendation_id (the suggestion's id)")
        if self.kind == "category_corrected" and not self.category:
            raise ValueError("kind 'category_corrected' needs category (the right category)")
        return self


class FeedbackPublic(BaseModel):
    id: int
    ticket_id: str
    kind: FEEDBACK_KIND
    recommendation_id: str | None = None
    category: str | None = None
    comment: str | None = None
    agent_id: str | None = None
    created_at: dt.datetime


class ResolveCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resolution: Body
    agent_id: Name | None = None
    resolved_at: UtcTime | None = None


class CountBy(BaseModel):
    key: str
    count: int


class FeedbackSummary(BaseModel):
    accepted: int
    rejected: int
    category_corrected: int
    acceptance_rate: float | None


class AnalyticsSummary(BaseModel):
    """Tickets received through the API in [start, end] (dates in UTC, end inclusive)."""

    start: dt.date
    end: dt.date
    received: int
    resolved: int
    open: int
    pending_enrichment: int
    needs_review_rate: float | None
    mean_confidence: float | None
    median_resolution_hours: float | None
    by_category: list[CountBy]
    by_channel: list[CountBy]
    by_priority: list[CountBy]
    feedback: FeedbackSummary


class AnomaliesPublic(BaseModel):
    source: str | None = Field(description="the anomalies.json read, or null when none exists")
    anomalies: list[dict[str, Any]]


class Problem(BaseModel):
    """Every error response: a sentence saying what was wrong and how to fix it."""

    detail: str


class HealthPublic(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
