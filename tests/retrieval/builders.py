"""Helpers that build a small index from the hand-made warehouse with a given embedder."""

from __future__ import annotations

from pathlib import Path

from tickets.data.warehouse import Warehouse
from tickets.retrieval.builder import BuildReport, build_index
from tickets.retrieval.corpus import load_corpus
from tickets.retrieval.embedder import Embedder
from tickets.retrieval.recommender import Recommender
from tickets.retrieval.settings import RetrievalSettings
from tickets.retrieval.store import load_index


def build(
    warehouse: Path,
    folder: Path,
    embedder: Embedder,
    settings: RetrievalSettings | None = None,
    rebuild: bool = False,
) -> BuildReport:
    settings = settings or RetrievalSettings()
    corpus = load_corpus(Warehouse.at(warehouse), settings.graph.issue_column)
    return build_index(corpus, folder, settings, embedder, rebuild=rebuild)


def recommender(
    folder: Path, embedder: Embedder, settings: RetrievalSettings | None = None
) -> Recommender:
    settings = settings or RetrievalSettings()
    return Recommender(load_index(folder, settings, embedder), settings)
