"""README.md written into every generated warehouse: what is in it and how to remake it."""

from __future__ import annotations

from pathlib import Path

from tickets.data.generator.settings import GeneratorSettings
from tickets.utils.io import write_text_atomic


def reproduce_command(settings: GeneratorSettings) -> str:
    words = ["python main.py generate"]
    if settings.scenario != "default":
        words.append(f"scenario={settings.scenario}")
    words += [
        f"--tickets {settings.tickets}",
        f"--seed {settings.seed}",
        f"--start {settings.start.isoformat()}",
        f"--days {settings.days}",
        f"--format {settings.bronze_format}",
    ]
    if not settings.text:
        words.append("--no-text")
    if not settings.anomalies:
        words.append("--no-anomalies")
    if not settings.bronze:
        words.append("generator.bronze=false")
    return " ".join(words) + " --output-dir <this folder>"


def readme_text(settings: GeneratorSettings) -> str:
    fmt = settings.bronze_format
    sample_note = (
        "\n`python main.py generate scenario=sample` alone rewrites `assets/sample/`.\n"
        if settings.scenario == "sample"
        else ""
    )
    bronze = (
        f"| `bronze/tickets_renamed.{fmt}` | the tickets as a help-desk export: renamed columns, "
        "day-first dates, priority codes 1-4 (ingest with `data=generated_renamed`) |\n"
        f"| `bronze/ticket_events.{fmt}` | an audit log, one row per status update, no body or "
        "resolution text (ingest with `data=generated_events`) |\n"
        if settings.bronze
        else ""
    )
    return f"""# Generated ticket warehouse

Synthetic tickets with planted, recorded ground truth, written by `python main.py generate`.
The same command gives byte-identical files:

    {reproduce_command(settings)}
{sample_note}
Scenario `{settings.scenario}`: {settings.tickets:,} tickets from {settings.start} over \
{settings.days} days, seed {settings.seed}, text {"on" if settings.text else "off"}, \
anomalies {"planted" if settings.anomalies else "off"}. Every command reads this folder as a \
silver warehouse, e.g. `python main.py analytics --warehouse <this folder>`.

| path | what |
|---|---|
| `tickets/created_month=YYYY-MM/part-00000.parquet` | canonical tickets + `x_issue_id`, \
`x_language`, `x_sentiment_true`, `x_escalated` |
| `agents.parquet`, `customers.parquet`, `products.parquet` | dimension tables |
| `sla_policies.parquet` | targets per queue x priority, each queue's business calendar |
| `kb_articles.parquet` | KB articles with numbered steps; resolutions cite them as `[KB-0001]` |
| `ground_truth.json` | every planted effect with its true size: CSAT drivers, anomalies, \
ticket-to-KB relevance, SLA breach rates, arrival seasonality |
{bronze}"""


def write_readme(root: Path, settings: GeneratorSettings) -> Path:
    return write_text_atomic(root / "README.md", readme_text(settings))
