"""The real :class:`~tickets.api.enrichment.Enricher`: categoriser + retriever.

``load_model_enricher`` loads (or, on a fresh clone, builds) both. It runs in the model-loader
thread, so the service answers while it works and ``/readyz`` reports when it is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from tickets.api.enrichment import (
    CategoryPrediction,
    Enrichment,
    RecommendationSet,
    TicketText,
)
from tickets.api.settings import ApiSettings

log = logging.getLogger(__name__)


class Categoriser(Protocol):
    version: str

    def predict(self, tickets: Sequence[TicketText]) -> list[CategoryPrediction]: ...


class Recommender(Protocol):
    version: str

    def recommend_many(self, tickets: Sequence[TicketText]) -> list[RecommendationSet]: ...


class ModelEnricher:
    def __init__(self, categoriser: Categoriser, recommender: Recommender) -> None:
        self.categoriser = categoriser
        self.recommender = recommender

    @property
    def version(self) -> str:
        return f"{self.categoriser.version}+{self.recommender.version}"

    def enrich(self, tickets: Sequence[TicketText]) -> list[Enrichment]:
        predictions = self.categoriser.predict(tickets)
        recommendations = self.recommender.recommend_many(tickets)
        version = self.version
        return [
            Enrichment(prediction, recs, version)
            for prediction, recs in zip(predictions, recommendations, strict=True)
        ]


def load_model_enricher(settings: ApiSettings) -> ModelEnricher:
    from tickets.api.categoriser import load_categoriser
    from tickets.api.recommender import load_recommender

    started = time.perf_counter()
    _limit_model_threads(settings.torch_threads)
    with ThreadPoolExecutor(2, thread_name_prefix="model-load") as pool:
        # side by side: fitting a starter model and embedding a starter index use one core each
        categoriser_job = pool.submit(load_categoriser, settings)
        recommender_job = pool.submit(load_recommender, settings)
        categoriser, recommender = categoriser_job.result(), recommender_job.result()
    enricher = ModelEnricher(categoriser, recommender)
    enricher.enrich([TicketText("warm-up", "warm-up", "The service is starting up.")])
    log.info("enricher %s loaded in %.1fs", enricher.version, time.perf_counter() - started)
    return enricher


def _limit_model_threads(threads: int) -> None:
    """One enrichment thread runs the models; the thread pools of torch and of BLAS (numpy's
    matrix products in retrieval and categorisation) on top of it only add contention with the
    request threads. On a busy 2-core machine a 2-thread MiniLM call was 35x slower than 1, and
    with BLAS's default pool 29 of 450 tickets at 30/s were answered pending; with one, none."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    threadpool_limits(limits=threads)
