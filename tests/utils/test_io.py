"""Atomic writes leave either the old or the new content, never a half."""

from __future__ import annotations

import pytest

from tickets.utils.io import atomic_directory, recover_directory, write_json_atomic


def test_failed_directory_build_keeps_the_old_one(tmp_path):
    target = tmp_path / "index"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        (staging / "new.txt").write_text("half")
        raise RuntimeError("crash")
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_successful_build_replaces_the_directory(tmp_path):
    target = tmp_path / "index"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with atomic_directory(target) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]


def test_interrupted_swap_is_recovered(tmp_path):
    target = tmp_path / "tickets"
    moved_aside = tmp_path / ".tickets.old"
    moved_aside.mkdir()
    (moved_aside / "part.parquet").write_text("data")
    recover_directory(target)
    assert (target / "part.parquet").read_text() == "data"


def test_json_written_atomically(tmp_path):
    path = write_json_atomic(tmp_path / "a" / "summary.json", {"n": 1})
    assert path.read_text() == '{\n  "n": 1\n}\n'
    assert [p.name for p in path.parent.iterdir()] == ["summary.json"]
