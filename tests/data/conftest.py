"""Helpers for data-layer tests: adapter specs composed from the real presets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from omegaconf import OmegaConf

from tickets.cli import compose_config
from tickets.data.adapter_spec import AdapterSpec


@pytest.fixture(scope="session")
def preset_spec() -> Callable[..., AdapterSpec]:
    def build(preset: str = "canonical", *overrides: str) -> AdapterSpec:
        cfg = compose_config([f"data={preset}", *overrides])
        return AdapterSpec.from_mapping(OmegaConf.to_container(cfg.data, resolve=True))  # type: ignore[arg-type]

    return build
