"""Fuzz every operation of the OpenAPI spec with schemathesis against a real uvicorn server:
no input may cause a 500, and every answer has a documented status, content type and shape.
Bounded for CI (TICKETS_FUZZ_EXAMPLES per operation, default 25);
`TICKETS_FUZZ_EXAMPLES=500 pytest tests/api/test_fuzz.py` runs the long version."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tickets.api.app import create_app
from tickets.api.auth import create_key
from tickets.api.settings import ApiSettings

from .handmade import KeywordEnricher
from .live import live_server

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("TICKETS_FUZZ_EXAMPLES", "25"))
schema = schemathesis.openapi.from_dict(create_app(ApiSettings(load_models=False)).openapi())


@pytest.fixture(scope="module")
def live(tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = ApiSettings(
        outputs=tmp_path_factory.mktemp("fuzz"),
        sqlite_synchronous="OFF",
        rate_limit_per_second=1e6,
        rate_limit_burst=1_000_000,
    )
    app = create_app(settings, lambda _: KeywordEnricher())
    with live_server(app) as url:
        services = app.state.services
        while services.loader.state.status != "ready":
            time.sleep(0.01)
        pepper = settings.api_key_pepper.get_secret_value()
        key, _ = create_key(services.sessions, "fuzz", ("admin",), pepper)
        yield url, key


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, live):  # type: ignore[no-untyped-def]
    url, key = live
    case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)
