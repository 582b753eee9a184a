"""Group rising terms into topics and describe each: name, tickets, product, KB citations.

Two rising terms belong to one topic when most tickets of the rarer one also carry the other
(``cluster_overlap``) during overlapping episodes. A topic is named by its most frequent terms
(word pairs and codes first; words already inside a chosen pair are skipped) and comes with its
tickets, so examples and explanations can point at real tickets.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from tickets.anomaly.emerging import TermEpisode
from tickets.anomaly.scoring import cusum_onset
from tickets.anomaly.series import time_filter
from tickets.anomaly.settings import EmergingSettings
from tickets.anomaly.terms import COMBO_SEPARATOR, STOP_WORDS, text_sql, ticket_terms_sql
from tickets.data.duck import sql_literal

KB_CITATION = r"\[?KB-?[0-9]+\]?"
STOP = frozenset(STOP_WORDS)
MIN_RESOLVED = 5  # resolved tickets needed before their KB citations count as evidence


@dataclass
class Topic:
    episodes: list[TermEpisode]
    tickets: pd.DataFrame  # ticket_id, created_at, day, product, cites_kb, has_resolution, hits
    name_terms: list[str] = field(default_factory=list)
    start: int | None = None  # topic-level onset (CUSUM on the topic's daily tickets)

    @property
    def lead(self) -> TermEpisode:
        """The most significant term of the topic (ties: the most tickets)."""
        return min(self.episodes, key=lambda e: (e.p_value, -e.observed))

    @property
    def first_flag(self) -> int:
        return min(e.first_flag for e in self.episodes)

    @property
    def onset(self) -> int:
        if self.start is not None:
            return self.start
        ranked = sorted(self.episodes, key=lambda e: -e.observed)[:3]
        return min(e.onset for e in ranked)

    @property
    def last_flag(self) -> int:
        return max(e.last_flag for e in self.episodes)

    def dominant_product(self) -> tuple[str | None, float]:
        products = self.tickets["product"].dropna()
        if products.empty:
            return None, 0.0
        top = products.value_counts()
        return str(top.index[0]), float(top.iloc[0] / len(self.tickets))

    def cited_share(self) -> float | None:
        resolved = self.tickets[self.tickets["has_resolution"]]
        if len(resolved) < MIN_RESOLVED:
            return None
        return float(resolved["cites_kb"].mean())

    def examples(self, n: int) -> list[str]:
        ranked = self.tickets.sort_values(["hits", "created_at"], ascending=[False, True])
        return [str(t) for t in ranked["ticket_id"].head(n)]


def episode_tickets(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    episodes: list[TermEpisode],
    bounds: tuple[dt.datetime, dt.datetime],
    timezone: str,
    cfg: EmergingSettings,
) -> pd.DataFrame:
    """Tickets in ``bounds`` carrying any episode term, with the matching terms."""
    terms = sorted({e.term for e in episodes})
    if not terms:
        return pd.DataFrame()
    wanted = "[" + ", ".join(sql_literal(t) for t in terms) + "]"
    inner = ticket_terms_sql(
        source_sql,
        cfg.body_chars,
        cfg.code_chars,
        cfg.min_term_chars,
        f"{time_filter('created_at', *bounds)} AND {_mentions_any(terms, cfg)}",
    )
    tz = sql_literal(timezone)
    return con.execute(
        f"""
        SELECT ticket_id, created_at, CAST(created_at AT TIME ZONE {tz} AS DATE) AS day, product,
          coalesce(regexp_matches(resolution, '{KB_CITATION}'), FALSE) AS cites_kb,
          coalesce(length(trim(resolution)) > 0, FALSE) AS has_resolution,
          list_intersect(terms, {wanted}) AS matched
        FROM ({inner}) WHERE len(list_intersect(terms, {wanted})) > 0
        """
    ).df()


TONE_WORDS = frozenset({"still", "again", "urgent", "asap", "now", "immediately", "today"})


def drop_tone_terms(episodes: list[TermEpisode], product_words: set[str]) -> list[TermEpisode]:
    """Drop terms made only of sentiment or urgency words (and product names): an angrier tone
    is the sentiment detector's business, not a new issue."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    noise = set(lexicon) | TONE_WORDS | product_words | STOP

    def tone_only(term: str) -> bool:
        words = term.split(COMBO_SEPARATOR)[-1].lower().split()
        return COMBO_SEPARATOR not in term and all(w in noise for w in words)

    return [e for e in episodes if not tone_only(e.term)]


def _mentions_any(terms: list[str], cfg: EmergingSettings) -> str:
    """A cheap text prefilter (one regular expression) so that only tickets that can carry an
    episode term are tokenised again."""
    words = sorted({w for t in terms for w in t.split(COMBO_SEPARATOR)[-1].lower().split()})
    pattern = "|".join(re.escape(w) for w in words)
    text = f"lower({text_sql(max(cfg.body_chars, cfg.code_chars))})"
    return f"regexp_matches({text}, {sql_literal(pattern)})"


