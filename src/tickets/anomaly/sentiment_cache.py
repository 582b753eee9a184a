"""VADER sentiment per ticket, computed once and cached on disk by (ticket_id, text hash).

The cache is a folder of Parquet parts (ticket_id, text_hash, compound) under
``<cache_dir>/vader-<version>-<chars>c/``. DuckDB finds the tickets whose (id, hash) is not in
the cache; only their text comes to Python, identical texts are scored once, in ``workers``
processes when there is a lot of it, and each batch is written as a new part. A changed ticket
text gets a new hash, so it is rescored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tickets.anomaly.series import fetch_row
from tickets.data.duck import sql_literal
from tickets.utils.io import atomic_path
from tickets.utils.timeutil import run_stamp

log = logging.getLogger(__name__)
BATCH = 250_000  # texts per batch: each is deduplicated, scored in parallel, written as a part
PARALLEL_MIN = 20_000  # fewer texts than this are scored in this process
COMPACT_PARTS = 24  # merge the parts into one when there are more than this many

_ANALYZER = None


def _analyzer():  # type: ignore[no-untyped-def]
    global _ANALYZER
    if _ANALYZER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYZER = SentimentIntensityAnalyzer()
    return _ANALYZER


def vader_compound(texts: list[str]) -> list[float]:
    """VADER compound score (-1 .. 1) of each text."""
    analyzer = _analyzer()
    return [float(analyzer.polarity_scores(t)["compound"]) for t in texts]


def text_expression(text_chars: int) -> str:
    return f"coalesce(subject, '') || '. ' || left(coalesce(body, ''), {int(text_chars)})"


def hash_expression(text_chars: int) -> str:
    return f"left(md5({text_expression(text_chars)}), 16)"


@dataclass(frozen=True)
class SentimentCache:
    root: Path
    text_chars: int

    @property
    def folder(self) -> Path:
        from importlib.metadata import PackageNotFoundError, version

        try:
            vader = version("vaderSentiment")
        except PackageNotFoundError:  # pragma: no cover - the package ships with the project
            vader = "unknown"
        return self.root / f"vader-{vader}-{self.text_chars}c"

    def parts(self) -> list[Path]:
        return sorted(self.folder.glob("part-*.parquet"))

    def scan_sql(self) -> str:
        """A table expression over the cache (an empty one when nothing is cached yet)."""
        parts = self.parts()
        if not parts:
            return (
                "(SELECT CAST(NULL AS VARCHAR) AS ticket_id, CAST(NULL AS VARCHAR) AS text_hash, "
                "CAST(NULL AS DOUBLE) AS compound WHERE FALSE)"
            )
        files = "[" + ", ".join(sql_literal(str(p)) for p in parts) + "]"
        return f"read_parquet({files})"

    def write_part(self, table: pa.Table) -> Path:
        target = self.folder / f"part-{run_stamp()}-{len(self.parts()):05d}.parquet"
        with atomic_path(target) as tmp:
            pq.write_table(table, tmp)
        return target

    def compact(self, con: duckdb.DuckDBPyConnection) -> None:
        parts = self.parts()
        if len(parts) <= COMPACT_PARTS:
            return
        merged = con.execute(
            f"SELECT DISTINCT ON (ticket_id, text_hash) * FROM {self.scan_sql()}"
        ).to_arrow_table()
        self.write_part(merged)
        for part in parts:
            part.unlink()


def missing_texts_sql(source_sql: str, cache: SentimentCache, where: str) -> str:
    text = text_expression(cache.text_chars)
    digest = hash_expression(cache.text_chars)
    return (
        f"SELECT t.ticket_id, t.text_hash, t.text FROM (SELECT ticket_id, {digest} AS text_hash, "
        f"{text} AS text FROM {source_sql} WHERE (subject IS NOT NULL OR body IS NOT NULL) "
        f"AND {where}) t ANTI JOIN {cache.scan_sql()} c "
        "ON t.ticket_id = c.ticket_id AND t.text_hash = c.text_hash"
    )


def score_missing(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    cache: SentimentCache,
    where: str = "TRUE",
    workers: int = 2,
    on_scored: Callable[[int], None] | None = None,
) -> int:
    """Score every ticket text not yet in the cache; returns how many were scored."""
    count = fetch_row(con, f"SELECT count(*) FROM ({missing_texts_sql(source_sql, cache, where)})")
    total = int(count[0]) if count else 0
    if total == 0:
        return 0
    reader = con.sql(missing_texts_sql(source_sql, cache, where)).to_arrow_reader(BATCH)
    batches = _batches(reader)
    with _scorer(workers if total >= PARALLEL_MIN else 1) as score:
        for batch in batches:
            texts = batch.column("text").to_pylist()
            codes, unique = pd.factorize(pd.Series(texts, dtype=object))
            compound = np.asarray(score(list(unique)), dtype=float)[codes]
            cache.write_part(
                pa.table(
                    {
                        "ticket_id": batch.column("ticket_id"),
                        "text_hash": batch.column("text_hash"),
                        "compound": pa.array(compound, pa.float64()),
                    }
                )
            )
            if on_scored:
                on_scored(len(texts))
    cache.compact(con)
    log.info("scored %d ticket texts with VADER", total)
    return total


def _batches(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        if batch.num_rows:
            yield batch


class _scorer:
    """Context manager giving a function that scores a list of texts, in joblib's loky worker
    processes when ``workers`` > 1 (they import this module; nothing is re-run from __main__)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.parallel: Any = None

    def __enter__(self) -> Callable[[list[str]], list[float]]:
        if self.workers == 1:
            return vader_compound
        from joblib import Parallel, delayed

        self.parallel = Parallel(n_jobs=self.workers, backend="loky")
        parallel = self.parallel.__enter__()

        def score(texts: list[str]) -> list[float]:
            size = max(1, -(-len(texts) // (self.workers * 4)))
            chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
            parts = parallel(delayed(vader_compound)(chunk) for chunk in chunks)
            return [x for part in parts for x in part]

        return score

    def __exit__(self, *exc: object) -> None:
        if self.parallel is not None:
            self.parallel.__exit__(None, None, None)
