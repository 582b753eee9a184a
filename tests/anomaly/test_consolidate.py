"""One event, several series: which one is reported, and what is folded into it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tickets.anomaly.consolidate import CoOccurrence, fold_related
from tickets.anomaly.records import Anomaly

START = dt.datetime(2024, 6, 24, tzinfo=dt.UTC)
# Billing holds PayFlow (800 tickets) and SmartCam (100); Tech holds Router (1000)
COOCCURRENCE = CoOccurrence(
    pd.DataFrame(
        {
            "queue": ["Billing", "Billing", "Tech"],
            "product": ["PayFlow", "SmartCam", "Router"],
            "n": [800, 100, 1000],
        }
    )
)


def _anomaly(kind: str, dimension: str, value: str, observed: float, expected: float,
             score: float, **details: float) -> Anomaly:  # fmt: skip
    return Anomaly(kind, dimension, value, START, START + dt.timedelta(days=14), observed,
                   expected, 0.036, score, "u", "vader", details=dict(details))  # fmt: skip


def test_shares_come_from_the_cooccurrence_table():
    assert COOCCURRENCE.share(("queue", "Billing"), ("product", "PayFlow")) == 800 / 900
    assert COOCCURRENCE.share(("product", "PayFlow"), ("queue", "Billing")) == 1.0
    assert COOCCURRENCE.share(("queue", "Billing"), ("product", "Router")) == 0.0
    assert COOCCURRENCE.share(("product", "Router"), ("overall", "all")) == 1.0


def test_overall_spike_is_folded_into_the_product_that_caused_it():
    product = _anomaly("volume_spike", "product", "Router", 124, 33, 18.0, excess=273)
    overall = _anomaly("volume_spike", "overall", "all", 420, 330, 7.0, excess=270)
    kept = fold_related([overall, product], cooccurrence=COOCCURRENCE)
    assert [(a.dimension, a.value) for a in kept] == [("product", "Router")]
    assert kept[0].details["also_seen_in"][0]["dimension"] == "overall"


def test_unrelated_series_are_not_folded():
    payflow = _anomaly("volume_spike", "product", "PayFlow", 90, 30, 9.0, excess=60)
    router = _anomaly("volume_spike", "product", "Router", 124, 33, 18.0, excess=273)
    kept = fold_related([payflow, router], cooccurrence=COOCCURRENCE)
    assert {a.value for a in kept} == {"PayFlow", "Router"}


def _drop_pair(rest_now: float) -> list[Anomaly]:
    """PayFlow fell from 0 to -0.34 (200 tickets, 800 before); Billing adds 25 other tickets
    (100 before, at 0) whose mean is now ``rest_now``."""
    billing_now = (-0.34 * 200 + rest_now * 25) / 225
    payflow = _anomaly("sentiment_drop", "product", "PayFlow", -0.34, 0.0, -9.6,
                       tickets=200, baseline_tickets=800, excess=-68)  # fmt: skip
    billing = _anomaly("sentiment_drop", "queue", "Billing", billing_now, 0.0, -9.7,
                       tickets=225, baseline_tickets=900, excess=billing_now * 225)  # fmt: skip
    return [payflow, billing]


def test_queue_is_reported_when_its_other_tickets_fell_too():
    kept = fold_related(_drop_pair(rest_now=-0.34), cooccurrence=COOCCURRENCE)
    assert [(a.dimension, a.value) for a in kept] == [("queue", "Billing")]


def test_product_is_reported_when_the_rest_of_the_queue_did_not_move():
    # rest shift 0 vs the product's -0.34: per-ticket variance 0.036^2 / (1/200 + 1/800) = 0.207,
    # standard error of the rest sqrt(0.207 * (1/25 + 1/100)) = 0.10, and 0.34 > 3 x 0.10
    kept = fold_related(_drop_pair(rest_now=0.0), cooccurrence=COOCCURRENCE)
    assert [(a.dimension, a.value) for a in kept] == [("product", "PayFlow")]
    assert kept[0].details["also_seen_in"][0]["value"] == "Billing"


def test_broader_series_is_kept_when_its_other_tickets_are_too_few_to_tell():
    payflow, billing = _drop_pair(rest_now=0.0)
    billing.details["tickets"] = 205  # only 5 tickets outside PayFlow: undecidable
    kept = fold_related([payflow, billing], cooccurrence=COOCCURRENCE)
    assert [(a.dimension, a.value) for a in kept] == [("queue", "Billing")]
