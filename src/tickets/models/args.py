"""Flags of ``train``, ``categorize`` and ``evaluate``."""

from __future__ import annotations

from collections.abc import Sequence

from tickets.utils.cliargs import CommandArgs, command_parser, finish


def parse_train_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "train",
        "Train ticket categorisation models on a labelled file or warehouse; log to MLflow.",
        (
            "train --task categorize data=it_ticket_assignment target=queue model=all",
            "train --task categorize data=endava_topics model=vote",
            "train --task categorize --input labelled.csv target=priority model=lightgbm",
        ),
    )
    parser.add_argument("--task", dest="train.task", choices=("categorize",), default=None)
    parser.add_argument(
        "--input",
        dest="train.input",
        metavar="FILE",
        help="labelled tickets (default: the data preset's file, else the warehouse)",
    )
    parser.add_argument(
        "--output-dir",
        dest="train.output_dir",
        metavar="DIR",
        help="where the run's reports go (default outputs/models)",
    )
    parser.add_argument(
        "--no-register",
        dest="train.register",
        action="store_false",
        default=None,
        help="log runs to MLflow but do not register a version",
    )
    return finish("train", parser, parser.parse_args(list(argv)))


def parse_categorize_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "categorize",
        "Predict a category, confidence and top-3 for each ticket of a file.",
        (
            "categorize --input new.csv --output preds.csv",
            "categorize --input raw.csv.gz data=it_ticket_assignment target=queue",
            "categorize --input new.csv --model-uri models:/ticket-categorizer-category@challenger",
        ),
    )
    parser.add_argument("--input", dest="categorize.input", metavar="FILE")
    parser.add_argument(
        "--model-uri",
        dest="categorize.model_uri",
        metavar="URI",
        help="default models:/ticket-categorizer-<target>@champion",
    )
    parser.add_argument("--output", dest="categorize.output", metavar="FILE")
    parser.add_argument(
        "--review-threshold",
        dest="categorize.review_threshold",
        type=float,
        metavar="P",
        help="needs_review below this confidence (default: the model's own)",
    )
    return finish("categorize", parser, parser.parse_args(list(argv)))


def parse_evaluate_args(argv: Sequence[str]) -> CommandArgs:
    parser = command_parser(
        "evaluate",
        "Evaluate categorisation models, retrieval methods or anomaly detectors.",
        (
            "evaluate --task categorize --input labelled.csv data=it_ticket_assignment",
            "evaluate --task retrieval --corpus corpus.jsonl.gz --qrels qrels.tsv",
            "evaluate --task anomalies --warehouse wh --ground-truth wh/ground_truth.json",
        ),
    )
    parser.add_argument(
        "--task",
        dest="evaluate.task",
        choices=("categorize", "retrieval", "anomalies"),
        help="what to evaluate",
    )
    parser.add_argument("--input", dest="evaluate.input", metavar="FILE", help="labelled tickets")
    parser.add_argument("--output-dir", dest="evaluate.output_dir", metavar="DIR")
    parser.add_argument(
        "--model-uri",
        dest="categorize.model_uri",
        metavar="URI",
        help="categorize: evaluate this model instead of every registered alias",
    )
    retrieval = parser.add_argument_group("retrieval (BEIR layout)")
    retrieval.add_argument("--corpus", dest="evaluate.corpus", metavar="FILE")
    retrieval.add_argument("--qrels", dest="evaluate.qrels", metavar="FILE")
    retrieval.add_argument("--queries", dest="evaluate.queries", metavar="FILE")
    retrieval.add_argument(
        "--before-created",
        dest="evaluate.before_created",
        action="store_true",
        default=None,
        help="only documents created before the query are candidates",
    )
    retrieval.add_argument(
        "--methods", dest="evaluate.methods", metavar="LIST", help="e.g. bm25,dense,hybrid,graph"
    )
    anomalies = parser.add_argument_group("anomalies")
    anomalies.add_argument("--warehouse", dest="paths.warehouse", metavar="DIR")
    anomalies.add_argument("--ground-truth", dest="evaluate.ground_truth", metavar="FILE")
    anomalies.add_argument("--detections", dest="evaluate.detections", metavar="FILE")
    return finish("evaluate", parser, parser.parse_args(list(argv)))
