"""``parse_analytics_args``: flags become Hydra overrides; bad input is refused."""

from __future__ import annotations

import pytest

from tickets.analytics.args import parse_analytics_args
from tickets.cli import compose_config


def test_every_flag_becomes_an_override():
    parsed = parse_analytics_args(
        [
            "--start-date", "2024-01-01",
            "--end-date", "2024-01-31",
            "--agent-id", "AGENT-101",
            "--output-dir", "outputs/analytics",
            "--dry-run",
            "--refresh-models",
        ]
    )  # fmt: skip
    assert parsed.overrides == [
        "analytics.start_date='2024-01-01'",
        "analytics.end_date='2024-01-31'",
        "analytics.agent_ids=['AGENT-101']",
        "analytics.output_dir='outputs/analytics'",
        "analytics.dry_run=true",
        "analytics.refresh_models=true",
    ]


def test_overrides_compose_into_the_config():
    parsed = parse_analytics_args(
        ["--start-date", "2024-01-01", "--agent-id", "A 1", "--agent-id", "B'2", "sla=calendar"]
    )
    cfg = compose_config(parsed.overrides, command="analytics")
    assert cfg.analytics.start_date == "2024-01-01"
    assert list(cfg.analytics.agent_ids) == ["A 1", "B'2"]
    assert cfg.sla.clock == "calendar"


def test_unset_flags_leave_the_defaults_alone():
    assert parse_analytics_args([]).overrides == []


def test_passthrough_overrides_come_last():
    parsed = parse_analytics_args(["engine=pyspark", "--dry-run"])
    assert parsed.overrides == ["analytics.dry_run=true", "engine=pyspark"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--start-date", "2024-13-01"], "is not a date; expected YYYY-MM-DD"),
        (["--end-date", "yesterday"], "is not a date"),
        (["--start-date", "2024-02-01", "--end-date", "2024-01-31"], "is before --start-date"),
        (["--unknown-flag"], "unrecognized arguments: --unknown-flag"),
        (["stray"], "unexpected argument 'stray'"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_analytics_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
