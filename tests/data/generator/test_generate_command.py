"""`python main.py generate` end to end: layout, schema, reproducibility, safety."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from tickets.cli import main
from tickets.data.generator.canonical import GENERATED_SCHEMA
from tickets.schemas.dimensions import DIMENSION_SCHEMAS

from .conftest import run_generate
from .helpers import digests, tickets, truth

TINY = ["--tickets", "1200", "--days", "60", "generator.chunk_rows=300"]


def test_output_dir_is_a_silver_warehouse_with_bronze_exports(warehouse: Path):
    months = sorted(p.name for p in (warehouse / "tickets").iterdir())
    assert months == [f"created_month=2024-0{m}" for m in range(1, 6)]
    for name in DIMENSION_SCHEMAS:
        assert (warehouse / f"{name}.parquet").is_file()
    assert (warehouse / "ground_truth.json").is_file()
    readme = (warehouse / "README.md").read_text()
    assert (
        "python main.py generate --tickets 4000 --seed 11 --start 2024-01-01 --days 150" in readme
    )
    assert (warehouse / "bronze" / "tickets_renamed.parquet").is_file()
    assert (warehouse / "bronze" / "ticket_events.parquet").is_file()


def test_ticket_files_carry_the_canonical_schema_plus_extras(warehouse: Path):
    part = next((warehouse / "tickets").glob("created_month=2024-03/*.parquet"))
    assert pq.read_schema(part).remove_metadata() == GENERATED_SCHEMA


def test_every_ticket_sits_in_its_created_month_partition(warehouse: Path):
    frame = tickets(warehouse)
    assert len(frame) == 4000
    assert frame["ticket_id"].is_unique
    month = frame["created_at"].dt.strftime("%Y-%m")
    assert (month == frame["created_month"]).all()


def test_same_seed_gives_byte_identical_files(tmp_path: Path):
    first = run_generate(tmp_path / "a", *TINY, "--seed", "3", "--format", "jsonl")
    second = run_generate(tmp_path / "b", *TINY, "--seed", "3", "--format", "jsonl")
    assert digests(first) == digests(second)
    assert len(digests(first)) == 2 + 5 + 1 + 1 + 2  # 2 months, dims, truth, readme, bronze


def test_another_seed_gives_other_data_of_the_same_shape(tmp_path: Path):
    a = run_generate(tmp_path / "a", *TINY, "--seed", "3", "--no-text")
    b = run_generate(tmp_path / "b", *TINY, "--seed", "4", "--no-text")
    assert digests(a) != digests(b)
    assert len(tickets(a)) == len(tickets(b)) == 1200


def test_no_anomalies_plants_nothing(tmp_path: Path):
    root = run_generate(tmp_path / "wh", *TINY, "--no-anomalies", "--no-text", "--format", "csv")
    assert truth(root)["anomalies"] == []
    issues = set(tickets(root)["x_issue_id"])
    assert "cloudsync-journal-loop" not in issues
    assert "securevpn-split-tunnel-crash" not in issues


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    assert main(["generate", "--tickets", "100", "--output-dir", str(precious)]) == 1
    assert (precious / "notes.txt").read_text() == "keep me"


def test_rerun_replaces_an_earlier_generated_warehouse(tmp_path: Path):
    root = run_generate(tmp_path / "wh", *TINY, "--no-text", "--seed", "1")
    run_generate(root, "--tickets", "500", "--days", "30", "--no-text", "--seed", "2")
    assert truth(root)["tickets"] == 500
    assert len(tickets(root)) == 500
