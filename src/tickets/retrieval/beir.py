"""Read BEIR-format evaluation sets: corpus JSONL, optional queries JSONL, qrels TSV.

Corpus lines are ``{"_id", "title", "text", ...}``; a ``created`` or ``created_at`` field, when
present, enables the "only documents created before the query" setting. Qrels have the header
``query-id corpus-id score``. Without a queries file, the queries are the corpus documents
named in the qrels (title + text), and each is excluded from its own ranking.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tickets.retrieval.documents import Document


class BeirFormatError(ValueError):
    """An evaluation file does not follow the BEIR layout; the message says where."""


@dataclass(frozen=True)
class BeirQuery:
    query_id: str
    text: str
    source_doc_id: str | None = None  # set when the query is itself a corpus document
    title: str | None = None  # the source document's title, for the dense title field
    created_at: dt.datetime | None = None
    group: str | None = None  # e.g. StackFAQ's rephr_group, for tuning/reporting splits


@dataclass(frozen=True)
class BeirSet:
    documents: list[Document]
    queries: list[BeirQuery]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)


def load_beir(corpus: Path, qrels: Path, queries: Path | None = None) -> BeirSet:
    documents = [_document(row, corpus, n) for n, row in _jsonl(corpus)]
    judgements = load_qrels(qrels)
    if queries is not None:
        loaded = [_query(row, queries, n) for n, row in _jsonl(queries)]
    else:
        by_id = {d.doc_id: d for d in documents}
        missing = [q for q in judgements if q not in by_id]
        if missing:
            raise BeirFormatError(
                f"{qrels}: {len(missing)} query ids are not corpus documents (first: "
                f"{missing[0]}); pass the queries file with --queries"
            )
        loaded = [
            BeirQuery(
                q, by_id[q].search_text, q, title=by_id[q].title, created_at=by_id[q].created_at
            )
            for q in judgements
        ]
    kept = [q for q in loaded if q.query_id in judgements]
    return BeirSet(documents, kept, {q.query_id: judgements[q.query_id] for q in kept})


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    judgements: dict[str, dict[str, int]] = {}
    with _open(path) as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:3]] != ["query-id", "corpus-id", "score"]:
            raise BeirFormatError(
                f"{path}: the first line must be the header 'query-id<TAB>corpus-id<TAB>score'"
            )
        for line, row in enumerate(reader, start=2):
            if len(row) < 3:
                raise BeirFormatError(f"{path} line {line}: expected 3 tab-separated fields")
            if int(row[2]) > 0:
                judgements.setdefault(row[0], {})[row[1]] = int(row[2])
    return judgements


def _document(row: dict[str, Any], path: Path, line: int) -> Document:
    if "_id" not in row:
        raise BeirFormatError(f"{path} line {line}: no '_id' field")
    created = row.get("created") or row.get("created_at")
    return Document(
        doc_id=str(row["_id"]),
        kind="doc",
        title=str(row.get("title") or ""),
        body=str(row.get("text") or ""),
        created_at=_timestamp(created, path, line) if created else None,
    )


def _query(row: dict[str, Any], path: Path, line: int) -> BeirQuery:
    if "_id" not in row or "text" not in row:
        raise BeirFormatError(f"{path} line {line}: a query needs '_id' and 'text'")
    group = row.get("rephr_group")
    return BeirQuery(str(row["_id"]), str(row["text"]), group=None if group is None else str(group))


def _timestamp(value: str, path: Path, line: int) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError as err:
        raise BeirFormatError(f"{path} line {line}: created {value!r} is not ISO 8601") from err
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with _open(path) as handle:
        for n, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as err:
                    raise BeirFormatError(f"{path} line {n}: not JSON ({err.msg})") from err


def _open(path: Path):  # type: ignore[no-untyped-def]
    if not Path(path).is_file():
        raise BeirFormatError(f"no such file: {path}")
    if str(path).endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")
