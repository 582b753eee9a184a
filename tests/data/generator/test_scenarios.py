"""Scenarios compose into valid settings; scenario=NAME selects conf/generator/NAME.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from omegaconf import OmegaConf

from tickets.cli import compose_config, conf_dir, main
from tickets.data.args import parse_generate_args
from tickets.data.generator.settings import GeneratorSettings

SCENARIOS = sorted(p.stem for p in (conf_dir() / "generator").glob("*.yaml"))


def test_scenario_word_is_an_alias_of_the_generator_group():
    parsed = parse_generate_args(["--tickets", "10", "scenario=understaffed"])
    assert parsed.overrides == ["generator.tickets=10", "generator=understaffed"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_composes_into_valid_settings(name: str):
    cfg = compose_config([f"generator={name}"], command="generate")
    settings = GeneratorSettings.from_mapping(OmegaConf.to_container(cfg.generator, resolve=True))  # type: ignore[arg-type]
    assert settings.scenario == name
    low, high = settings.durations.breach_band
    assert 0 < low < high < 1


def test_sample_scenario_writes_the_bundled_sample_folder():
    cfg = compose_config(["generator=sample"], command="generate")
    assert Path(cfg.generator.output_dir) == Path(cfg.paths.sample_warehouse)
    assert (cfg.generator.tickets, cfg.generator.seed, cfg.generator.text) == (5000, 7, True)


def test_invalid_setting_is_a_config_error_not_a_crash(tmp_path: Path, capsys):
    code = main(
        [
            "generate",
            "--output-dir",
            str(tmp_path / "x"),
            "generator.durations.planned_breach.low=1.5",
        ]
    )
    assert code == 2
    assert "planned_breach" in capsys.readouterr().out
    assert not (tmp_path / "x").exists()
