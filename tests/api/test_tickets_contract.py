"""Contract of /v1/tickets on SQLite and PostgreSQL: intake, idempotency, reads, feedback,
resolution, and every error code the issue names."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tickets.api.storage.models import FeedbackRow, TicketRow

BILLING = {"subject": "charged twice", "body": "PayFlow charged my card twice for one invoice."}


def _count(service, model=TicketRow) -> int:  # type: ignore[no-untyped-def]
    with service.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def test_intake_returns_category_and_cited_recommendations(service):
    response = service.client.post("/v1/tickets", json=BILLING, headers=service.auth())
    assert response.status_code == 201
    body = response.json()
    assert body["ticket_id"].startswith("API-")
    assert body["enrichment"] == "complete"
    assert (body["category"], body["confidence"], body["needs_review"]) == ("Billing", 0.9, False)
    assert [r["id"] for r in body["recommendations"]] == ["KB-0017", "T-000042"]
    assert body["recommendations"][0]["kind"] == "kb_article"
    assert body["suggested_resolution"] == "Void the duplicate authorisation. [KB-0017]"
    assert body["citations"] == ["KB-0017"]
    assert body["model_version"] == "handmade/1"


def test_low_confidence_ticket_needs_review(service):
    response = service.client.post(
        "/v1/tickets", json={"body": "The router drops Wi-Fi every hour."}, headers=service.auth()
    )
    body = response.json()
    assert (body["category"], body["confidence"], body["needs_review"]) == (
        "Connectivity",
        0.4,
        True,
    )
    assert body["suggested_resolution"] is None and body["citations"] == []


def test_intake_is_committed_and_readable(service):
    created = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    ticket = service.client.get(f"/v1/tickets/{created['ticket_id']}", headers=service.auth())
    assert ticket.status_code == 200
    stored = ticket.json()
    assert (stored["subject"], stored["body"]) == (BILLING["subject"], BILLING["body"])
    assert (stored["status"], stored["category"], stored["enrichment"]) == (
        "new",
        "Billing",
        "complete",
    )
    assert _count(service) == 1


def test_repeated_idempotency_key_returns_the_original_with_200(service):
    headers = {**service.auth(), "Idempotency-Key": "retry-1"}
    first = service.client.post("/v1/tickets", json=BILLING, headers=headers)
    second = service.client.post("/v1/tickets", json=BILLING, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["ticket_id"] == first.json()["ticket_id"]
    assert second.json()["category"] == "Billing"
    assert _count(service) == 1


def test_repeated_external_id_returns_the_original_with_200(service):
    payload = {**BILLING, "external_id": "zendesk-48213"}
    first = service.client.post("/v1/tickets", json=payload, headers=service.auth())
    again = service.client.post(
        "/v1/tickets", json={**payload, "body": "edited text"}, headers=service.auth()
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["ticket_id"] == first.json()["ticket_id"]
    assert _count(service) == 1


def test_idempotency_key_reused_with_another_body_is_422(service):
    headers = {**service.auth(), "Idempotency-Key": "k-1"}
    service.client.post("/v1/tickets", json=BILLING, headers=headers)
    reused = service.client.post("/v1/tickets", json={"body": "different"}, headers=headers)
    assert reused.status_code == 422
    error = reused.json()["detail"][0]
    assert error["loc"] == ["header", "Idempotency-Key"]
    assert "different request body" in error["msg"]
    assert _count(service) == 1


def test_concurrent_retries_create_exactly_one_ticket(service):
    headers = {**service.auth(), "Idempotency-Key": "storm-1"}

    def post(_: int) -> tuple[int, str]:
        response = service.client.post("/v1/tickets", json=BILLING, headers=headers)
        return response.status_code, response.json()["ticket_id"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(post, range(16)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 15 + [201]
    assert len({ticket_id for _, ticket_id in results}) == 1
    assert _count(service) == 1


def test_unknown_ticket_is_404(service):
    for path in ("/v1/tickets/API-nope", "/v1/tickets/API-nope/recommendations"):
        response = service.client.get(path, headers=service.auth())
        assert response.status_code == 404
        assert "API-nope" in response.json()["detail"]


def test_recommendations_endpoint_returns_the_stored_suggestions(service):
    created = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()
    recs = service.client.get(
        f"/v1/tickets/{created['ticket_id']}/recommendations", headers=service.auth("reader")
    ).json()
    assert recs["ticket_id"] == created["ticket_id"]
    assert recs["recommendations"] == created["recommendations"]
    assert recs["citations"] == ["KB-0017"]


def test_feedback_is_stored(service):
    ticket_id = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()[
        "ticket_id"
    ]
    url = f"/v1/tickets/{ticket_id}/feedback"
    accepted = service.client.post(
        url, json={"kind": "accepted", "recommendation_id": "KB-0017"}, headers=service.auth()
    )
    rejected = service.client.post(
        url, json={"kind": "rejected", "recommendation_id": "T-000042"}, headers=service.auth()
    )
    assert (accepted.status_code, rejected.status_code) == (201, 201)
    listed = service.client.get(url, headers=service.auth()).json()
    assert [(f["kind"], f["recommendation_id"]) for f in listed] == [
        ("accepted", "KB-0017"),
        ("rejected", "T-000042"),
    ]
    assert _count(service, FeedbackRow) == 2


def test_category_correction_is_written_onto_the_ticket(service):
    ticket_id = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()[
        "ticket_id"
    ]
    response = service.client.post(
        f"/v1/tickets/{ticket_id}/feedback",
        json={"kind": "category_corrected", "category": "Refunds"},
        headers=service.auth(),
    )
    assert response.status_code == 201
    ticket = service.client.get(f"/v1/tickets/{ticket_id}", headers=service.auth()).json()
    assert (ticket["category"], ticket["corrected_category"]) == ("Billing", "Refunds")


def test_feedback_without_the_field_its_kind_needs_is_422(service):
    ticket_id = service.client.post("/v1/tickets", json=BILLING, headers=service.auth()).json()[
        "ticket_id"
    ]
    response = service.client.post(
        f"/v1/tickets/{ticket_id}/feedback", json={"kind": "accepted"}, headers=service.auth()
    )
    assert response.status_code == 422
    assert "recommendation_id" in response.json()["detail"][0]["msg"]


def test_feedback_on_unknown_ticket_is_404(service):
    response = service.client.post(
        "/v1/tickets/API-nope/feedback",
        json={"kind": "accepted", "recommendation_id": "KB-1"},
        headers=service.auth(),
    )
    assert response.status_code == 404


def test_resolve_records_the_resolution(service):
    created = service.client.post(
        "/v1/tickets",
        json={**BILLING, "created_at": "2024-03-01T10:00:00Z"},
        headers=service.auth(),
    ).json()
    response = service.client.post(
        f"/v1/tickets/{created['ticket_id']}/resolve",
        json={"resolution": "Voided the duplicate.", "resolved_at": "2024-03-01T13:30:00+01:00"},
        headers=service.auth(),
    )
    assert response.status_code == 200
    ticket = response.json()
    assert ticket["status"] == "resolved"
    assert ticket["resolved_at"] == "2024-03-01T12:30:00Z"
    assert ticket["resolution"] == "Voided the duplicate."


def test_resolving_before_creation_is_422(service):
    created = service.client.post(
        "/v1/tickets",
        json={**BILLING, "created_at": "2024-03-01T10:00:00Z"},
        headers=service.auth(),
    ).json()
    response = service.client.post(
        f"/v1/tickets/{created['ticket_id']}/resolve",
        json={"resolution": "done", "resolved_at": "2024-02-28T10:00:00Z"},
        headers=service.auth(),
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "resolved_at"]
    assert "before the ticket's created_at" in error["msg"]
