"""The agent console end to end in a real headless Chromium: submit a ticket, see the
category and suggestions, click feedback, and find the feedback stored."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tickets.api.app import create_app
from tickets.api.auth import create_key
from tickets.api.settings import ApiSettings
from tickets.api.storage.models import FeedbackRow

from .handmade import KeywordEnricher
from .live import live_server

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("TICKETS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with 'apt-get install -y chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def test_agent_submits_sees_suggestions_and_gives_feedback(browser, tmp_path):
    settings = ApiSettings(outputs=tmp_path, sqlite_synchronous="NORMAL")
    app = create_app(settings, lambda _: KeywordEnricher())
    with live_server(app) as url:
        services = app.state.services
        while services.loader.state.status != "ready":
            time.sleep(0.01)
        key, _ = create_key(
            services.sessions,
            "console",
            ("intake", "read"),
            settings.api_key_pepper.get_secret_value(),
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "/")
        page.fill("#api-key", key)
        page.click("#key-form button")
        page.fill("#subject", "charged twice")
        page.fill("#body", "PayFlow charged my card twice for the same invoice.")
        page.select_option("#channel", "email")
        page.click("#submit")
        page.wait_for_selector("#result:not([hidden])")
        assert page.text_content("#category") == "Billing"
        assert page.text_content("#confidence") == "90% confident"
        assert page.is_hidden("#review")
        assert "Void the duplicate authorisation. [KB-0017]" in page.text_content("#resolution")
        assert page.text_content("#citations") == "Cites: KB-0017"
        kb = page.locator('#kb-articles li[data-id="KB-0017"]')
        assert "Void a duplicate charge" in kb.text_content()
        assert page.locator('#similar-tickets li[data-id="T-000042"]').count() == 1
        kb.locator("button.accept").click()
        page.wait_for_selector('#kb-articles li[data-id="KB-0017"] .feedback-state.saved')
        assert kb.locator(".feedback-state").text_content() == "saved: helpful"
        ticket_id = page.text_content("#ticket-id")
        page.close()
    with services.sessions() as session:
        stored = session.scalars(select(FeedbackRow)).all()
    assert [(f.ticket_id, f.kind, f.recommendation_id) for f in stored] == [
        (ticket_id, "accepted", "KB-0017")
    ]
    assert errors == []
