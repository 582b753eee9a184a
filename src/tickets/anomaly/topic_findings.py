"""Turn rising-term topics into anomalies: an emerging issue, a KB gap, or launch traffic.

- launch traffic: most of the topic's tickets are about a product launched shortly before the
  rise (products.parquet ``launched_at``); it goes to the notes, not the alarms.
- KB gap: no KB article covers the topic's terms or codes, or the topic's resolutions rarely
  cite an article (``gap_max_cited_share``).
- emerging issue: otherwise; the covering article is named.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from tickets.anomaly.kb_coverage import KbArticle, KbCoverage, best_coverage
from tickets.anomaly.records import Anomaly, severity_from_score
from tickets.anomaly.settings import EmergingSettings
from tickets.anomaly.terms import COMBO_SEPARATOR
from tickets.anomaly.topics import Topic

LAUNCH_SHARE = 0.5  # share of a topic's tickets about one recently launched product


@dataclass
class TopicFindings:
    anomalies: list[Anomaly] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    topic_of: dict[str, Topic] = field(default_factory=dict)  # anomaly id -> topic


def topic_score(p_value: float) -> float:
    """A z-like score from a one-sided p-value (capped at 40)."""
    return float(min(stats.norm.isf(max(p_value, 1e-300)), 40.0))


def classify_topics(
    topics: list[Topic],
    days: list[dt.date],
    day_bounds,  # type: ignore[no-untyped-def]  # (first, last) -> (start_utc, end_utc)
    kb: list[KbArticle] | None,
    launches: dict[str, dt.date],
    cfg: EmergingSettings,
) -> TopicFindings:
    findings = TopicFindings()
    for topic in topics:
        onset_day = days[topic.onset]
        product, share = topic.dominant_product()
        launch = launches.get(product or "")
        if product and share >= LAUNCH_SHARE and launch and _recent_launch(launch, onset_day, cfg):
            findings.notes.append(
                f"rising terms {topic.name_terms} are launch traffic of {product} "
                f"(launched {launch}); not reported as an emerging issue"
            )
            continue
        anomaly = _anomaly(topic, days, day_bounds, kb, product, share, cfg)
        findings.anomalies.append(anomaly)
        findings.topic_of[anomaly.id] = topic
    return findings


def _recent_launch(launch: dt.date, onset: dt.date, cfg: EmergingSettings) -> bool:
    return (
        onset - dt.timedelta(days=cfg.launch_grace_days)
        <= launch
        <= onset + dt.timedelta(days=cfg.recent_days)
    )


def topic_codes(topic: Topic) -> list[str]:
    codes = {e.term.split(COMBO_SEPARATOR)[-1] for e in topic.episodes if COMBO_SEPARATOR in e.term}
    return sorted(codes)


def _anomaly(
    topic: Topic,
    days: list[dt.date],
    day_bounds,  # type: ignore[no-untyped-def]
    kb: list[KbArticle] | None,
    product: str | None,
    share: float,
    cfg: EmergingSettings,
) -> Anomaly:
    lead = topic.lead
    codes = topic_codes(topic)
    coverage = best_coverage(kb, topic.name_terms, codes) if kb is not None else None
    cited = topic.cited_share()
    gap = _is_gap(coverage, cited, cfg)
    start, end = day_bounds(topic.onset, topic.last_flag)
    score = topic_score(min(e.p_value for e in topic.episodes))
    return Anomaly(
        type="kb_gap" if gap else "emerging_issue",
        dimension="topic",
        value=" / ".join(topic.name_terms),
        start=start,
        end=end,
        observed=lead.observed,
        expected=lead.expected,
        expected_sd=float(np.sqrt(max(lead.expected, 0.0))),
        score=score,
        unit=f"tickets per {cfg.recent_days} days",
        signal="terms",
        grain="window",
        p_value=lead.p_value,
        q_value=min(e.q_value for e in topic.episodes),
        severity=severity_from_score(score, lead.ratio - 1),
        local_start=days[topic.onset],
        local_end=days[topic.last_flag],
        details={
            "terms": sorted({e.term for e in topic.episodes}),
            "codes": codes,
            "product": product,
            "product_share": round(share, 3),
            "tickets": len(topic.tickets),
            "first_flag_day": days[lead.first_flag],
            "recent_days": cfg.recent_days,
            "kb_article": coverage.kb_id if coverage and not gap else None,
            "kb_coverage": _coverage_dict(coverage),
            "cited_share": None if cited is None else round(cited, 3),
            "excess": lead.observed - lead.expected,
        },
    )


def _is_gap(coverage: KbCoverage | None, cited: float | None, cfg: EmergingSettings) -> bool:
    """Resolutions that cite (or do not cite) an article are the direct evidence; without
    resolutions, the lexical KB coverage decides; with neither, it is not called a gap."""
    if cited is not None:
        return cited <= cfg.gap_max_cited_share
    if coverage is not None:
        return not coverage.code_match and coverage.coverage <= cfg.gap_max_kb_coverage
    return False


def _coverage_dict(coverage: KbCoverage | None) -> dict[str, object] | None:
    if coverage is None:
        return None
    return {
        "kb_id": coverage.kb_id,
        "title": coverage.title,
        "coverage": round(coverage.coverage, 3),
        "code_match": coverage.code_match,
    }
