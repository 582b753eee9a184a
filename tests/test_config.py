"""Every config group and option composes, and defaults resolve."""

from __future__ import annotations

import pytest
from omegaconf import OmegaConf

from tickets.cli import compose_config, conf_dir
from tickets.data.adapter_spec import AdapterSpec

OPTIONS = sorted(
    (group.name, option.stem)
    for group in conf_dir().iterdir()
    if group.is_dir()
    for option in group.glob("*.yaml")
)


@pytest.mark.parametrize(("group", "option"), OPTIONS, ids=[f"{g}={o}" for g, o in OPTIONS])
def test_every_config_option_composes_and_resolves(group, option):
    cfg = compose_config([f"{group}={option}"])
    resolved = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(resolved, dict) and group in resolved


@pytest.mark.parametrize("preset", sorted(o for g, o in OPTIONS if g == "data"))
def test_every_data_preset_is_a_valid_adapter(preset):
    cfg = compose_config([f"data={preset}"])
    spec = AdapterSpec.from_mapping(OmegaConf.to_container(cfg.data, resolve=True))
    assert spec.name == preset


def test_defaults_point_reading_commands_at_the_bundled_sample():
    cfg = compose_config([])
    assert str(cfg.paths.warehouse).endswith("assets/sample")
    assert cfg.ingest.warehouse == "outputs/warehouse"
