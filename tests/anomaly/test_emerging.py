"""Rising terms, topics and their classification, on hand-made counts and tickets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tickets.anomaly.emerging import TermMatrix, rising_terms, window_sums
from tickets.anomaly.kb_coverage import KbArticle, best_coverage
from tickets.anomaly.settings import EmergingSettings
from tickets.anomaly.topic_findings import classify_topics
from tickets.anomaly.topics import cluster_topics, drop_tone_terms, name_terms

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(80)]
CFG = EmergingSettings(min_docs=12, min_active_days=3, min_ratio=4.0, fdr=1e-4)


def _matrix(rows: dict[str, np.ndarray], docs_per_day: float = 100.0) -> TermMatrix:
    terms = sorted(rows)
    return TermMatrix(
        terms, DAYS, np.array([rows[t] for t in terms], float), np.full(80, docs_per_day)
    )


def test_window_sums_by_hand():
    counts = np.zeros(80)
    counts[70:] = 5  # 5 tickets a day from day 70
    sums = window_sums(_matrix({"e4711": counts}), recent_days=7, baseline_days=56)
    # on day 72: recent window days 66-72 hold 3 days x 5; the baseline days 10-65 hold none
    assert sums.recent[0, 72] == 15 and sums.baseline[0, 72] == 0
    assert sums.docs_recent[72] == 700 and sums.docs_baseline[72] == 5600
    assert sums.active_days[0, 72] == 3


def test_a_new_term_is_an_episode_starting_on_its_first_day():
    new = np.zeros(80)
    new[70:] = 5
    steady = np.full(80, 20.0)  # present every day at the same rate: never rising
    episodes, tests = rising_terms(_matrix({"e4711": new, "router": steady}), (0, 79), CFG)
    assert [e.term for e in episodes] == ["e4711"]
    episode = episodes[0]
    # first flagged on day 72: 15 tickets >= 12 on 3 active days; binomial p = (700/6300)^15
    assert episode.first_flag == 72 and episode.onset == 70 and episode.last_flag == 79
    assert episode.observed == 15
    assert episode.p_value == pytest.approx((700 / 6300) ** 15)
    # testable days: 62..79 (a full 7 + 56 day history), two terms each
    assert tests == 18 * 2


def test_not_enough_history_means_no_tests():
    short = TermMatrix(["x"], DAYS[:30], np.ones((1, 30)), np.full(30, 10.0))
    assert rising_terms(short, (0, 29), CFG) == ([], 0)


def _tickets(rows: list[tuple[str, str, list[str], bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": [r[0] for r in rows],
            "created_at": pd.to_datetime([r[1] for r in rows], utc=True),
            "day": [dt.date.fromisoformat(r[1][:10]) for r in rows],
            "product": ["CloudSync"] * len(rows),
            "cites_kb": [r[3] for r in rows],
            "has_resolution": [True] * len(rows),
            "matched": [r[2] for r in rows],
        }
    )


def _episode(term: str, onset: int = 70, p: float = 1e-12):
    from tickets.anomaly.emerging import TermEpisode

    return TermEpisode(term, onset, onset + 2, 79, 15.0, 0.1, p, p * 10)


def test_terms_sharing_tickets_form_one_named_topic():
    rows = [(f"T{i}", f"2024-03-{11 + i % 9:02d}", ["e4711", "sync loop", "journal"], True)
            for i in range(10)] + [("U1", "2024-03-12", ["printer jam"], True)]  # fmt: skip
    episodes = [
        _episode("e4711"),
        _episode("sync loop"),
        _episode("journal"),
        _episode("printer jam"),
    ]
    topics = cluster_topics(episodes, _tickets(rows), DAYS, overlap=0.5)
    names = sorted(sorted(e.term for e in t.episodes) for t in topics)
    assert names == [["e4711", "journal", "sync loop"], ["printer jam"]]
    big = max(topics, key=lambda t: len(t.tickets))
    # word pairs and codes first; "journal" is a plain word so it comes last
    assert big.name_terms == ["sync loop", "e4711", "journal"]
    # all carry the three terms; the earliest are T0 and T9 (both on 11 March)
    assert big.examples(2) == ["T0", "T9"]


def test_name_terms_skip_stop_words_and_words_inside_a_chosen_pair():
    tickets = _tickets(
        [("A", "2024-03-12", ["split tunnel", "split", "the split", "v-3090"], False)]
    )
    assert name_terms(tickets, {"split tunnel", "split", "the split", "v-3090"}) == [
        "split tunnel",
        "v-3090",
    ]


def test_tone_words_are_not_an_emerging_issue():
    kept = drop_tone_terms(
        [_episode("unacceptable payflow"), _episode("crash v-3090")], {"payflow"}
    )
    assert [e.term for e in kept] == ["crash v-3090"]


def test_kb_coverage_prefers_the_article_with_the_error_code():
    articles = [
        KbArticle("KB-1", "Sync loop", frozenset({"sync", "loop"})),
        KbArticle("KB-2", "E4711 journal", frozenset({"e4711", "journal"})),
    ]
    best = best_coverage(articles, ["sync loop", "journal"], ["E4711"])
    assert (best.kb_id, best.coverage, best.code_match) == ("KB-2", 0.5, True)
    nothing = best_coverage(articles, ["split tunnel"], ["V-3090"])
    assert (nothing.kb_id, nothing.coverage) == (None, 0.0)


def _classify(cited: bool, launches: dict[str, dt.date] | None = None):
    rows = [(f"T{i}", "2024-03-12", ["v-3090", "split tunnel"], cited) for i in range(8)]
    topics = cluster_topics(
        [_episode("v-3090"), _episode("split tunnel")], _tickets(rows), DAYS, 0.5
    )

    def bounds(a: int, b: int) -> tuple[dt.datetime, dt.datetime]:
        return (dt.datetime.combine(DAYS[a], dt.time(), dt.UTC),
                dt.datetime.combine(DAYS[b] + dt.timedelta(days=1), dt.time(), dt.UTC))  # fmt: skip

    return classify_topics(topics, DAYS, bounds, [], launches or {}, CFG)


def test_resolutions_without_kb_citations_make_a_kb_gap():
    assert [a.type for a in _classify(cited=False).anomalies] == ["kb_gap"]
    assert [a.type for a in _classify(cited=True).anomalies] == ["emerging_issue"]


def test_topic_of_a_just_launched_product_is_launch_traffic():
    findings = _classify(cited=True, launches={"CloudSync": dt.date(2024, 3, 1)})
    assert findings.anomalies == []
    assert "launch traffic of CloudSync" in findings.notes[0]
