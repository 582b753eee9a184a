"""End to end through the CLI with a real MLflow SQLite store in tmp_path: train logs and
registers, categorize writes one row per ticket, evaluate scores every alias, and bad inputs
fail with messages that say what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tickets.cli import main

TINY = [
    "model.params.linear.char_ngrams=[2,4]",
    "model.rare_min_count=2",
    "model.validation_size=0.25",
    "model.embeddings.cache_dir=null",
]


@pytest.fixture()
def outputs(tmp_path: Path) -> list[str]:
    return [f"paths.outputs={tmp_path / 'out'}", *TINY]


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, models_fixtures: Path
) -> tuple[Path, list[str]]:
    """One MLflow store shared by the read-only tests: a category model trained once."""
    root = tmp_path_factory.mktemp("store")
    outputs = [f"paths.outputs={root / 'out'}", *TINY]
    assert _train(models_fixtures, outputs) == 0
    return root, outputs


def _train(models_fixtures: Path, outputs: list[str], *extra: str) -> int:
    return main(
        ["train", "--task", "categorize", "--input", str(models_fixtures / "labelled.csv"),
         "model=linear", *outputs, *extra]
    )  # fmt: skip


def _mlflow(tmp_path: Path):  # type: ignore[no-untyped-def]
    import mlflow

    uri = f"sqlite:///{tmp_path / 'out' / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    return mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)


def test_train_logs_a_run_and_registers_the_first_champion(store: tuple[Path, list[str]]) -> None:
    client = _mlflow(store[0])
    model = client.get_registered_model("ticket-categorizer-category")
    assert model.aliases == {"champion": 1, "challenger": 1}
    run = client.get_run(client.get_model_version("ticket-categorizer-category", "1").run_id)
    assert {"accuracy", "macro_f1", "weighted_f1", "ece"} <= set(run.data.metrics)
    assert any(k.startswith("f1.") for k in run.data.metrics)
    assert len(run.data.params["data_fingerprint"]) == 64
    assert run.data.params["split"] == "time"  # the fixture has created_at
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"confusion_linear.png", "classification_report_linear.txt"} <= artifacts


def test_second_training_is_challenger_and_champion_stays(
    models_fixtures: Path, outputs: list[str], tmp_path: Path
) -> None:
    assert _train(models_fixtures, outputs) == 0
    assert _train(models_fixtures, outputs, "seed=8") == 0
    aliases = _mlflow(tmp_path).get_registered_model("ticket-categorizer-category").aliases
    assert aliases == {"champion": 1, "challenger": 2}


def test_categorize_writes_one_row_per_ticket_in_input_order(
    models_fixtures: Path, store: tuple[Path, list[str]], tmp_path: Path
) -> None:
    outputs = store[1]
    predictions = tmp_path / "preds.csv"
    code = main(
        ["categorize", "--input", str(models_fixtures / "labelled.csv"), "--output",
         str(predictions), *outputs]
    )  # fmt: skip
    assert code == 0
    rows = pd.read_csv(predictions)
    source = pd.read_csv(models_fixtures / "labelled.csv")
    assert rows["ticket_id"].tolist() == source["ticket_id"].tolist()
    assert list(rows.columns) == [
        "ticket_id",
        "predicted",
        "confidence",
        "top3",
        "needs_review",
        "notes",
    ]
    assert set(json.loads(rows.loc[0, "top3"])) <= {"access", "billing", "network"}


def test_raw_export_without_ids_goes_through_the_adapter(
    models_fixtures: Path, store: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """An IT-assignment-shaped file: no id column, so stable ids are generated."""
    outputs = store[1]
    it_like = ["data=it_ticket_assignment", "target=queue", "model.rare_min_count=1"]
    raw = models_fixtures / "it_raw.csv"
    labelled = tmp_path / "it_labelled.csv"
    frame = pd.read_csv(raw)
    pd.concat([frame] * 4, ignore_index=True).assign(
        **{"Description": lambda f: f["Description"] + " case " + f.index.astype(str)}
    ).to_csv(labelled, index=False)
    assert (
        main(["train", "--task", "categorize", "--input", str(labelled), *outputs, *it_like]) == 0
    )
    predictions = tmp_path / "it_preds.csv"
    assert main(["categorize", "--input", str(raw), "--output", str(predictions), *outputs,
                 *it_like]) == 0  # fmt: skip
    rows = pd.read_csv(predictions)
    assert len(rows) == 3
    assert rows["ticket_id"].str.startswith("IT-").all()
    assert rows["ticket_id"].is_unique


def test_evaluate_scores_every_alias(
    models_fixtures: Path, store: tuple[Path, list[str]], tmp_path: Path
) -> None:
    outputs = store[1]
    out_dir = tmp_path / "eval"
    code = main(
        ["evaluate", "--task", "categorize", "--input", str(models_fixtures / "labelled.csv"),
         "--output-dir", str(out_dir), *outputs]
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(out_dir / "evaluation.csv")
    assert sorted(table["model"]) == ["challenger (v1)", "champion (v1)"]
    assert (table["n"] == 36).all()


def test_missing_target_column_fails_with_a_clear_message(
    models_fixtures: Path, store: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _train(models_fixtures, store[1], "target=urgency") == 1
    assert "target column 'urgency' is not in the input" in capsys.readouterr().out


def test_categorize_without_a_registered_model_says_how_to_train(
    models_fixtures: Path,
    store: tuple[Path, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["categorize", "--input", str(models_fixtures / "new_tickets.csv"),
                 "--output", str(tmp_path / "p.csv"), "data=canonical", "data.required=[]",
                 "target=priority", *store[1]])  # fmt: skip
    assert code == 1
    assert "Train one first" in capsys.readouterr().out
