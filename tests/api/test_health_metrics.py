"""/healthz, /readyz and /metrics."""

from __future__ import annotations

import threading

from .handmade import KeywordEnricher

BILLING = {"subject": "charged twice", "body": "PayFlow charged my card twice."}


def test_healthz_answers_without_a_key(service):
    assert service.client.get("/healthz").json() == {"status": "ok", "checks": {}}


def test_readyz_is_ready_when_models_and_database_are(service):
    response = service.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "models": "ready: handmade/1"},
    }


def test_readyz_is_503_while_the_models_load(make_service):
    gate = threading.Event()

    class Loading(KeywordEnricher):
        pass

    def factory(_):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return Loading()

    from fastapi.testclient import TestClient

    from tickets.api.app import create_app

    service = make_service()  # for its settings (database, outputs)
    app = create_app(service.settings, factory)
    with TestClient(app) as client:
        loading = client.get("/readyz")
        gate.set()
        for _ in range(200):
            if app.state.services.loader.state.status == "ready":
                break
            threading.Event().wait(0.01)
        ready = client.get("/readyz")
    assert (loading.status_code, loading.json()["checks"]["models"]) == (503, "loading")
    assert ready.status_code == 200


def test_readyz_reports_a_failed_model_load(make_service):
    def broken(_):  # type: ignore[no-untyped-def]
        raise FileNotFoundError("no index at /secret/path")

    from fastapi.testclient import TestClient

    from tickets.api.app import create_app

    service = make_service()
    app = create_app(service.settings, broken)
    with TestClient(app) as client:
        for _ in range(200):
            if app.state.services.loader.state.status == "failed":
                break
            threading.Event().wait(0.01)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["models"] == "failed: builtins.FileNotFoundError"


def test_metrics_expose_latency_intake_confidence_and_model_version(service):
    service.client.post("/v1/tickets", json=BILLING, headers=service.auth())
    service.client.post("/v1/tickets", json={"body": "Wi-Fi drops"}, headers=service.auth())
    text = service.client.get("/metrics").text
    latency = 'tickets_http_request_duration_seconds_count{method="POST",route="/v1/tickets"'
    assert latency + ',status="201"} 2.0' in text
    assert 'tickets_intake_total{outcome="created"} 2.0' in text
    assert "tickets_prediction_confidence_count 2.0" in text
    assert "tickets_needs_review_ratio 0.5" in text  # Connectivity at 0.4 needs review
    assert "tickets_retrieval_failure_ratio 0.5" in text  # its answer was not confident
    assert 'tickets_model_info{model_version="handmade/1"} 1.0' in text


def test_metrics_label_routes_by_template_not_by_id(service):
    service.client.get("/v1/tickets/API-abc", headers=service.auth())
    service.client.get("/v1/tickets/API-def", headers=service.auth())
    text = service.client.get("/metrics").text
    assert 'route="/v1/tickets/{ticket_id}",status="404"} 2.0' in text
    assert "API-abc" not in text
