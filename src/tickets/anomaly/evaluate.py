"""Score detections against the generator's planted anomalies (ground_truth.json).

A detection matches a planted anomaly of the same type when its start lies within
``tolerance_days`` of the planted start and it points at the same thing:
- volume_spike, sentiment_drop: the same dimension and value (product Router-X, queue Billing);
- emerging_issue, kb_gap (planted as an issue id): most of the detection's example tickets carry
  that ``x_issue_id``, or the detection's terms or codes contain the planted error code.
Each planted anomaly is matched at most once (closest start first); a second detection of the
same planted anomaly counts as a false positive (it is a duplicate alarm).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PLANTED_TYPES = ("volume_spike", "emerging_issue", "sentiment_drop", "kb_gap")
IssueOf = Callable[[list[str]], dict[str, str]]  # ticket ids -> x_issue_id


def parse_instant(value: Any) -> dt.datetime:
    text = str(value).replace("Z", "+00:00")
    moment = (
        dt.datetime.fromisoformat(text)
        if len(text) > 10
        else dt.datetime.fromisoformat(text + "T00:00:00+00:00")
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass
class TypeScore:
    planted: int = 0
    detected: int = 0
    matched: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.detected if self.detected else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.planted if self.planted else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_dict(self) -> dict[str, Any]:
        def rounded(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
            "planted": self.planted,
            "detected": self.detected,
            "matched": self.matched,
            "false_positives": self.detected - self.matched,
        }


@dataclass
class Evaluation:
    scores: dict[str, TypeScore] = field(default_factory=dict)
    matches: list[dict[str, Any]] = field(default_factory=list)
    unmatched_detections: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)

    def report(self) -> dict[str, dict[str, Any]]:
        return {t: s.to_dict() for t, s in sorted(self.scores.items())}


def _points_at(
    planted: dict[str, Any], detection: dict[str, Any], issue_of: IssueOf | None
) -> bool:
    if planted["type"] in ("volume_spike", "sentiment_drop"):
        return (detection.get("dimension"), str(detection.get("value"))) == (
            planted.get("dimension"),
            str(planted.get("value")),
        )
    code = str(planted.get("error_code") or "").lower()
    details = detection.get("details") or {}
    words = [str(detection.get("value", ""))] + [
        str(t) for t in details.get("terms", []) + details.get("codes", [])
    ]
    if code and any(code in w.lower() for w in words):
        return True
    if issue_of is None:
        return False
    issues = issue_of([str(t) for t in detection.get("example_ticket_ids", [])])
    if not issues:
        return False
    top, count = Counter(issues.values()).most_common(1)[0]
    return top == planted.get("value") and count > len(issues) / 2


def evaluate_detections(
    planted: list[dict[str, Any]],
    detections: list[dict[str, Any]],
    tolerance_days: float,
    issue_of: IssueOf | None = None,
) -> Evaluation:
    result = Evaluation()
    types = set(PLANTED_TYPES) | {p["type"] for p in planted} | {d["type"] for d in detections}
    result.scores = {t: TypeScore() for t in types}
    tolerance = dt.timedelta(days=tolerance_days)
    used: set[int] = set()
    for p in planted:
        result.scores[p["type"]].planted += 1
    for d in detections:
        result.scores[d["type"]].detected += 1
    candidates = []
    for i, p in enumerate(planted):
        for j, d in enumerate(detections):
            if d["type"] != p["type"]:
                continue
            gap = abs(parse_instant(d["start"]) - parse_instant(p["start"]))
            if gap <= tolerance and _points_at(p, d, issue_of):
                candidates.append((gap, i, j))
    matched_planted: set[int] = set()
    for gap, i, j in sorted(candidates):
        if i in matched_planted or j in used:
            continue
        matched_planted.add(i)
        used.add(j)
        result.scores[planted[i]["type"]].matched += 1
        result.matches.append(_match(planted[i], detections[j], gap))
    result.missed = [_brief(p) for i, p in enumerate(planted) if i not in matched_planted]
    result.unmatched_detections = [_brief(d) for j, d in enumerate(detections) if j not in used]
    return result


def _brief(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item.get(k) for k in ("type", "dimension", "value", "start", "end") if k in item}


def _match(planted: dict[str, Any], detection: dict[str, Any], gap: dt.timedelta) -> dict[str, Any]:
    return {
        "planted": _brief(planted),
        "detection": {**_brief(detection), "id": detection.get("id")},
        "start_offset_days": round(
            (parse_instant(detection["start"]) - parse_instant(planted["start"])).total_seconds()
            / 86400,
            2,
        ),
        "abs_offset_days": round(gap.total_seconds() / 86400, 2),
    }


FAMILY_OF_TYPE = {
    "emerging_issue": "emerging",
    "kb_gap": "kb_gap",
    "retrieval_failures": "retrieval",
}


def dimension_family(detection: dict[str, Any]) -> str:
    """The alarm family a detection belongs to, for false alarms per family: volume/<dimension>,
    sentiment/<dimension>, or the topic detector's name."""
    kind = str(detection["type"])
    if kind in FAMILY_OF_TYPE:
        return FAMILY_OF_TYPE[kind]
    head = "volume" if kind.startswith("volume") else "sentiment"
    return f"{head}/{detection.get('dimension')}"


def false_alarm_rates(detections: list[dict[str, Any]], scanned_days: int) -> dict[str, float]:
    """Alarms per 90 scanned days, per family (used on data with nothing planted)."""
    counts = Counter(dimension_family(d) for d in detections)
    scale = 90.0 / max(scanned_days, 1)
    return {family: round(n * scale, 3) for family, n in sorted(counts.items())}
