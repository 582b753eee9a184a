"""The index folder on disk (``outputs/index/``), its version stamp, and loading it.

Layout::

    index.json               version stamp: format version, embedder, settings, counts, sources
    tickets/                 solved tickets: documents.parquet, bm25/, dense/
    kb/                      KB articles:    documents.parquet, bm25/, dense/
    graph/                   nodes.parquet, edges.parquet
    calibration.json         the confidence model fitted at build time
    embedder/static.npz      the static embedder's table, fitted on this corpus (static only)

The whole folder is written with ``atomic_directory``: a crash mid-build leaves the previous
index in place, never a half-written one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tickets.retrieval.calibration import ConfidenceModel
from tickets.retrieval.collection import Collection
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.entities import EntityExtractor
from tickets.retrieval.graph import load_tables
from tickets.retrieval.ppr import GraphMatrix
from tickets.retrieval.retriever import GraphContext, Retriever
from tickets.retrieval.settings import DenseSettings, LexicalSettings, RetrievalSettings
from tickets.retrieval.static_embedder import static_of

INDEX_FORMAT_VERSION = 1
STAMP_FILE = "index.json"
CALIBRATION_FILE = "calibration.json"
EMBEDDER_DIR = "embedder"  # the static embedder's fitted table (static encoder only)
BUILD_COMMAND = "python main.py index --warehouse DIR"


class IndexUnavailableError(RuntimeError):
    """The index cannot be used; the message names the command that fixes it."""


class IndexMissingError(IndexUnavailableError):
    pass


class IndexVersionError(IndexUnavailableError):
    pass


@dataclass(frozen=True)
class IndexStamp:
    format_version: int
    embedder: str
    dim: int
    lexical: dict[str, Any]
    dense: dict[str, Any]
    issue_column: str
    products: list[str]
    counts: dict[str, int]
    sources: dict[str, Any] = field(default_factory=dict)
    fusion: dict[str, Any] = field(default_factory=dict)  # what the confidence was fitted on
    built_at: str = ""
    updated_at: str = ""
    code_version: str = ""

    def write(self, folder: Path) -> None:
        text = json.dumps(self.__dict__, indent=2, ensure_ascii=False)
        (folder / STAMP_FILE).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> IndexStamp:
        path = folder / STAMP_FILE
        if not path.is_file():
            raise IndexMissingError(
                f"no retrieval index at {folder}: build it with '{BUILD_COMMAND}' "
                "(or point paths.index=... at an existing one)"
            )
        raw = json.loads(path.read_text(encoding="utf-8"))
        version = raw.get("format_version")
        if version != INDEX_FORMAT_VERSION:
            raise IndexVersionError(
                f"the index at {folder} has format version {version}, but this version of "
                f"tickets reads version {INDEX_FORMAT_VERSION}: rebuild it with "
                f"'{BUILD_COMMAND} --rebuild'"
            )
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})

    @property
    def lexical_settings(self) -> LexicalSettings:
        return LexicalSettings(**self.lexical)

    def dense_settings(self, query_side: DenseSettings) -> DenseSettings:
        """Build-time dense settings, with the query-time knob (nprobe) from the config."""
        built = DenseSettings(**{k: v for k, v in self.dense.items() if k != "static"})
        return DenseSettings(
            encoder=built.encoder,
            static=query_side.static,
            batch_size=query_side.batch_size,
            max_seq_length=built.max_seq_length,
            ivf_threshold=built.ivf_threshold,
            ivf_nprobe=query_side.ivf_nprobe,
            cache=query_side.cache,
            title_field=built.title_field,
        )


@dataclass
class LoadedIndex:
    folder: Path
    stamp: IndexStamp
    retriever: Retriever
    confidence: ConfidenceModel
    warnings: list[str]

    @property
    def tickets(self) -> Collection:
        return self.retriever.collections["tickets"]

    @property
    def kb(self) -> Collection:
        return self.retriever.collections["kb"]


def load_index(folder: Path, settings: RetrievalSettings, embedder: Embedder) -> LoadedIndex:
    """Open the index for queries; settings that differ from the build's come with a warning."""
    folder = Path(folder)
    stamp = IndexStamp.read(folder)
    warnings = _drift_warnings(stamp, settings, embedder)
    static = static_of(embedder)
    if static is not None:
        try:
            static.load(folder / EMBEDDER_DIR)
        except OSError as err:
            raise IndexVersionError(
                f"the index at {folder} has no readable static embedder table ({err}): "
                f"rebuild it with '{BUILD_COMMAND} --rebuild'"
            ) from err
    lexical = stamp.lexical_settings
    dense = stamp.dense_settings(settings.dense)
    collections = {
        name: Collection.load(folder / name, lexical, dense, stamp.dim)
        for name in ("tickets", "kb")
    }
    graph = None
    if settings.graph.enabled and (folder / "graph").is_dir():
        matrix = GraphMatrix.from_tables(*load_tables(folder / "graph"))
        extractor = EntityExtractor(products=tuple(stamp.products))
        graph = GraphContext.attach(matrix, extractor, collections)
    retriever = Retriever(collections, embedder, settings.fusion, settings.graph, graph)
    confidence = ConfidenceModel.read(folder / CALIBRATION_FILE)
    return LoadedIndex(folder, stamp, retriever, confidence, warnings)


def fusion_signature(settings: RetrievalSettings) -> dict[str, Any]:
    """The fusion settings as stored in the stamp (JSON round-trip, so stored and current
    compare equal)."""
    return json.loads(json.dumps(settings.fusion.__dict__))


def _drift_warnings(
    stamp: IndexStamp, settings: RetrievalSettings, embedder: Embedder
) -> list[str]:
    warnings = []
    if stamp.embedder != embedder.name:
        raise IndexVersionError(
            f"the index was embedded with {stamp.embedder}, but the configured embedder is "
            f"{embedder.name}: rebuild with '{BUILD_COMMAND} --rebuild'"
        )
    if stamp.lexical != settings.lexical.__dict__:
        warnings.append(
            "retrieval.lexical settings differ from the ones the index was built with; the "
            f"index's own are used. Rebuild ('{BUILD_COMMAND} --rebuild') to apply the new ones"
        )
    if stamp.fusion != fusion_signature(settings):
        warnings.append(
            "retrieval.fusion settings differ from the ones the index's confidence model was "
            f"fitted on, so confidences are off; run '{BUILD_COMMAND}' to refit it"
        )
    return warnings