def cluster_topics(
    episodes: list[TermEpisode],
    tickets: pd.DataFrame,
    days: list[dt.date],
    overlap: float,
    baseline_days: int = 56,
) -> list[Topic]:
    """Topics of ``episodes``; ``tickets`` should reach ``baseline_days`` before the first flag
    so each topic's onset can be found on its own daily counts."""
    if tickets.empty or not episodes:
        return []
    day_index = {d: i for i, d in enumerate(days)}
    tickets = tickets.assign(
        matched=tickets["matched"].map(list),
        day_idx=tickets["day"].map(lambda d: day_index.get(_date(d), -1)),
    )
    pairs = tickets[["ticket_id", "day_idx", "matched"]].explode("matched")
    by_term = {term: group for term, group in pairs.groupby("matched", sort=False)}
    sets = [_episode_ids(e, by_term) for e in episodes]
    groups = _overlapping_groups(sets, overlap)
    topics = [
        _topic([episodes[i] for i in members], [sets[i] for i in members], tickets)
        for members in groups
    ]
    for topic in topics:
        topic.start = topic_onset(topic, pairs, len(days), baseline_days)
    return topics


SPECIFIC_RATE = 0.2  # tickets a day before the rise: below it a term is specific to the topic


def topic_onset(topic: Topic, pairs: pd.DataFrame, n_days: int, baseline_days: int) -> int | None:
    """CUSUM onset of the topic's daily tickets before its first flag, counted on its specific
    terms only (those nearly absent in the baseline window: generic words shared with other
    issues would drown the start). Allowance: twice their usual daily count, at least 0.2.
    None when no term is specific (the episodes' own onsets are used then)."""
    flag = topic.first_flag
    lo = max(0, flag - baseline_days)
    early = max(lo + 1, flag - 14)  # the baseline part of the window, before any rise
    terms = {e.term for e in topic.episodes}
    rows = pairs[pairs["matched"].isin(terms)]
    before = rows[(rows["day_idx"] >= lo) & (rows["day_idx"] < early)]
    rate = before.groupby("matched").size() / (early - lo)
    specific = [t for t in terms if rate.get(t, 0.0) < SPECIFIC_RATE]
    if not specific:
        return None
    mine = rows[rows["matched"].isin(specific)].drop_duplicates("ticket_id")
    daily = np.bincount(mine["day_idx"].clip(lower=0).astype(int), minlength=n_days)[:n_days]
    usual = float(daily[lo:early].mean())
    allowance = np.full(flag - lo + 1, max(2 * usual, 0.2))
    return lo + cusum_onset(daily[lo : flag + 1].astype(float), allowance, flag - lo)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    return value  # type: ignore[return-value]


def _overlapping_groups(sets: list[set[str]], overlap: float) -> list[list[int]]:
    """Connected groups of sets where two sets link when ``overlap`` of the smaller one's
    members are in the other (union-find)."""
    parent = list(range(len(sets)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            small = min(len(sets[i]), len(sets[j]))
            if small and len(sets[i] & sets[j]) >= overlap * small:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(sets)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _episode_ids(episode: TermEpisode, by_term: dict[str, pd.DataFrame]) -> set[str]:
    rows = by_term.get(episode.term)
    if rows is None:
        return set()
    inside = (rows["day_idx"] >= episode.onset) & (rows["day_idx"] <= episode.last_flag)
    return set(rows.loc[inside, "ticket_id"])


def _topic(episodes: list[TermEpisode], sets: list[set[str]], tickets: pd.DataFrame) -> Topic:
    ids = set().union(*sets)
    terms = {e.term for e in episodes}
    mine = tickets[tickets["ticket_id"].isin(ids)].copy()
    mine["hits"] = mine["matched"].map(lambda m: len(terms.intersection(m)))
    topic = Topic(episodes=episodes, tickets=mine)
    topic.name_terms = name_terms(mine, terms)
    return topic


def name_terms(tickets: pd.DataFrame, terms: set[str], k: int = 3) -> list[str]:
    """The topic's most frequent terms: codes and word pairs before single words, no stop words,
    no word already inside a chosen pair."""
    counts: Counter[str] = Counter()
    for matched in tickets["matched"]:
        counts.update(t for t in matched if t in terms)
    chosen: list[str] = []
    ranked = sorted(counts, key=lambda t: (-_name_weight(t) * counts[t], t))
    for term in ranked:
        words = term.split(COMBO_SEPARATOR)[-1].split()
        if any(w in STOP for w in words) or COMBO_SEPARATOR in term:
            continue
        if any(set(words) <= set(c.split()) or set(c.split()) <= set(words) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == k:
            break
    return chosen or sorted(counts, key=lambda t: -counts[t])[:k]


def _name_weight(term: str) -> float:
    has_digit = bool(np.any([c.isdigit() for c in term]))
    return (1.5 if " " in term else 1.0) * (1.3 if has_digit else 1.0)
