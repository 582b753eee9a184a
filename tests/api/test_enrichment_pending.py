"""A model failure never loses a ticket: it is stored as pending and a retry completes it."""

from __future__ import annotations

import logging
import time

from .handmade import FailingEnricher, KeywordEnricher

BILLING = {"subject": "charged twice", "body": "PayFlow charged my card twice."}


def test_failing_model_still_stores_the_ticket_as_pending(make_service, caplog):
    enricher = FailingEnricher()
    service = make_service(enricher, retry_min_age_s=0)
    with caplog.at_level(logging.INFO):
        response = service.client.post("/v1/tickets", json=BILLING, headers=service.auth())
    assert response.status_code == 201
    body = response.json()
    assert body["enrichment"] == "pending"
    assert body["category"] is None and body["recommendations"] == []
    stored = service.client.get(f"/v1/tickets/{body['ticket_id']}", headers=service.auth()).json()
    assert (stored["enrichment"], stored["body"]) == ("pending", BILLING["body"])
    assert "secret-token-123" not in "\n".join(r.getMessage() for r in caplog.records)


def test_retry_completes_pending_tickets_once_the_model_recovers(make_service):
    enricher = FailingEnricher()
    service = make_service(enricher, retry_min_age_s=0)
    ids = [
        service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()["ticket_id"]
        for _ in range(3)
    ]
    worker = service.services.worker
    assert worker.retry_pending() == 0  # still failing: nothing completed, nothing lost
    enricher.healed.set()
    assert worker.retry_pending() == 3
    for ticket_id in ids:
        recs = service.client.get(
            f"/v1/tickets/{ticket_id}/recommendations", headers=service.auth()
        )
        assert (recs.json()["enrichment"], recs.json()["citations"]) == ("complete", ["KB-0017"])
    assert service.services.repository.count_pending() == 0


def test_tickets_posted_before_the_models_load_are_enriched_later(make_service):
    service = make_service(load_models=False, retry_min_age_s=0)
    created = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    assert created["enrichment"] == "pending"
    service.services.worker.set_enricher(KeywordEnricher())
    assert service.services.worker.retry_pending() == 1
    ticket = service.client.get(f"/v1/tickets/{created['ticket_id']}", headers=service.auth())
    assert ticket.json()["category"] == "Billing"


def test_slow_enrichment_answers_pending_and_completes_in_the_background(make_service):
    class Slow(KeywordEnricher):
        def enrich(self, tickets):  # type: ignore[no-untyped-def]
            time.sleep(0.5)
            return super().enrich(tickets)

    service = make_service(Slow(), enrichment_timeout_s=0.05)
    created = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    assert created["enrichment"] == "pending"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        ticket = service.client.get(f"/v1/tickets/{created['ticket_id']}", headers=service.auth())
        if ticket.json()["enrichment"] == "complete":
            break
        time.sleep(0.05)
    assert ticket.json()["category"] == "Billing"


def test_concurrent_tickets_are_enriched_in_batches(make_service):
    from concurrent.futures import ThreadPoolExecutor

    class Slowish(KeywordEnricher):
        def enrich(self, tickets):  # type: ignore[no-untyped-def]
            time.sleep(0.05)
            return super().enrich(tickets)

    enricher = Slowish()
    service = make_service(enricher, enrichment_budget_s=10)
    with ThreadPoolExecutor(12) as pool:
        statuses = list(
            pool.map(
                lambda _: service.client.post(
                    "/v1/tickets", json=BILLING, headers=service.auth()
                ).json()["enrichment"],
                range(24),
            )
        )
    assert statuses == ["complete"] * 24
    assert sum(enricher.calls) == 24
    assert max(enricher.calls) > 1  # tickets that arrive while a batch runs share the next one


def test_overload_answers_pending_at_once_and_the_retrier_catches_up(make_service):
    class Slow(KeywordEnricher):
        def enrich(self, tickets):  # type: ignore[no-untyped-def]
            time.sleep(1.5)
            return super().enrich(tickets)

    service = make_service(Slow(), enrichment_budget_s=0.05, retry_min_age_s=0)
    worker = service.services.worker
    first = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    assert first["enrichment"] == "complete"  # nothing measured yet: admitted
    assert worker.seconds_per_ticket > 1.0  # now the worker knows a ticket takes ~1.5 s
    started = time.monotonic()
    second = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    assert second["enrichment"] == "pending"
    assert time.monotonic() - started < 1.0  # answered without waiting for the model
    text = service.client.get("/metrics").text
    assert 'tickets_enrichment_deferred_total{reason="busy"} 1.0' in text
    assert worker.retry_pending() == 1
    assert service.services.repository.count_pending() == 0


def test_a_backlog_drains_batch_after_batch_without_waiting_the_interval(make_service):
    enricher = FailingEnricher()
    service = make_service(enricher, retry_min_age_s=0, retry_interval_s=1.0, retry_batch=2)
    for _ in range(7):
        service.client.post("/v1/tickets", json=BILLING, headers=service.auth())
    repository = service.services.repository
    assert repository.count_pending() == 7
    enricher.healed.set()
    started = time.monotonic()
    while repository.count_pending() and time.monotonic() - started < 10:
        time.sleep(0.05)
    # four batches of at most two: at the 1 s interval alone that would take over 3 s
    assert repository.count_pending() == 0
    assert time.monotonic() - started < 2.9


def test_while_shedding_an_admitted_ticket_waits_only_the_overload_timeout(make_service):
    class Slow(KeywordEnricher):
        def enrich(self, tickets):  # type: ignore[no-untyped-def]
            time.sleep(0.8)
            return super().enrich(tickets)

    service = make_service(
        Slow(), enrichment_budget_s=0.5, enrichment_overload_timeout_s=0.1, retry_min_age_s=0
    )
    worker = service.services.worker
    worker.seconds_per_ticket = 0.3  # the measured speed is wrong: a batch takes 0.8 s
    worker._last_shed = time.monotonic()  # intake has just shed a ticket (overload)
    started = time.monotonic()
    answer = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    waited = time.monotonic() - started
    assert answer["enrichment"] == "pending"  # admitted (0.3 s < 0.5 s budget), then gave up
    assert waited < 0.6  # the 2 s enrichment_timeout_s would have waited out the 0.8 s batch
    assert (
        'tickets_enrichment_deferred_total{reason="timeout"} 1.0'
        in service.client.get("/metrics").text
    )
