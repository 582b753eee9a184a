"""``python main.py analytics`` end to end: outputs, dry run, and bad input without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tickets.cli import main
from tickets.data.warehouse import Warehouse

from .builders import at, write_tickets
from .handmade import build

WINDOW_FLAGS = ["--start-date", "2024-03-04", "--end-date", "2024-03-10"]


def run(tmp: Path, warehouse: Path, *flags: str) -> int:
    return main(
        ["analytics", "--warehouse", str(warehouse), *flags, f"paths.outputs={tmp / 'outputs'}"]
    )


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("command")
    warehouse = build(tmp / "wh")
    assert run(tmp, warehouse.root, *WINDOW_FLAGS, "--output-dir", str(tmp / "run")) == 0
    return tmp / "run"


def test_run_folder_holds_every_output(run_folder):
    names = {p.name for p in run_folder.iterdir()}
    tables = [
        "volume",
        "resolution_time",
        "sla_compliance",
        "csat",
        "csat_drivers",
        "agent_performance",
    ]
    expected = {f"{t}.{ext}" for t in tables for ext in ("csv", "parquet")}
    expected |= {"summary.json", "tickets_enriched.parquet", "report.html", "manifest.json"}
    assert names == expected


def test_resolution_table_has_the_documented_columns(run_folder):
    table = pq.read_table(run_folder / "resolution_time.parquet").to_pandas()
    for column in (
        "dimension",
        "value",
        "tickets",
        "median_hours",
        "p90_hours",
        "mean_hours",
        "median_business_hours",
        "p90_business_hours",
        "mean_business_hours",
    ):
        assert column in table.columns
    assert set(table["dimension"]) == {"overall", "priority", "queue", "channel", "team", "segment"}


def test_enriched_tickets_allow_drill_down(run_folder):
    enriched = pq.read_table(run_folder / "tickets_enriched.parquet").to_pandas()
    # the window's tickets: received, resolved or open at its end
    assert sorted(enriched["ticket_id"]) == sorted(
        ["T1", "T2", "T3", "T4", "T6", "T8", "T9", "T10"]
    )
    t2 = enriched.set_index("ticket_id").loc["T2"]
    assert (t2["resolution_hours"], t2["resolution_business_hours"]) == (52, 20)
    assert (bool(t2["sla_first_response_met"]), bool(t2["sla_resolution_met"])) == (True, False)
    assert enriched["in_received"].sum() == 6 and enriched["in_backlog"].sum() == 5


def test_summary_and_manifest_trace_the_numbers(run_folder):
    summary = json.loads((run_folder / "summary.json").read_text())
    assert summary["headline"]["received"] == 6 and summary["previous"]["received"] == 2
    assert summary["window"]["end_date"] == "2024-03-10" and summary["empty"] is False
    assert summary["csat_drivers"]["status"] == "sparse"
    manifest = json.loads((run_folder / "manifest.json").read_text())
    assert manifest["config"]["analytics"]["start_date"] == "2024-03-04"
    assert manifest["row_counts"]["tickets_enriched.parquet"] == 8
    assert manifest["inputs"]["fingerprint"]["files"] >= 4  # ticket parts + dimension tables
    assert len(manifest["inputs"]["fingerprint"]["sha256"]) == 64
    assert manifest["code_version"]


def test_report_is_self_contained(run_folder):
    html = (run_folder / "report.html").read_text()
    assert "<svg" in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "https://" not in html and "<script src" not in html


def test_dry_run_writes_nothing(tmp_path, capsys):
    warehouse = build(tmp_path / "wh")
    before = {p for p in tmp_path.rglob("*")}
    assert run(tmp_path, warehouse.root, *WINDOW_FLAGS, "--dry-run") == 0
    assert {p for p in tmp_path.rglob("*")} == before
    assert "dry run: nothing was written" in capsys.readouterr().out


def test_unknown_agent_is_a_clear_error(tmp_path, capsys):
    warehouse = build(tmp_path / "wh")
    assert run(tmp_path, warehouse.root, "--agent-id", "A3", "--dry-run") == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "unknown agent id 'A3'" in out and "Did you mean A2, A1?" in out
    assert "Traceback" not in out


def test_window_outside_the_data_names_the_data_range(tmp_path, capsys):
    warehouse = build(tmp_path / "wh")
    code = run(tmp_path, warehouse.root, "--start-date", "2030-01-01", "--end-date", "2030-01-31")
    out = " ".join(capsys.readouterr().out.split())
    assert code == 1
    assert "outside the data" in out and "2024-02-20 to 2024-03-11" in out
    assert not (tmp_path / "outputs").exists()


def test_empty_window_is_a_valid_report_that_says_no_tickets(tmp_path):
    warehouse = Warehouse.at(tmp_path / "gap")
    write_tickets(
        warehouse,
        [
            {
                "ticket_id": "J",
                "created_at": at("2024-01-02 10:00"),
                "resolved_at": at("2024-01-02 12:00"),
                "status": "closed",
                "priority": "low",
            },
            {
                "ticket_id": "M",
                "created_at": at("2024-03-01 10:00"),
                "resolved_at": at("2024-03-01 12:00"),
                "status": "closed",
                "priority": "low",
            },
        ],
    )
    out = tmp_path / "run"
    flags = ["--start-date", "2024-02-01", "--end-date", "2024-02-07", "--output-dir", str(out)]
    assert run(tmp_path, warehouse.root, *flags) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["empty"] is True and summary["headline"]["received"] == 0
    assert "No tickets in this window" in (out / "report.html").read_text()


def test_missing_warehouse_is_a_clear_error(tmp_path, capsys):
    assert run(tmp_path, tmp_path / "nowhere") == 1
    assert "no tickets in warehouse" in capsys.readouterr().out


def test_start_after_the_data_without_an_end_says_so(tmp_path, capsys):
    warehouse = build(tmp_path / "wh")
    assert run(tmp_path, warehouse.root, "--start-date", "2030-01-01", "--dry-run") == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "--start-date 2030-01-01 is after the last day with data (2024-03-11, UTC)" in out
