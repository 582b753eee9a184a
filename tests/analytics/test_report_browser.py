"""report.html in a real headless Chromium: offline, no console errors, every chart rendered."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tickets.analytics.pipeline import run_analytics

from .builders import make_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS = {"volume", "resolution", "sla", "leaderboard", "drivers", "anomalies"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(generated_warehouse: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("report")
    anomalies = tmp / "anomalies.json"
    anomalies.write_text(
        json.dumps(
            {
                "anomalies": [
                    {
                        "type": "volume_spike",
                        "dimension": "product",
                        "value": "Router-X",
                        "start": "2024-12-04T00:00:00Z",
                        "end": "2024-12-07T00:00:00Z",
                    },
                ]
            }
        )
    )
    settings = make_settings(
        generated_warehouse,
        tmp,
        output_dir=tmp / "run",
        anomalies=str(anomalies),
        start_date=dt.date(2024, 12, 1),
        end_date=dt.date(2024, 12, 30),
    )
    run_analytics(settings)
    return tmp / "run" / "report.html"


def test_report_renders_offline_without_errors(report: Path, tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri(), wait_until="load")
        sizes = {
            figure.get_attribute("data-chart"): figure.locator("svg").bounding_box()
            for figure in page.locator("figure.chart").all()
        }
        drawn = page.locator("figure.chart svg :is(rect, polyline, line)").count()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert set(sizes) == CHARTS
    for name, box in sizes.items():
        assert box is not None and box["width"] > 100 and box["height"] > 40, (name, box)
    assert drawn > 50
    assert (tmp_path / "report.png").stat().st_size > 10_000
