"""401, 403, 413, 422 and 429 exactly as the issue names them; no stack traces or secrets."""

from __future__ import annotations

import logging

import pytest

BILLING = {"subject": "charged twice", "body": "PayFlow charged my card twice."}


def test_missing_key_is_401(service):
    response = service.client.post("/v1/tickets", json=BILLING)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_unknown_key_is_401(service):
    forged = service.keys["agent"][:-4] + "AAAA"
    for key in (forged, "tk_00000000_nothing", "not-a-key"):
        response = service.client.get("/v1/anomalies", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 401, key


def test_non_bearer_scheme_is_401(service):
    response = service.client.get(
        "/v1/anomalies", headers={"Authorization": f"Basic {service.keys['agent']}"}
    )
    assert response.status_code == 401


def test_wrong_scope_is_403(service):
    response = service.client.post("/v1/tickets", json=BILLING, headers=service.auth("reader"))
    assert response.status_code == 403
    assert "'intake' scope" in response.json()["detail"]


def test_admin_scope_allows_everything(service):
    assert (
        service.client.post("/v1/tickets", json=BILLING, headers=service.auth("admin")).status_code
        == 201
    )
    assert service.client.get("/v1/anomalies", headers=service.auth("admin")).status_code == 200


def test_revoked_key_is_401(make_service):
    from tickets.api.auth import revoke_key

    service = make_service(key_cache_seconds=0)
    name = next(
        r.name
        for r in __import__("tickets.api.auth", fromlist=["list_keys"]).list_keys(
            service.services.sessions
        )
        if r.name.startswith("agent-")
    )
    assert revoke_key(service.services.sessions, name)
    assert service.client.get("/v1/anomalies", headers=service.auth()).status_code == 401


def test_body_over_the_limit_is_413(make_service):
    service = make_service(max_body_bytes=2048)
    big = {"body": "x" * 3000}
    response = service.client.post("/v1/tickets", json=big, headers=service.auth())
    assert response.status_code == 413
    assert "2048 bytes" in response.json()["detail"]


def test_chunked_body_over_the_limit_is_413(make_service):
    service = make_service(max_body_bytes=2048)

    def chunks():  # no Content-Length: the limit is enforced while reading
        yield b'{"body": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    response = service.client.post(
        "/v1/tickets",
        content=chunks(),
        headers={**service.auth(), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_invalid_fields_are_422_with_one_error_per_field(service):
    bad = {"body": "", "priority": "urgent", "channel": "E-Mail", "surprise": 1}
    response = service.client.post("/v1/tickets", json=bad, headers=service.auth())
    assert response.status_code == 422
    fields = sorted(tuple(e["loc"]) for e in response.json()["detail"])
    assert fields == [
        ("body", "body"),
        ("body", "channel"),
        ("body", "priority"),
        ("body", "surprise"),
    ]
    assert all(set(e) == {"loc", "msg", "type"} for e in response.json()["detail"])


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_unstorable_text_is_422_not_500(service, text):
    response = service.client.post(
        "/v1/tickets",
        content=(
            '{"body": "' + text.encode("unicode_escape").decode().replace("\\x", "\\u00") + '"}'
        ),
        headers={**service.auth(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_malformed_json_is_422(service):
    response = service.client.post(
        "/v1/tickets",
        content=b"{not json",
        headers={**service.auth(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422


def test_over_the_rate_limit_is_429_with_retry_after(make_service):
    service = make_service(rate_limit_per_second=0.5, rate_limit_burst=3)
    statuses = [
        service.client.get("/v1/anomalies", headers=service.auth()).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = service.client.get("/v1/anomalies", headers=service.auth())
    assert limited.headers["retry-after"] == "2"
    # the limit is per key: another key still gets through
    assert service.client.get("/v1/anomalies", headers=service.auth("reader")).status_code == 200


def test_unexpected_error_is_a_plain_500_without_trace_or_secret(service, monkeypatch, caplog):
    def explode(ticket_id: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("db password hunter2 leaked")

    monkeypatch.setattr(service.services.repository, "get", explode)
    with caplog.at_level(logging.DEBUG):
        response = service.client.get("/v1/tickets/API-1", headers=service.auth())
    assert response.status_code == 500
    assert "internal error; quote reference" in response.json()["detail"]
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    for text in (response.text, logged):
        assert "hunter2" not in text and "Traceback" not in text
    assert "RuntimeError" in logged


def test_keys_never_appear_in_logs(service, caplog):
    with caplog.at_level(logging.DEBUG):
        service.client.post("/v1/tickets", json=BILLING, headers=service.auth())
        service.client.get("/v1/anomalies", headers={"Authorization": "Bearer tk_12345678_guess"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert service.keys["agent"] not in logged
    assert "tk_12345678_guess" not in logged


def test_body_that_is_not_utf8_is_422(service):
    response = service.client.post(
        "/v1/tickets",
        content=b'{"body": "\xff\xfe"}',
        headers={**service.auth(), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_numeric_timestamps_are_refused(service):
    response = service.client.post(
        "/v1/tickets", json={"body": "x y z", "created_at": 1700000000}, headers=service.auth()
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "created_at"]
