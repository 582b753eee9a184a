"""Index releases behind a symlink, driver model files, and promote/rollback of both (the
MLflow part is covered by the retrain story)."""

from __future__ import annotations

import json
from pathlib import Path

from tickets.lifecycle.promote import LivePaths, PromotionPlan, promote, rollback
from tickets.lifecycle.releases import DRIVER_FILES, IndexReleases
from tickets.models.settings import TrackingSettings
from tickets.utils.champion import ChampionWatcher, read_champion_marker
from tickets.utils.io import atomic_directory

NO_TRACKING = TrackingSettings("sqlite:///unused.db")


def release(releases: IndexReleases, run: str, content: str) -> Path:
    folder = releases.candidate(run)
    (folder / "index.json").write_text(content)
    return folder


def test_swapping_points_the_live_path_at_the_release(tmp_path):
    releases = IndexReleases(tmp_path / "index")
    first = release(releases, "r1", "one")
    assert releases.swap_to(first) is None
    assert (tmp_path / "index").is_symlink()
    assert (tmp_path / "index" / "index.json").read_text() == "one"
    second = release(releases, "r2", "two")
    assert releases.swap_to(second) == first.resolve()
    assert releases.current() == second.resolve()
    assert (tmp_path / "index" / "index.json").read_text() == "two"


def test_a_candidate_starts_as_a_copy_of_the_live_index(tmp_path):
    releases = IndexReleases(tmp_path / "index")
    releases.swap_to(release(releases, "r1", "one"))
    assert (releases.candidate("r2") / "index.json").read_text() == "one"


def test_a_live_folder_is_adopted_as_a_release_on_the_first_swap(tmp_path):
    live = tmp_path / "index"
    live.mkdir()
    (live / "index.json").write_text("built by 'python main.py index'")
    releases = IndexReleases(live)
    adopted = releases.swap_to(release(releases, "r1", "one"))
    assert adopted is not None and adopted.parent.name == "index_releases"
    assert (adopted / "index.json").read_text() == "built by 'python main.py index'"
    releases.swap_to(adopted)  # and back, as a rollback does
    assert (live / "index.json").read_text() == "built by 'python main.py index'"


def test_rebuilding_over_a_symlinked_index_replaces_the_link_not_the_release(tmp_path):
    releases = IndexReleases(tmp_path / "index")
    first = release(releases, "r1", "one")
    releases.swap_to(first)
    with atomic_directory(tmp_path / "index") as staging:  # what 'python main.py index' does
        (staging / "index.json").write_text("rebuilt")
    assert not (tmp_path / "index").is_symlink()
    assert (tmp_path / "index" / "index.json").read_text() == "rebuilt"
    assert (first / "index.json").read_text() == "one"


def test_pruning_keeps_the_live_release_and_the_newest(tmp_path):
    releases = IndexReleases(tmp_path / "index")
    folders = [release(releases, f"r{i}", str(i)) for i in range(5)]
    releases.swap_to(folders[0])
    removed = releases.prune(keep=3)
    assert sorted(p.name for p in removed) == ["r1", "r2"]
    assert sorted(p.name for p in releases.root.iterdir()) == ["r0", "r3", "r4"]


def drivers(folder: Path, label: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in DRIVER_FILES:
        (folder / name).write_text(label)
    return folder


def test_promote_then_rollback_restores_index_and_driver_model(tmp_path):
    live = LivePaths(tmp_path / "index", tmp_path / "models", tmp_path / "lifecycle")
    releases = IndexReleases(live.index)
    old_index = release(releases, "r1", "old")
    releases.swap_to(old_index)
    drivers(live.models_dir, "old model")
    watcher = ChampionWatcher(live.models_dir)
    watcher.changed()  # primes: no marker yet
    plan = PromotionPlan(
        "r2",
        "gate",
        index_release=release(releases, "r2", "new"),
        drivers_source=drivers(tmp_path / "run" / "drivers", "new model"),
    )
    actions = promote(plan, NO_TRACKING, live)
    assert len(actions) == 2
    assert (live.index / "index.json").read_text() == "new"
    assert (live.models_dir / DRIVER_FILES[0]).read_text() == "new model"
    assert watcher.changed() and not watcher.changed()
    assert read_champion_marker(live.models_dir)["action"] == "promote"

    assert rollback("rb-1", NO_TRACKING, live) is not None
    assert (live.index / "index.json").read_text() == "old"
    assert (live.models_dir / DRIVER_FILES[1]).read_text() == "old model"
    assert watcher.changed()
    assert read_champion_marker(live.models_dir)["index_release"] == str(old_index.resolve())
    history = json.loads(live.history.read_text())["promotions"]
    assert history[0]["rolled_back_by"] == "rb-1"
    assert rollback("rb-2", NO_TRACKING, live) is None  # nothing left in force
