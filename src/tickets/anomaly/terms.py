"""Terms of ticket text, counted per local day in DuckDB.

A ticket's terms are the distinct words (3+ characters with a letter) and word pairs of its
subject plus the first ``body_chars`` of its body, and ``<product> · <error code>`` pairs (codes
such as E4711 or V-3090, looked for in the subject and the first ``code_chars`` of the body).
Only (term, day, tickets) aggregates come back to Python.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from tickets.anomaly.series import fetch_row, time_filter
from tickets.data.duck import sql_literal

EXTRA_STOP_WORDS = frozenset(
    {"hello", "thanks", "thank", "please", "regards", "kind", "best", "dear", "team", "support",
     "help", "need", "issue", "problem", "re", "fw", "fwd", "hi", "hey", "cheers", "advance"}
)  # fmt: skip
STOP_WORDS = tuple(sorted(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS))
CODE_PATTERN = r"\b([A-Z]{1,4}-?[0-9]{2,5})\b"
COMBO_SEPARATOR = " · "


def text_sql(body_chars: int) -> str:
    if body_chars <= 0:
        return "coalesce(subject, '')"
    return f"coalesce(subject, '') || ' ' || left(coalesce(body, ''), {int(body_chars)})"


def _word_filter(min_chars: int) -> str:
    return f"lambda w: length(w) >= {int(min_chars)} AND regexp_matches(w, '[a-z]')"


def has_text_filter() -> str:
    return "created_at IS NOT NULL AND (subject IS NOT NULL OR body IS NOT NULL)"


def ticket_terms_sql(
    source_sql: str, body_chars: int, code_chars: int, min_chars: int, where: str
) -> str:
    """One row per ticket: ticket_id, created_at, product, resolution, terms (distinct list).

    Stop words are not removed here (they never rise, so they are never flagged); names drop
    them later. Word pairs are formed after short tokens are dropped.
    """
    return f"""
    SELECT ticket_id, created_at, product, resolution,
      list_distinct(list_concat(
        tok,
        list_transform(range(1, len(tok)), lambda i: tok[i] || ' ' || tok[i + 1]),
        CASE WHEN product IS NULL THEN [] ELSE list_transform(
          regexp_extract_all(coded, '{CODE_PATTERN}', 1),
          lambda c: product || '{COMBO_SEPARATOR}' || c) END
      )) AS terms
    FROM (
      SELECT ticket_id, created_at, product, resolution, {text_sql(code_chars)} AS coded,
        list_filter(regexp_split_to_array(lower({text_sql(body_chars)}), '[^a-z0-9-]+'),
                    {_word_filter(min_chars)}) AS tok
      FROM {source_sql}
      WHERE {has_text_filter()} AND {where}
    )
    """


def has_text(con: duckdb.DuckDBPyConnection, source_sql: str, columns: set[str]) -> bool:
    if not {"subject", "body"} <= columns:
        return False
    row = fetch_row(
        con,
        f"SELECT count(*) FROM (SELECT 1 FROM {source_sql} "
        "WHERE subject IS NOT NULL OR body IS NOT NULL LIMIT 1)",
    )
    return bool(row and row[0])


def term_day_counts(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    timezone: str,
    body_chars: int,
    code_chars: int,
    min_chars: int,
    min_total: int,
    lo: dt.datetime | None = None,
    hi: dt.datetime | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(term, day, docs) for terms with at least ``min_total`` tickets, and (day, docs) totals."""
    tz = sql_literal(timezone)
    where = time_filter("created_at", lo, hi)
    day = f"CAST(created_at AT TIME ZONE {tz} AS DATE)"
    docs = con.execute(
        f"SELECT {day} AS day, count(*) AS docs FROM {source_sql} "
        f"WHERE {has_text_filter()} AND {where} GROUP BY ALL"
    ).df()
    terms_sql = ticket_terms_sql(source_sql, body_chars, code_chars, min_chars, where)
    counts = con.execute(
        f"""
        WITH td AS (
          SELECT term, day, count(*) AS docs
          FROM (SELECT {day} AS day, unnest(terms) AS term FROM ({terms_sql}))
          GROUP BY term, day
        )
        SELECT td.* FROM td
        JOIN (SELECT term FROM td GROUP BY term HAVING sum(docs) >= {int(min_total)}) USING (term)
        """
    ).df()
    return counts, docs
