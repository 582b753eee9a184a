"""Fixtures of the analytics tests: settings pointing at a tmp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tickets.analytics.settings import AnalyticsSettings

from .builders import make_settings


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., AnalyticsSettings]:
    def build(warehouse: Path, **overrides: Any) -> AnalyticsSettings:
        return make_settings(warehouse, tmp_path, **overrides)

    return build


@pytest.fixture(scope="session")
def generated_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 generated tickets (seed 7, no text), shared by the tests that need planted truth."""
    from tickets.cli import main

    root = tmp_path_factory.mktemp("generated") / "wh"
    flags = ["--tickets", "5000", "--seed", "7", "--no-text", "--output-dir", str(root)]
    assert main(["generate", *flags, "generator.bronze=false"]) == 0
    return root
