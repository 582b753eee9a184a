"""The retrain command end to end, as an operator lives it (one story, steps in order):

1. bootstrap: no champion yet → the first challenger is promoted and the index goes live;
2. unchanged data → the challenger is no better, the gate refuses, the champion stays;
3. a batch with a planted shift lands in the inbox → ingested, the challenger learns the new
   issue, beats the champion, is promoted, and the index is extended and swapped;
4. ``--rollback`` → the previous champion and the previous index are back.
(Step 0 is a ``--dry-run``, which must leave no trace in the registry.)

Runs the real CLI on a generated warehouse (800 tickets), real MLflow (SQLite) and the real
index builder; only the sentence embedder is a cheap stand-in (tests/lifecycle/fakes.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tickets.lifecycle.champions import alias_version
from tickets.lifecycle.lock import RunLock
from tickets.lifecycle.releases import IndexReleases
from tickets.models.settings import TrackingSettings
from tickets.tasks.retrain import EXIT_BUSY
from tickets.utils.champion import read_champion_marker

from .conftest import World, retrain
from .planting import NEW_CATEGORY

NAME = "ticket-categorizer-category"


def _state(outputs: Path, rc: int) -> dict[str, Any]:
    runs = sorted((outputs / "lifecycle" / "runs").iterdir())
    tracking = TrackingSettings(f"sqlite:///{outputs}/mlflow.db", "tickets")
    read = lambda name: json.loads((runs[-1] / name).read_text())  # noqa: E731
    return {
        "rc": rc,
        "run": runs[-1],
        "runs": len(runs),
        "gate": read("gate.json"),
        "drift": read("drift.json"),
        "champion": alias_version(tracking, NAME),
        "index": IndexReleases(outputs / "index").current(),
        "marker": read_champion_marker(outputs / "models"),
    }


@pytest.fixture(scope="module")
def story(world: World, fake_embedder: None, tmp_path_factory: pytest.TempPathFactory):
    outputs = tmp_path_factory.mktemp("story") / "outputs"
    live = tmp_path_factory.mktemp("story-wh") / "warehouse"
    shutil.copytree(world.live, live)
    steps = {"dry_run": _state(outputs, retrain(live, outputs, "--dry-run"))}
    steps["bootstrap"] = _state(outputs, retrain(live, outputs))
    steps["unchanged"] = _state(outputs, retrain(live, outputs))
    (outputs / "inbox").mkdir()
    shutil.copy(world.shifted_batch, outputs / "inbox" / world.shifted_batch.name)
    steps["shifted"] = _state(outputs, retrain(live, outputs))
    rc = retrain(live, outputs, "--rollback")
    tracking = TrackingSettings(f"sqlite:///{outputs}/mlflow.db", "tickets")
    steps["rollback"] = {
        "rc": rc,
        "champion": alias_version(tracking, NAME),
        "index": IndexReleases(outputs / "index").current(),
        "marker": read_champion_marker(outputs / "models"),
        "history": json.loads((outputs / "lifecycle" / "history.json").read_text()),
    }
    return steps


def decision(state: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in state["gate"]["decisions"] if d["component"] == "categorizer:category")


def checks(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in decision(state)["checks"]}


def test_dry_run_evaluates_but_registers_and_promotes_nothing(story):
    dry = story["dry_run"]
    assert dry["rc"] == 0
    assert dry["champion"] is None and dry["index"] is None and dry["marker"] is None
    assert decision(dry)["challenger"]["version"] is None  # not registered
    assert decision(dry)["challenger"]["holdout"]["macro_f1"] > 0.8
    assert dry["gate"]["actions"] == ["dry run: nothing promoted"]


def test_a_second_run_exits_with_code_3_while_one_holds_the_lock(world, tmp_path, fake_embedder):
    outputs = tmp_path / "outputs"
    with RunLock(outputs / "lifecycle" / "retrain.lock"):
        assert retrain(world.live, outputs) == EXIT_BUSY
    assert not (outputs / "lifecycle" / "runs").exists()


def test_bootstrap_promotes_the_first_model_and_puts_the_index_live(story):
    first = story["bootstrap"]
    assert first["rc"] == 0
    assert first["champion"] == "1"
    assert decision(first)["passed"] and decision(first)["champion"] is None
    assert first["index"] is not None and first["index"].name == first["run"].name
    assert first["marker"]["models"] == {NAME: "1"}


def test_unchanged_data_keeps_the_champion_because_the_gate_refuses(story):
    kept = story["unchanged"]
    assert kept["rc"] == 0
    assert kept["champion"] == "1"  # challenger version 2 was registered but not promoted
    assert decision(kept)["challenger"]["version"] == "2"
    assert not decision(kept)["passed"]
    failed = [c["name"] for c in decision(kept)["checks"] if not c["passed"]]
    assert failed == ["macro_f1_gain"]
    assert checks(kept)["macro_f1_gain"]["value"] == 0.0  # same data, same seed, same model
    assert kept["gate"]["actions"] == ["kept the champions: no challenger passed the gate"]
    assert kept["index"] == story["bootstrap"]["index"]
    assert "## categorizer:category: FAIL" in (kept["run"] / "gate.md").read_text()


def test_drift_report_is_quiet_on_unchanged_data(story):
    drift = story["unchanged"]["drift"]
    assert drift["flagged"] is False
    kinds = {c["kind"] for c in drift["checks"]}
    assert kinds == {"numeric", "categorical", "embedding", "prediction", "review_rate"}


def test_planted_shift_promotes_the_better_challenger(story):
    shifted = story["shifted"]
    assert shifted["rc"] == 0
    assert decision(shifted)["passed"], decision(shifted)["checks"]
    assert shifted["champion"] == "3"
    holdout = decision(shifted)["challenger"]["holdout"]
    champion_holdout = decision(shifted)["champion"]["holdout"]
    assert holdout["per_class_f1"][NEW_CATEGORY] > 0.9
    assert champion_holdout["per_class_f1"][NEW_CATEGORY] == 0.0  # it never saw the class
    assert checks(shifted)["macro_f1_gain"]["value"] >= 0.05
    assert shifted["marker"]["models"] == {NAME: "3"}
    assert shifted["marker"]["action"] == "promote"


def test_planted_batch_is_ingested_and_the_index_extended_and_swapped(story, world):
    shifted = story["shifted"]
    ingest = json.loads((shifted["run"] / "ingest.json").read_text())
    assert ingest[0]["inserted"] > 0 and not ingest[0]["skipped"]
    assert shifted["index"].name == shifted["run"].name != story["bootstrap"]["index"].name
    stamp = json.loads((shifted["index"] / "index.json").read_text())
    assert (
        stamp["counts"]["tickets"]
        > json.loads((story["bootstrap"]["index"] / "index.json").read_text())["counts"]["tickets"]
    )


def test_drift_report_flags_the_planted_shift(story):
    drift = story["shifted"]["drift"]
    flagged = {c["name"] for c in drift["checks"] if c["flagged"]}
    assert drift["flagged"] is True
    # planted: a new category on chat, with its own words, that the champion files elsewhere
    assert {"category", "channel", "text_embedding", "predicted_category"} <= flagged
    # not planted: the queue, priority and reopen mix of the new tickets are the generator's
    assert {"queue", "priority", "reopened_count"}.isdisjoint(flagged)
    # planted too, but hidden: the new issue resolves 3x slower, yet the recent window's
    # resolution times are censored (slow tickets are still open), so the median barely moves
    resolution = next(c for c in drift["checks"] if c["name"] == "resolution_hours")
    assert resolution["statistics"]["psi"] > 0.1


def test_rollback_restores_the_previous_champion_and_index(story):
    back = story["rollback"]
    assert back["rc"] == 0
    assert back["champion"] == "1"
    assert back["index"] == story["bootstrap"]["index"]
    assert back["marker"]["action"] == "rollback" and back["marker"]["models"] == {NAME: "1"}
    last = back["history"]["promotions"][-1]
    assert last["models"][NAME] == {"from": "1", "to": "3"}
    assert last["rolled_back_at"] is not None
