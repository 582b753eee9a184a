"""The emerging-issue detector's part of a run: term counts (fresh or merged with stored ones),
rising terms, topics, and their classification into emerging issues, KB gaps or launches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from tickets.anomaly.baselines import StoredBaselines, merge_days
from tickets.anomaly.emerging import TermMatrix, rising_terms
from tickets.anomaly.kb_coverage import KbArticle
from tickets.anomaly.plan import ScanPlan
from tickets.anomaly.settings import AnomalySettings
from tickets.anomaly.terms import term_day_counts
from tickets.anomaly.topic_findings import TopicFindings, classify_topics
from tickets.anomaly.topics import cluster_topics, drop_tone_terms, episode_tickets

STORED_MIN_TOTAL = 2  # terms seen at least this often are kept for later incremental runs


@dataclass
class EmergingStep:
    findings: TopicFindings = field(default_factory=TopicFindings)
    tests: int = 0
    term_counts: pd.DataFrame | None = None
    term_docs: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def run_emerging_step(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    plan: ScanPlan,
    settings: AnomalySettings,
    stored: StoredBaselines | None,
    kb: list[KbArticle] | None,
    launches: dict[str, dt.date],
    product_words: set[str],
) -> EmergingStep:
    cfg = settings.emerging
    counts, docs = _term_counts(con, source_sql, plan, settings, stored)
    step = EmergingStep(term_counts=counts, term_docs=docs)
    totals = counts.groupby("term")["docs"].transform("sum") if not counts.empty else None
    usable = counts[totals >= cfg.min_docs] if totals is not None else counts
    matrix = TermMatrix.from_frames(usable, docs, plan.days, cfg.max_terms)
    episodes, step.tests = rising_terms(matrix, plan.window, cfg)
    if step.tests == 0:
        needed = cfg.baseline_days + cfg.recent_days
        step.notes.append(
            f"emerging issues: not enough history (the term baseline needs {needed} days of "
            f"tickets before a scanned day; the data has {len(plan.days)})"
        )
    episodes = drop_tone_terms(episodes, product_words)
    if not episodes:
        return step
    first = max(0, min(e.first_flag for e in episodes) - cfg.baseline_days)
    bounds = plan.utc_bounds(plan.days[first], plan.days[max(e.last_flag for e in episodes)])
    tickets = episode_tickets(con, source_sql, episodes, bounds, plan.timezone, cfg)
    topics = cluster_topics(episodes, tickets, plan.days, cfg.cluster_overlap, cfg.baseline_days)

    def day_bounds(first: int, last: int) -> tuple[dt.datetime, dt.datetime]:
        return plan.utc_bounds(plan.days[first], plan.days[last])

    step.findings = classify_topics(topics, plan.days, day_bounds, kb, launches, cfg)
    step.notes += step.findings.notes
    return step


def _term_counts(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    plan: ScanPlan,
    settings: AnomalySettings,
    stored: StoredBaselines | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    cfg = settings.emerging
    lo, hi = plan.utc_bounds(plan.read_from, plan.last_day)
    min_total = STORED_MIN_TOTAL if settings.incremental else cfg.min_docs
    counts, docs = term_day_counts(
        con, source_sql, plan.timezone, cfg.body_chars, cfg.code_chars, cfg.min_term_chars,
        min_total, lo, hi,
    )  # fmt: skip
    counts["day"], docs["day"] = pd.to_datetime(counts["day"]), pd.to_datetime(docs["day"])
    if plan.incremental and stored is not None:
        first, resume = pd.Timestamp(plan.first_day), pd.Timestamp(plan.read_from)
        old_counts = stored.frames.get("term_counts")
        old_docs = stored.frames.get("term_docs")
        if old_counts is not None:
            counts = merge_days(old_counts[old_counts["day"] >= first], counts, "day", resume)
        if old_docs is not None:
            docs = merge_days(old_docs[old_docs["day"] >= first], docs, "day", resume)
    return counts, docs
