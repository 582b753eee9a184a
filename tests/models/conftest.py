"""Fixtures of the categorisation tests: the hand-made labelled tickets and tiny settings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def models_fixtures(fixtures_dir: Path) -> Path:
    return fixtures_dir / "models"


@pytest.fixture()
def labelled(models_fixtures: Path) -> pd.DataFrame:
    """36 tickets, 12 each of billing / network / access, 7 hours apart, channel and priority."""
    frame = pd.read_csv(models_fixtures / "labelled.csv")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame
