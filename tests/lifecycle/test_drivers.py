"""The satisfaction driver challenger: trained by the analytics pipeline into its own folder,
gated on holdout R², installed where analytics reads it, and refused on unchanged data."""

from __future__ import annotations

from tickets.analytics import driver_store
from tickets.cli import compose_config
from tickets.lifecycle.challengers import _driver_metrics, driver_trial
from tickets.lifecycle.gate import gate_drivers
from tickets.lifecycle.promote import LivePaths, PromotionPlan, promote
from tickets.lifecycle.settings import DriverGate, LifecycleSettings
from tickets.models.settings import TrackingSettings
from tickets.tasks.analytics import settings_from_config

from .conftest import World


def test_driver_challenger_is_trained_gated_installed_and_refused_on_the_same_data(
    world: World, tmp_path
):
    cfg = compose_config(
        [
            f"paths.warehouse={world.generated}",
            f"paths.outputs={tmp_path}",
            "analytics.driver_min_responses=100",
            "analytics.bootstrap_rounds=5",
            "analytics.driver_num_boost_round=60",
        ]
    )
    analytics = settings_from_config(cfg)
    settings = LifecycleSettings(output_dir=tmp_path / "lifecycle")
    decision, folder, note = driver_trial(analytics, settings, tmp_path / "run")
    assert note == "driver model retrained"
    assert decision is not None and decision.passed and decision.champion is None
    r2 = next(c for c in decision.checks if c.name == "holdout_r2")
    assert r2.value is not None and r2.value > 0  # beats predicting the mean CSAT

    live = LivePaths(tmp_path / "index", analytics.models_dir, settings.output_dir)
    promote(PromotionPlan("run", "gate", drivers_source=folder), TrackingSettings(), live)
    installed = driver_store.load_metadata(analytics.models_dir)
    assert installed == driver_store.load_metadata(folder)

    # the same warehouse again: same data fingerprint, so no promotion
    same = gate_drivers(_driver_metrics(installed), _driver_metrics(installed), DriverGate())
    assert [c.name for c in same.failed_checks] == ["new_data"]
