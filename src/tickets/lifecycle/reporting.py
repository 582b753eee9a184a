"""Write the gate report (``gate.json`` + the readable ``gate.md``) and the drift report
(``drift.json`` + ``drift.md``), atomically."""

from __future__ import annotations

from pathlib import Path

from tickets.lifecycle.drift import DriftReport, drift_summary
from tickets.lifecycle.gate import GateDecision, GateReport
from tickets.utils.io import write_json_atomic, write_text_atomic

GATE_JSON, GATE_MD = "gate.json", "gate.md"
DRIFT_JSON, DRIFT_MD = "drift.json", "drift.md"


def write_gate_report(folder: Path, report: GateReport) -> Path:
    write_json_atomic(folder / GATE_JSON, report.to_dict())
    write_text_atomic(folder / GATE_MD, gate_summary(report))
    return folder / GATE_JSON


def write_drift_report(folder: Path, report: DriftReport) -> Path:
    write_json_atomic(folder / DRIFT_JSON, report.to_dict())
    write_text_atomic(folder / DRIFT_MD, drift_summary(report))
    return folder / DRIFT_JSON


def gate_summary(report: GateReport) -> str:
    mode = " (dry run: nothing promoted)" if report.dry_run else ""
    mode += " (--force: promoted whatever the gate said)" if report.forced else ""
    lines = [
        f"# Retrain gate report {report.run_id}{mode}",
        "",
        f"Created {report.created_at}.",
        "",
    ]
    for decision in report.decisions:
        lines += _decision_lines(decision)
    lines += ["## Actions", "", *(f"- {a}" for a in report.actions or ["none"]), ""]
    if report.notes:
        lines += ["## Notes", "", *(f"- {n}" for n in report.notes), ""]
    return "\n".join(lines)


def _decision_lines(decision: GateDecision) -> list[str]:
    verdict = "PASS" if decision.passed else "FAIL"
    champion = decision.champion or {}
    lines = [
        f"## {decision.component}: {verdict}",
        "",
        f"champion: {champion.get('version', 'none')}, "
        f"challenger: {decision.challenger.get('version', 'not registered')}",
        "",
        "| check | result | value | limit | detail |",
        "|---|---|---|---|---|",
    ]
    for c in decision.checks:
        lines.append(
            f"| {c.name} | {'pass' if c.passed else 'FAIL'} | {_num(c.value)} | {_num(c.limit)} "
            f"| {c.detail} |"
        )
    per_class = _per_class_lines(decision)
    return [*lines, "", *per_class]


def _per_class_lines(decision: GateDecision) -> list[str]:
    new = decision.challenger.get("holdout", {}).get("per_class_f1")
    if not new:
        return []
    old = (decision.champion or {}).get("holdout", {}).get("per_class_f1", {})
    support = decision.challenger["holdout"].get("support", {})
    lines = ["| class | support | champion F1 | challenger F1 |", "|---|---|---|---|"]
    for label in sorted(set(new) | set(old)):
        before, after = _num(old.get(label)), _num(new.get(label))
        lines.append(f"| {label} | {support.get(label, 0)} | {before} | {after} |")
    return [*lines, ""]


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"
