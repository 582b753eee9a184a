"""On a generated warehouse: the driver model finds the planted CSAT drivers, the computed SLA
breach matches the generator's flag, and the saved model is reused or refreshed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tickets.analytics.pipeline import run_analytics

from .builders import make_settings

FULL_YEAR = {"start_date": dt.date(2024, 1, 1), "end_date": dt.date(2024, 12, 30)}


@pytest.fixture(scope="module")
def first_run(generated_warehouse: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("generated-run")
    settings = make_settings(generated_warehouse, tmp, output_dir=tmp / "run", **FULL_YEAR)
    return run_analytics(settings), settings


def test_driver_model_recovers_the_planted_drivers(first_run, generated_warehouse):
    result, _ = first_run
    truth = json.loads((generated_warehouse / "ground_truth.json").read_text())["csat_drivers"]
    reported = {d["feature"]: d for d in result.drivers.drivers[:5]}
    for planted in truth[:3]:
        assert planted["feature"] in reported, (planted["feature"], list(reported))
        if planted["sign"]:
            assert reported[planted["feature"]]["direction"] == planted["sign"]
    assert result.drivers.model["metrics"]["holdout_r2"] > 0.2


def test_driver_intervals_bracket_the_estimate(first_run):
    result, _ = first_run
    for driver in result.drivers.drivers:
        assert driver["importance_ci_low"] <= driver["importance"] <= driver["importance_ci_high"]


def test_computed_sla_breach_agrees_with_the_generator_flag(first_run):
    result, _ = first_run
    # the generator breaches tickets on the same per-queue business calendars
    assert result.bundle.headline["sla_source_agreement_pct"] >= 99.0


def test_saved_model_is_reused_then_refreshed_on_request(first_run):
    result, settings = first_run
    models = settings.models_dir
    assert (models / "satisfaction_model.pkl").exists()
    assert json.loads((models / "satisfaction_model.json").read_text())["features"][0] == (
        "resolution_hours"
    )
    again = run_analytics(replace(settings, dry_run=True))
    assert again.drivers.model["reused"] is True
    assert again.drivers.drivers == result.drivers.drivers
    refreshed = run_analytics(replace(settings, dry_run=True, refresh_models=True))
    assert refreshed.drivers.model["reused"] is False
    assert "--refresh-models" in refreshed.drivers.message
