"""``python main.py evaluate --task categorize --input FILE``: metrics of every registered alias
(or of --model-uri) on a labelled file, printed and written to a CSV."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from tickets.data.adapter_spec import AdapterConfigError
from tickets.data.warehouse import WarehouseError
from tickets.models.evaluate import (
    TargetColumnError,
    evaluate_classifier,
    evaluation_table,
    labelled_rows,
)
from tickets.models.features import FeatureSchemaError, TicketBatch
from tickets.models.reporting import write_evaluation
from tickets.models.settings import registered_model_name
from tickets.tasks.categorize_inputs import model_settings, read_tickets, tracking_settings
from tickets.tasks.train import evaluation_rich_table
from tickets.utils.logging import console


def model_uris(cfg: DictConfig, target: str) -> dict[str, str]:
    """name → URI: --model-uri if given, else every alias of ticket-categorizer-<target>."""
    from tickets.models.registry import registered_aliases

    given = cfg.categorize.get("model_uri")
    if given:
        return {str(given): str(given)}
    name = registered_model_name(target)
    aliases = registered_aliases(tracking_settings(cfg), name)
    return {
        f"{alias} (v{version})": f"models:/{name}@{alias}" for alias, version in aliases.items()
    }


def run(cfg: DictConfig) -> int:
    from tickets.models.pyfunc import load_classifier

    target = str(cfg.model.target)
    model_settings(cfg)
    try:
        tickets = read_tickets(cfg, cfg.evaluate.input)
        frame, labels, unlabelled = labelled_rows(tickets.frame, target)
        uris = model_uris(cfg, target)
        if not uris:
            console.print(
                f"[red]no registered model {registered_model_name(target)!r}[/]: train "
                "one with 'python main.py train --task categorize' or pass --model-uri"
            )
            return 1
        batch = TicketBatch(frame.drop(columns=[target]))
        evaluations = {}
        for name, uri in uris.items():
            classifier = load_classifier(uri)
            evaluations[name] = evaluate_classifier(name, classifier, batch, labels)
    except (
        TargetColumnError,
        FeatureSchemaError,
        AdapterConfigError,
        WarehouseError,
        FileNotFoundError,
    ) as err:
        console.print(f"[red]cannot evaluate:[/] {err}")
        return 1
    out = Path(
        cfg.evaluate.output_dir or Path(cfg.paths.outputs) / "evaluate" / f"categorize-{target}"
    )
    write_evaluation(evaluations, out)
    table = evaluation_table(list(evaluations.values()))
    console.print(evaluation_rich_table(table, f"{target} on {len(frame)} labelled tickets"))
    _warn_unseen(evaluations)
    if unlabelled:
        console.print(f"{unlabelled} tickets without a label were skipped")
    console.print(f"written to {out}/evaluation.csv")
    return 0


def _warn_unseen(evaluations: dict) -> None:  # type: ignore[type-arg]
    for name, evaluation in evaluations.items():
        unseen = evaluation.metrics.unseen_labels
        if unseen:
            listed = ", ".join(f"{k} ({v})" for k, v in list(unseen.items())[:10])
            console.print(
                f"[yellow]{name}: labels never seen in training, counted as errors:[/] {listed}"
            )
