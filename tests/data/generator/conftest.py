"""Generated warehouses shared by the generator tests (small, built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

from tickets.cli import compose_config, main
from tickets.data.generator.settings import GeneratorSettings

SMALL = ["--tickets", "4000", "--seed", "11", "--start", "2024-01-01", "--days", "150"]


def run_generate(root: Path, *flags: str) -> Path:
    assert main(["generate", "--output-dir", str(root), *flags]) == 0
    return root


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4,000 tickets with text over 150 days, anomalies planted, parquet bronze."""
    return run_generate(tmp_path_factory.mktemp("gen") / "wh", *SMALL)


@pytest.fixture
def small_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Typed settings from the real config, shrunk, pointing at tmp_path."""

    def build(**changes: object) -> GeneratorSettings:
        cfg = compose_config(["generator.tickets=1500", "generator.days=90"])
        raw = OmegaConf.to_container(cfg.generator, resolve=True)
        raw.update(output_dir=str(tmp_path / "out"), **changes)  # type: ignore[union-attr]
        return GeneratorSettings.from_mapping(raw)  # type: ignore[arg-type]

    return build
