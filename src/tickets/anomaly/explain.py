"""One sentence per anomaly, written from its numbers, that a support lead can act on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tickets.anomaly.records import Anomaly

_DIMENSION_WORDS = {
    "overall": "All tickets",
    "queue": "Tickets in queue {v}",
    "product": "Tickets for product {v}",
    "category": "Tickets in category {v}",
    "channel": "Tickets from channel {v}",
    "segment": "Tickets from {v} customers",
}


def explain(anomaly: Anomaly) -> str:
    writer = _WRITERS.get(anomaly.type, _generic)
    return writer(anomaly)


def _num(value: float) -> str:
    value = round(value, 1)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.1f}"


def _days(anomaly: Anomaly) -> str:
    start, end = anomaly.local_start, anomaly.local_end
    if start is None:
        return f"from {anomaly.start:%Y-%m-%d}"
    if end is None or end == start:
        return f"on {start.isoformat()}"
    return f"from {start.isoformat()} to {end.isoformat()}"


def _who(anomaly: Anomaly) -> str:
    return _DIMENSION_WORDS.get(anomaly.dimension, "Tickets with {d} {v}").format(
        v=anomaly.value, d=anomaly.dimension
    )


def _breakdown(details: dict[str, Any]) -> str:
    top = details.get("breakdown")
    if not top:
        return ""
    return f" (mostly {top['dimension']} {top['value']}, {top['share']:.0%} of the extra tickets)"


def _volume(anomaly: Anomaly) -> str:
    verb = "rose" if anomaly.type == "volume_spike" else "fell"
    unit = "hour" if anomaly.grain == "hour" else "day"
    when = _days(anomaly)
    if anomaly.grain == "hour":
        when = f"on {anomaly.local_start} from {anomaly.start:%H:%M} to {anomaly.end:%H:%M} UTC"
    return (
        f"{_who(anomaly)} {verb} to {_num(anomaly.observed)}/{unit} against an expected "
        f"{_num(anomaly.expected)}±{_num(anomaly.expected_sd)} {when}{_breakdown(anomaly.details)}."
    )


def _topic_name(anomaly: Anomaly) -> str:
    product = anomaly.details.get("product")
    suffix = f" ({product})" if product else ""
    return f"'{anomaly.value}'{suffix}"


def _window_text(anomaly: Anomaly) -> str:
    flagged: dt.date | None = anomaly.details.get("first_flag_day")
    onset = anomaly.local_start.isoformat() if anomaly.local_start else "?"
    return (
        f"{_num(anomaly.observed)} tickets in the {anomaly.details.get('recent_days', 7)} days to "
        f"{flagged} against {_num(anomaly.expected)} expected, rising since {onset}"
    )


def _emerging(anomaly: Anomaly) -> str:
    kb = anomaly.details.get("kb_article")
    cover = f"; {kb} covers it" if kb else ""
    return f"New or fast-rising issue {_topic_name(anomaly)}: {_window_text(anomaly)}{cover}."


def _kb_gap(anomaly: Anomaly) -> str:
    if anomaly.signal in ("retrieval_failures", "negative_feedback"):
        return _retrieval(anomaly)[:-1] + "; no KB article answers it."
    cited = anomaly.details.get("cited_share")
    cite_text = (
        f", and {cited:.0%} of their resolutions cite an article" if cited is not None else ""
    )
    name, window = _topic_name(anomaly), _window_text(anomaly)
    return f"Rising issue {name} has no KB article: {window}{cite_text}."


def _sentiment(anomaly: Anomaly) -> str:
    verb = "fell" if anomaly.type == "sentiment_drop" else "rose"
    csat_only = anomaly.signal == "csat"
    measure = "mean CSAT" if csat_only else "mean VADER sentiment"

    def value(x: float) -> str:
        return _num(x) if csat_only else f"{x:+.2f}"

    who = _who(anomaly)
    text = (
        f"Sentiment of {who[0].lower()}{who[1:]} {verb}: {measure} {value(anomaly.observed)} "
        f"against {value(anomaly.expected)} before, {_days(anomaly)}"
    )
    csat = anomaly.details.get("csat")
    if csat and not csat_only:
        text += f" (CSAT {csat['expected']:.1f} → {csat['observed']:.1f})"
    return text + "."


def _retrieval(anomaly: Anomaly) -> str:
    what = (
        "Negative agent feedback"
        if anomaly.signal == "negative_feedback"
        else "'No confident answer' recommendations"
    )
    return (
        f"{what} about {anomaly.dimension} {anomaly.value} rose to {_num(anomaly.observed)} "
        f"{_days(anomaly)} against {_num(anomaly.expected)} expected."
    )


def _generic(anomaly: Anomaly) -> str:
    return (
        f"{anomaly.type} in {anomaly.dimension} {anomaly.value}: observed "
        f"{_num(anomaly.observed)} against {_num(anomaly.expected)} expected {_days(anomaly)}."
    )


_WRITERS = {
    "volume_spike": _volume,
    "volume_drop": _volume,
    "emerging_issue": _emerging,
    "kb_gap": _kb_gap,
    "sentiment_drop": _sentiment,
    "sentiment_rise": _sentiment,
    "retrieval_failures": _retrieval,
}
