"""Prometheus metrics of the service (``GET /metrics``).

- ``tickets_http_request_duration_seconds{method,route,status}``: latency histogram per route
  template (``/v1/tickets/{ticket_id}``, never the raw path, so ids do not explode the labels)
- ``tickets_intake_total{outcome}``: created | duplicate
- ``tickets_prediction_confidence``: histogram of the categoriser's confidence
- ``tickets_enriched_total``, ``tickets_needs_review_total``: their ratio is the needs-review
  rate; ``tickets_needs_review_ratio`` is that ratio since the process started
- ``tickets_retrievals_total``, ``tickets_retrieval_failures_total`` and
  ``tickets_retrieval_failure_ratio``: answers without confidence (logged for the anomaly
  detector)
- ``tickets_enrichment_failures_total``, ``tickets_enrichment_pending`` (tickets waiting)
- ``tickets_model_info{model_version}``: 1 for the loaded model and index versions

With several workers, set ``PROMETHEUS_MULTIPROC_DIR`` (``serve`` does it for ``--workers`` > 1)
and every process writes its samples there; ``/metrics`` then sums them.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 1, 2.5, 5)
CONFIDENCE_BUCKETS = tuple(round(0.1 * i, 1) for i in range(1, 11))


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.latency = Histogram(
            "tickets_http_request_duration_seconds",
            "Request latency by route.",
            ("method", "route", "status"),
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.intake = Counter("tickets_intake", "Tickets posted.", ("outcome",), registry=r)
        self.confidence = Histogram(
            "tickets_prediction_confidence",
            "Categoriser confidence.",
            buckets=CONFIDENCE_BUCKETS,
            registry=r,
        )
        self.enriched = Counter("tickets_enriched", "Tickets enriched.", registry=r)
        self.needs_review = Counter("tickets_needs_review", "Enriched, needing review.", registry=r)
        self.retrievals = Counter("tickets_retrievals", "Recommendations made.", registry=r)
        self.retrieval_failures = Counter(
            "tickets_retrieval_failures", "Recommendations without a confident answer.", registry=r
        )
        self.deferred = Counter(
            "tickets_enrichment_deferred",
            "Intakes answered pending (timeout, busy, unavailable, error).",
            ("reason",),
            registry=r,
        )
        self.enrichment_failures = Counter(
            "tickets_enrichment_failures", "Enrichment attempts that raised.", registry=r
        )
        self.model_reloads = Counter(
            "tickets_model_reloads",
            "Champion reloads after a promotion or rollback (reloaded, failed).",
            ("outcome",),
            registry=r,
        )
        self.pending = self._gauge("tickets_enrichment_pending", "Tickets waiting for enrichment.")
        self.review_ratio = self._gauge("tickets_needs_review_ratio", "Needs-review share.")
        self.failure_ratio = self._gauge("tickets_retrieval_failure_ratio", "Retrieval failures.")
        self.model_info = self._gauge(
            "tickets_model_info", "Loaded model and index.", ("model_version",)
        )
        self._counts = [0, 0, 0, 0]  # enriched, needs review, retrievals, failures

    def _gauge(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
        # across worker processes (multiprocess mode) a gauge reports its live maximum
        return Gauge(
            name, documentation, labels, registry=self.registry, multiprocess_mode="livemax"
        )

    def observe_enrichment(self, confidence: float, needs_review: bool, confident: bool) -> None:
        self.enriched.inc()
        self.confidence.observe(confidence)
        self.retrievals.inc()
        self._counts[0] += 1
        self._counts[2] += 1
        if needs_review:
            self.needs_review.inc()
            self._counts[1] += 1
        if not confident:
            self.retrieval_failures.inc()
            self._counts[3] += 1
        self.review_ratio.set(self._counts[1] / self._counts[0])
        self.failure_ratio.set(self._counts[3] / self._counts[2])

    def set_model_version(self, version: str) -> None:
        self.model_info.clear()
        self.model_info.labels(model_version=version).set(1)

    def watch_lifecycle(self, lifecycle_dir: Path, models_dir: Path) -> None:
        """Also export the lifecycle gauges (drift, champion, last retrain), read from the files
        ``retrain`` writes (tickets.utils.lifecycle_metrics)."""
        from tickets.utils.lifecycle_metrics import LifecycleCollector

        self.lifecycle = LifecycleCollector(lifecycle_dir, models_dir)
        self.registry.register(self.lifecycle)  # type: ignore[arg-type]

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            if getattr(self, "lifecycle", None) is not None:
                registry.register(self.lifecycle)  # type: ignore[arg-type]
            return generate_latest(registry)
        return generate_latest(self.registry)
