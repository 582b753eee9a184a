"""The CLI dispatches subcommands, teaches with --help, and refuses clearly."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from tickets.cli import COMMANDS, main


def test_no_arguments_lists_every_command(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_help_page(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"python main.py {name}" in out and "key=value" in out


def test_unknown_command_suggests_the_closest(capsys):
    assert main(["analytcs"]) == 2
    assert "Did you mean 'analytics'?" in capsys.readouterr().err


def test_unbuilt_command_says_so_and_exits_2(capsys, monkeypatch):
    planned = dataclasses.replace(COMMANDS["anomalies"], task=None, issue="#99")
    monkeypatch.setitem(COMMANDS, "anomalies", planned)
    assert main(["anomalies"]) == 2
    out = capsys.readouterr().out.replace("\n", "")
    assert "'anomalies' is not built yet (planned in #99)" in out


def test_bad_override_is_a_config_error_not_a_traceback(capsys):
    assert main(["ingest", "data=no_such_preset"]) == 2
    assert "config error" in capsys.readouterr().out


def test_ingest_through_main_py(fixtures_dir, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "ingest",
            "--input",
            str(fixtures_dir / "ingest/tickets_mixed.csv"),
            "--warehouse",
            str(tmp_path / "wh"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=fixtures_dir.parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert "accepted" in result.stdout and "rejects.parquet" in result.stdout


def test_ingest_of_a_file_without_created_at_exits_nonzero_naming_it(
    fixtures_dir, tmp_path, capsys
):
    code = main(
        [
            "ingest",
            "--input",
            str(fixtures_dir / "ingest/no_created_at.csv"),
            "--warehouse",
            str(tmp_path),
        ]
    )
    assert code == 1
    assert "created_at" in capsys.readouterr().out.replace("\n", "")
