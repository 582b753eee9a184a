"""The task turns the composed config into typed settings (the only place that sees Hydra)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tickets.cli import compose_config
from tickets.tasks.analytics import settings_from_config


def test_defaults_compose_into_settings():
    settings = settings_from_config(compose_config(command="analytics"))
    assert settings.warehouse.name == "sample" and settings.engine.name == "duckdb"
    assert settings.sla.clock == "business" and settings.sla.targets["high"].resolution_hours == 24
    assert settings.drivers.min_responses == 200 and settings.window_days == 30
    assert settings.models_dir == Path("outputs/models")


def test_flags_and_groups_reach_the_settings():
    overrides = [
        "analytics.start_date='2024-03-04'",
        "analytics.agent_ids=['A1','A2']",
        "engine=pyspark",
        "sla=calendar",
        "reporting_timezone=Europe/Berlin",
        "+engine.conf.spark.sql.codegen.wholeStage=false",
    ]
    settings = settings_from_config(compose_config(overrides, command="analytics"))
    assert settings.start_date == dt.date(2024, 3, 4) and settings.agent_ids == ("A1", "A2")
    assert (settings.engine.name, settings.sla.clock) == ("pyspark", "calendar")
    assert settings.engine.spark_conf == {"spark.sql.codegen.wholeStage": "false"}
    assert settings.reporting_timezone == "Europe/Berlin"
    assert settings.resolved_config["engine"]["name"] == "pyspark"
