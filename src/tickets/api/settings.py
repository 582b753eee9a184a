"""Typed service settings (pydantic-settings).

Values come from three places, strongest first: ``TICKETS_*`` environment variables (e.g.
``TICKETS_DATABASE_URL``, ``TICKETS_API_KEY_PEPPER``, ``TICKETS_ENVIRONMENT``), then the values
that ``tickets.tasks.serve`` reads from ``conf/api/*.yaml`` and passes in, then the defaults
below (which only serve tests and library users; conf/api/default.yaml mirrors them).

In production mode the service refuses to start with a default secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_PEPPER = "dev-only-pepper-change-me"
CHAMPION_URI = "models:/ticket-categorizer-category@champion"


class DefaultSecretError(ValueError):
    """A default secret in production mode; the message names the variable to set."""


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TICKETS_", extra="ignore", frozen=True)

    environment: Literal["development", "production"] = "development"
    database_url: str | None = None  # None → SQLite at <outputs>/api/tickets.db (WAL mode)
    database_schema: str | None = None  # PostgreSQL schema (search_path); tests use their own
    outputs: Path = Path("outputs")
    log_level: str = "INFO"
    api_key_pepper: SecretStr = SecretStr(DEFAULT_PEPPER)  # HMAC key of the stored key hashes
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "FULL"
    pool_size: int = Field(default=10, ge=1)

    max_body_bytes: int = Field(default=65_536, ge=1_024)
    rate_limit_per_second: float = Field(default=200.0, gt=0)  # per API key, per process
    rate_limit_burst: int = Field(default=400, ge=1)
    key_cache_seconds: float = Field(default=10.0, ge=0)

    enrichment_timeout_s: float = Field(default=2.0, gt=0)  # slower → stored as pending
    enrichment_batch: int = Field(default=16, ge=1)  # tickets categorised together at most
    enrichment_max_queue: int = Field(default=128, ge=1)  # beyond: answer pending at once
    enrichment_budget_s: float = Field(default=0.15, gt=0)  # predicted wait above: pending at once
    enrichment_overload_timeout_s: float = Field(default=0.15, gt=0)  # the wait while shedding
    retry_interval_s: float = Field(default=5.0, gt=0)
    retry_batch: int = Field(default=50, ge=1)
    retry_lease_s: float = Field(default=120.0, gt=0)
    retry_max_attempts: int = Field(default=10, ge=1)
    retry_min_age_s: float = Field(default=10.0, ge=0)  # younger pending tickets may be queued
    torch_threads: int = Field(default=1, ge=1)  # intra-op threads of the embedding model
    load_models: bool = True  # false: no enricher (every ticket stays pending); for tests

    model_uri: str = CHAMPION_URI
    tracking_uri: str | None = None  # None → sqlite:///<outputs>/mlflow.db
    review_threshold: float | None = Field(default=None, ge=0, le=1)  # None: the model's own
    index_dir: Path | None = None  # None → <outputs>/index
    models_dir: Path | None = None  # None → <outputs>/models (where retrain writes CHAMPION)
    champion_poll_s: float = Field(default=5.0, ge=0)  # 0: never reload (SIGHUP still does)
    starter_dir: Path | None = None  # None → <outputs>/api/starter
    starter_warehouse: Path | None = None  # warehouse the starter model and index learn from
    build_starter: bool = True
    starter_max_tickets: int = Field(default=600, ge=10)  # solved tickets in a starter index
    top_k: int = Field(default=5, ge=1, le=50)
    retrieval: dict[str, object] = Field(default_factory=dict)  # the resolved retrieval config
    failure_log: Path | None = None  # None → <outputs>/retrieval/failures.jsonl
    anomalies_dir: Path | None = None  # None → <outputs>/anomalies

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment beats the config files (twelve-factor); config beats defaults."""
        return env_settings, init_settings, file_secret_settings

    @model_validator(mode="after")
    def _no_default_secrets_in_production(self) -> ApiSettings:
        if self.environment != "production":
            return self
        if self.api_key_pepper.get_secret_value() in (DEFAULT_PEPPER, ""):
            raise DefaultSecretError(
                "TICKETS_ENVIRONMENT=production but TICKETS_API_KEY_PEPPER is the default: "
                "set it to a long random value (e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))') and keep it stable, or every key stops working"
            )
        if len(self.api_key_pepper.get_secret_value()) < 32:
            raise DefaultSecretError("TICKETS_API_KEY_PEPPER must be at least 32 characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.outputs / 'api' / 'tickets.db').as_posix()}"

    @property
    def resolved_tracking_uri(self) -> str:
        return self.tracking_uri or f"sqlite:///{(self.outputs / 'mlflow.db').as_posix()}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or self.outputs / "index"

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.outputs / "models"

    @property
    def resolved_starter_dir(self) -> Path:
        return self.starter_dir or self.outputs / "api" / "starter"

    @property
    def resolved_failure_log(self) -> Path:
        return self.failure_log or self.outputs / "retrieval" / "failures.jsonl"

    @property
    def resolved_anomalies_dir(self) -> Path:
        return self.anomalies_dir or self.outputs / "anomalies"
