"""Build or update the index folder: BM25, vectors and graph for tickets and KB articles.

A full build indexes everything and calibrates the confidence model. An update (the default
when a compatible index exists) embeds and tokenises only the tickets it has not seen, rebuilds
the small KB collection, and merges the new tickets' part of the graph into the old one. Either
way the new folder is assembled aside and swapped in atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from tickets.retrieval.calibration import fit_confidence
from tickets.retrieval.collection import Collection
from tickets.retrieval.corpus import Corpus
from tickets.retrieval.documents import Document
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.entities import EntityExtractor, kb_citations
from tickets.retrieval.graph import (
    GraphDocument,
    KnowledgeGraph,
    load_tables,
    merge_tables,
    save_tables,
)
from tickets.retrieval.self_check import self_queries
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.static_embedder import static_of
from tickets.retrieval.store import (
    CALIBRATION_FILE,
    EMBEDDER_DIR,
    INDEX_FORMAT_VERSION,
    IndexStamp,
    IndexUnavailableError,
    fusion_signature,
    load_index,
)
from tickets.utils.io import atomic_directory

Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass(frozen=True)
class BuildReport:
    mode: str  # full | update | unchanged
    folder: Path
    tickets: int
    kb_articles: int
    new_tickets: int
    graph_nodes: int = 0
    graph_edges: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    calibration: dict[str, object] = field(default_factory=dict)


def build_index(
    corpus: Corpus,
    target: Path,
    settings: RetrievalSettings,
    embedder: Embedder,
    rebuild: bool = False,
    progress: Progress | None = None,
    sources: dict[str, object] | None = None,
) -> BuildReport:
    job = _Job(corpus, Path(target), settings, embedder, progress)
    job.previous = None if rebuild else _compatible_stamp(job.target, settings, embedder)
    kb_print = _fingerprint(corpus.kb_articles)
    fresh = list(corpus.tickets)
    if job.previous is not None:
        seen = _indexed_ticket_ids(job.target)
        fresh = [t for t in corpus.tickets if t.doc_id not in seen]
        same_kb = job.previous.sources.get("kb_fingerprint") == kb_print
        if not fresh and same_kb and job.previous.fusion == fusion_signature(settings):
            return BuildReport("unchanged", job.target, len(seen), job.previous.counts["kb"], 0)
    with atomic_directory(job.target) as staging:
        _prepare_static(job, staging)
        tickets_c, kb_c = _write_collections(job, staging, fresh)
        graph_size = (0, 0)
        if settings.graph.enabled:
            graph_size = job.timer.run("graph", lambda: _write_graph(job, staging, fresh))
        _stamp(job, tickets_c, kb_c, kb_print, sources).write(staging)
        calibration = job.timer.run("calibration", lambda: _calibrate(job, staging))
    return BuildReport(
        "full" if job.previous is None else "update",
        job.target,
        tickets_c.size,
        kb_c.size,
        len(fresh),
        *graph_size,
        seconds=job.timer.seconds,
        calibration=calibration,
    )


@dataclass
class _Job:
    corpus: Corpus
    target: Path
    settings: RetrievalSettings
    embedder: Embedder
    progress: Progress | None
    previous: IndexStamp | None = None
    timer: _Timer = field(default_factory=lambda: _Timer())


def _prepare_static(job: _Job, staging: Path) -> None:
    """A static embedder is fitted on the whole corpus by a full build, or read from the index
    an update extends; either way its table goes into the new folder."""
    static = static_of(job.embedder)
    if static is None:
        return
    if job.previous is not None:
        static.load(job.target / EMBEDDER_DIR)
    else:
        texts = [d.search_text for d in (*job.corpus.tickets, *job.corpus.kb_articles)]
        steps = len(texts)

        def note(step: str) -> None:
            if job.progress is not None:
                job.progress(step, 0, steps)

        job.timer.run("static_embedder", lambda: static.fit(texts, note))
    static.save(staging / EMBEDDER_DIR)


def _write_collections(
    job: _Job, staging: Path, fresh: Sequence[Document]
) -> tuple[Collection, Collection]:
    """Tickets (built, or the old ones plus ``fresh``) and KB articles, saved to ``staging``."""
    embed = _embedding(job.embedder, job.progress)
    lexical, dense, dim = job.settings.lexical, job.settings.dense, job.embedder.dim
    if job.previous is None:
        tickets_c = job.timer.run(
            "tickets", lambda: Collection.build(fresh, embed, lexical, dense, dim)
        )
    else:
        tickets_c = Collection.load(job.target / "tickets", lexical, dense, dim)
        job.timer.run("tickets", lambda: tickets_c.add(fresh, embed))
    kb_c = job.timer.run(
        "kb", lambda: Collection.build(job.corpus.kb_articles, embed, lexical, dense, dim)
    )
    for name, collection in (("tickets", tickets_c), ("kb", kb_c)):
        job.timer.run(f"save_{name}", lambda c=collection, n=name: c.save(staging / n))
    return tickets_c, kb_c


def _embedding(embedder: Embedder, progress: Progress | None) -> Callable[[list[str]], np.ndarray]:
    def embed(texts: list[str]) -> np.ndarray:
        done = [0]

        def on_chunk(n: int) -> None:
            done[0] += n
            if progress is not None:
                progress("embedding", done[0], len(texts))

        if hasattr(embedder, "embed") and "on_chunk" in embedder.embed.__code__.co_varnames:
            return embedder.embed(texts, on_chunk=on_chunk)  # type: ignore[call-arg]
        vectors = embedder.embed(texts)
        on_chunk(len(texts))
        return vectors

    return embed


def _write_graph(job: _Job, staging: Path, fresh: Sequence[Document]) -> tuple[int, int]:
    corpus = job.corpus
    extractor = EntityExtractor(products=tuple(corpus.products))
    kb_ids = {d.doc_id for d in corpus.kb_articles}
    documents = [_graph_doc(d, extractor, kb_ids) for d in fresh]
    # a KB article joins an issue node only when tickets use the same issue values
    ticket_issues = {d.issue for d in corpus.tickets if d.issue}
    for kb in corpus.kb_articles:
        kb = kb if kb.issue in ticket_issues else dataclasses.replace(kb, issue=None)
        documents.append(_graph_doc(kb, extractor, kb_ids))
    tables = KnowledgeGraph().add_documents(documents).tables()
    if job.previous is not None and (job.target / "graph").is_dir():
        tables = merge_tables(load_tables(job.target / "graph"), tables)
    save_tables(staging / "graph", tables)
    return tables[0].num_rows, tables[1].num_rows


def _graph_doc(doc: Document, extractor: EntityExtractor, kb_ids: set[str]) -> GraphDocument:
    text = f"{doc.search_text}\n{doc.resolution}" if doc.kind == "ticket" else doc.search_text
    cited = tuple(k for k in kb_citations(doc.resolution) if k in kb_ids)
    return GraphDocument(
        doc.kind,
        doc.doc_id,
        tuple(extractor.extract(text)),
        doc.product,
        doc.issue,
        has_resolution=doc.kind == "ticket" and bool(doc.resolution),
        cited_kb_ids=cited,
    )


def _calibrate(job: _Job, staging: Path) -> dict[str, object]:
    old = job.target / CALIBRATION_FILE
    same_fusion = job.previous is not None and job.previous.fusion == fusion_signature(job.settings)
    if same_fusion and old.is_file():
        shutil.copy2(old, staging / CALIBRATION_FILE)
        return {"kept": True}
    index = load_index(staging, job.settings, job.embedder)
    check = self_queries(index, job.settings, job.progress)
    model = fit_confidence(check.rows, check.labels, check.label, check.natural)
    model.write(staging / CALIBRATION_FILE)
    return {"label": check.label, "samples": model.samples, **model.holdout}


def _compatible_stamp(
    target: Path, settings: RetrievalSettings, embedder: Embedder
) -> IndexStamp | None:
    try:
        stamp = IndexStamp.read(target)
    except (IndexUnavailableError, ValueError, OSError):
        return None
    same = (
        stamp.embedder == embedder.name
        and stamp.lexical == settings.lexical.__dict__
        and stamp.dense.get("max_seq_length") == settings.dense.max_seq_length
        and stamp.dense.get("static") == dataclasses.asdict(settings.dense.static)
        and stamp.dense.get("title_field") == settings.dense.title_field
        and stamp.issue_column == settings.graph.issue_column
    )
    return stamp if same else None


def _indexed_ticket_ids(target: Path) -> set[str]:
    import pyarrow.parquet as pq

    table = pq.read_table(target / "tickets" / "documents.parquet", columns=["doc_id"])
    return set(table["doc_id"].to_pylist())


def _stamp(
    job: _Job,
    tickets_c: Collection,
    kb_c: Collection,
    kb_print: str,
    sources: dict[str, object] | None,
) -> IndexStamp:
    settings, embedder, previous = job.settings, job.embedder, job.previous
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return IndexStamp(
        format_version=INDEX_FORMAT_VERSION,
        embedder=embedder.name,
        dim=embedder.dim,
        lexical=dict(settings.lexical.__dict__),
        dense=dataclasses.asdict(settings.dense),
        issue_column=settings.graph.issue_column,
        products=job.corpus.products,
        counts={"tickets": tickets_c.size, "kb": kb_c.size},
        sources={**(sources or {}), "kb_fingerprint": kb_print},
        fusion=fusion_signature(settings),
        built_at=previous.built_at if previous else now,
        updated_at=now,
        code_version=_code_version(),
    )


def _fingerprint(documents: Sequence[Document]) -> str:
    digest = hashlib.sha256()
    for doc in documents:
        digest.update(f"{doc.doc_id}\x1f{doc.title}\x1f{doc.body}\x1e".encode())
    return digest.hexdigest()[:16]


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, step: str, work):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = work()
        self.seconds[step] = round(time.perf_counter() - start, 3)
        return result


def _code_version() -> str:
    try:
        return metadata.version("tickets")
    except metadata.PackageNotFoundError:
        return "unknown"
