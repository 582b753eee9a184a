"""ground_truth.json agrees with the data: planted effects are really there."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from .helpers import anomaly, dimension, tickets, truth, window


@pytest.fixture(scope="module")
def frame(warehouse: Path) -> pd.DataFrame:
    return tickets(warehouse)


def test_header_records_the_arguments(warehouse: Path):
    gt = truth(warehouse)
    assert (gt["seed"], gt["tickets"], gt["start"], gt["days"]) == (11, 4000, "2024-01-01", 150)
    assert gt["generator_version"] == "1"
    assert gt["as_of"] == "2024-05-30T00:00:00Z"


def test_csat_drivers_are_sorted_and_the_top_three_are_the_planted_durations(warehouse: Path):
    drivers = truth(warehouse)["csat_drivers"]
    importance = [d["importance"] for d in drivers]
    assert importance == sorted(importance, reverse=True)
    top = [d["feature"] for d in drivers[:3]]
    assert set(top) == {"resolution_hours", "reopened_count", "first_response_hours"}
    assert importance[2] > 1.3 * importance[3]  # a clear gap below the top three
    agents = next(d for d in drivers if d["feature"] == "agent_id")["levels"]
    assert sorted(agents.values()) == [-0.9, -0.7, 0.6, 0.8]


def test_planted_agents_really_score_differently(frame: pd.DataFrame, warehouse: Path):
    agents = next(d for d in truth(warehouse)["csat_drivers"] if d["feature"] == "agent_id")
    means = frame.groupby("agent_id")["satisfaction_score"].mean()
    best = max(agents["levels"], key=agents["levels"].get)
    worst = min(agents["levels"], key=agents["levels"].get)
    assert means[best] > means.median() > means[worst]


def test_volume_spike_window_holds_the_spike(frame: pd.DataFrame, warehouse: Path):
    spike = anomaly(warehouse, "volume_spike")
    product = frame[frame["product"] == spike["value"]]
    daily = product.groupby(product["created_at"].dt.normalize()).size()
    inside = window(pd.DataFrame({"created_at": daily.index}), spike).to_numpy()
    assert daily[inside].mean() > 2.5 * daily[~inside].mean()
    assert inside.sum() == 3
    assert spike["tickets_in_window"] == int(window(product, spike).sum())


def test_emerging_issue_grows_inside_its_window_with_new_wording(frame, warehouse: Path):
    entry = anomaly(warehouse, "emerging_issue")
    rows = frame[frame["x_issue_id"] == entry["value"]]
    assert len(rows) > 20 and window(rows, entry).all()
    per_day = rows.groupby(rows["created_at"].dt.normalize()).size()
    assert per_day.iloc[-5:].sum() > 3 * per_day.iloc[:5].sum()
    text = rows["subject"] + " " + rows["body"]
    assert text.str.contains(entry["error_code"]).mean() > 0.9
    others = frame.loc[frame["x_issue_id"] != entry["value"], "body"]
    assert not others.str.contains(entry["error_code"]).any()
    assert not others.str.contains("journal corrupted").any()


def test_sentiment_drop_lowers_csat_and_angers_the_text(frame, warehouse: Path):
    entry = anomaly(warehouse, "sentiment_drop")
    queue = frame[frame["queue"] == entry["value"]]
    inside = window(queue, entry)
    csat_in = queue.loc[inside, "satisfaction_score"].mean()
    csat_out = queue.loc[~inside, "satisfaction_score"].mean()
    assert csat_in < csat_out - 0.5
    assert (
        queue.loc[inside, "x_sentiment_true"].mean()
        < queue.loc[~inside, "x_sentiment_true"].mean() - 0.3
    )


def test_vader_reads_the_angry_window_as_more_negative(frame, warehouse: Path):
    vader = pytest.importorskip("vaderSentiment.vaderSentiment")
    entry = anomaly(warehouse, "sentiment_drop")
    queue = frame[(frame["queue"] == entry["value"]) & (frame["x_language"] == "en")]
    inside = window(queue, entry)
    analyzer = vader.SentimentIntensityAnalyzer()
    score = queue["body"].map(lambda body: analyzer.polarity_scores(body)["compound"])
    assert score[inside].mean() < score[~inside].mean() - 0.2


def test_kb_gap_issue_has_no_article_and_no_citation(frame, warehouse: Path):
    entry = anomaly(warehouse, "kb_gap")
    gt = truth(warehouse)
    assert gt["kb_relevance"]["by_issue"][entry["value"]] == []
    assert entry["value"] not in set(dimension(warehouse, "kb_articles")["issue"].dropna())
    rows = frame[frame["x_issue_id"] == entry["value"]]
    assert len(rows) > 10 and window(rows, entry).all()
    assert not rows["resolution"].dropna().str.contains(r"\[KB-").any()


def test_every_cited_kb_article_exists_and_is_the_relevant_one(frame, warehouse: Path):
    articles = dimension(warehouse, "kb_articles").set_index("kb_id")
    relevance = truth(warehouse)["kb_relevance"]["by_issue"]
    resolved = frame.dropna(subset=["resolution"])
    cited = resolved["resolution"].str.extract(r"\[(KB-\d{4})\]")[0]
    has_kb = resolved["x_issue_id"].map(lambda issue: bool(relevance[issue]))
    assert cited[has_kb].notna().all()
    assert cited.dropna().isin(articles.index).all()
    expected = resolved["x_issue_id"].map(lambda issue: (relevance[issue] or [None])[0])
    assert (cited[has_kb] == expected[has_kb]).all()


def test_kb_articles_have_numbered_steps(warehouse: Path):
    articles = dimension(warehouse, "kb_articles")
    assert articles["body"].map(lambda b: bool(re.search(r"^1\. .+\n2\. ", b, re.M))).all()
    assert articles["kb_id"].is_unique


def test_issues_map_to_products_categories_and_ticket_counts(frame, warehouse: Path):
    issues = truth(warehouse)["issues"]
    counts = frame["x_issue_id"].value_counts()
    for issue_id, entry in issues.items():
        assert entry["tickets"] == counts.get(issue_id, 0)
        rows = frame[frame["x_issue_id"] == issue_id]
        assert (rows["product"] == entry["product"]).all()
        assert (rows["category"] == entry["category"]).all()
    assert 8 <= frame["category"].nunique() <= 20
