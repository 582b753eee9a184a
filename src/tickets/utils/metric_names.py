"""The Prometheus metric names the service exports, in one place.

``deploy/prometheus/rules.yml`` and ``deploy/grafana/dashboard.json`` may only use these names;
``tests/lifecycle/test_monitoring.py`` checks both against what ``/metrics`` really serves.
Names are as scraped (counters carry ``_total``, histograms ``_bucket``/``_sum``/``_count``).
"""

from __future__ import annotations

# HTTP and enrichment (tickets.api.metrics.ServiceMetrics)
REQUEST_DURATION = "tickets_http_request_duration_seconds"  # histogram {method, route, status}
INTAKE = "tickets_intake_total"  # counter {outcome}
PREDICTION_CONFIDENCE = "tickets_prediction_confidence"  # histogram
ENRICHED = "tickets_enriched_total"
NEEDS_REVIEW = "tickets_needs_review_total"
NEEDS_REVIEW_RATIO = "tickets_needs_review_ratio"
RETRIEVALS = "tickets_retrievals_total"
RETRIEVAL_FAILURES = "tickets_retrieval_failures_total"
RETRIEVAL_FAILURE_RATIO = "tickets_retrieval_failure_ratio"
ENRICHMENT_FAILURES = "tickets_enrichment_failures_total"
ENRICHMENT_PENDING = "tickets_enrichment_pending"
MODEL_INFO = "tickets_model_info"  # gauge {model_version}

# Lifecycle (tickets.utils.lifecycle_metrics.LifecycleCollector, read from files on each scrape)
DRIFT_FLAGGED = "tickets_drift_flagged"  # 1 when the newest drift report flagged anything
DRIFT_CHECK_FLAGGED = "tickets_drift_check_flagged"  # {check, kind}
DRIFT_STATISTIC = "tickets_drift_statistic"  # {check, statistic}: psi, js_distance, ...
DRIFT_REPORT_TIMESTAMP = "tickets_drift_report_timestamp_seconds"
CHAMPION_UPDATED_TIMESTAMP = "tickets_champion_updated_timestamp_seconds"
CHAMPION_VERSION = "tickets_champion_version"  # {model}: the version number as the value
RETRAIN_LAST_RUN_TIMESTAMP = "tickets_retrain_last_run_timestamp_seconds"
RETRAIN_LAST_RUN_SUCCESS = "tickets_retrain_last_run_success"  # 1 ok, 0 failed

HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
