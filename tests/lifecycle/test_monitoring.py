"""Monitoring hooks: the alert rules and the dashboard parse, and read only metrics that the
real app serves on /metrics; the lifecycle gauges follow the files ``retrain`` writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest

from tickets.api.app import create_app
from tickets.api.settings import ApiSettings
from tickets.utils import metric_names
from tickets.utils.champion import write_champion_marker
from tickets.utils.lifecycle_metrics import LifecycleCollector

from .promql import PromQLError
from .promql import metric_names as promql_metrics

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "deploy" / "prometheus" / "rules.yml"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboard.json"
PLAYBOOK = REPO / "docs" / "operations.md"
SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")


def write_lifecycle_files(outputs: Path) -> None:
    drift = outputs / "lifecycle" / "drift"
    drift.mkdir(parents=True)
    report = {
        "created_at": "2024-05-01T10:00:00+00:00",
        "flagged": True,
        "checks": [
            {
                "name": "channel",
                "kind": "categorical",
                "flagged": True,
                "statistics": {"js_distance": 0.25, "chi2_p_value": 0.0001},
            },
            {
                "name": "resolution_hours",
                "kind": "numeric",
                "flagged": False,
                "statistics": {"psi": 0.05, "ks": 0.04},
            },
        ],
    }
    (drift / "latest.json").write_text(json.dumps(report))
    last = {"finished_at": "2024-05-01T03:10:00+00:00", "status": "ok"}
    (outputs / "lifecycle" / "last_run.json").write_text(json.dumps(last))
    write_champion_marker(
        outputs / "models",
        {"updated_at": "2024-04-29T03:05:00+00:00", "models": {"ticket-categorizer-category": "7"}},
    )


@pytest.fixture(scope="module")
def scraped(tmp_path_factory: pytest.TempPathFactory) -> str:
    """/metrics of the real app (no models loaded) after one request, with lifecycle files."""
    outputs = tmp_path_factory.mktemp("metrics") / "outputs"
    write_lifecycle_files(outputs)
    app = create_app(ApiSettings(outputs=outputs, load_models=False), enricher_factory=None)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        return client.get("/metrics").text


def exported_families(text: str) -> set[str]:
    return set(re.findall(r"^# TYPE (\S+) \S+$", text, flags=re.MULTILINE))


def exported_series(text: str) -> set[str]:
    families = exported_families(text)
    names = set(families)
    for family in families:
        names |= {family + s for s in SUFFIXES}
        names.add(family.removesuffix("_total") + "_total")
    return names


def rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [t["expr"] for p in panels for t in p["targets"]]


def test_every_metric_name_in_the_shared_list_is_served(scraped):
    served = exported_series(scraped)
    listed = {
        v
        for k, v in vars(metric_names).items()
        if k.isupper() and isinstance(v, str) and v.startswith("tickets_")
    }
    assert listed - served == set()


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r["alert"])
def test_alert_rule_parses_and_reads_only_served_metrics(rule, scraped):
    names = promql_metrics(rule["expr"])
    assert names, "an alert must read at least one metric"
    assert names <= exported_series(scraped), names - exported_series(scraped)
    assert re.fullmatch(r"\d+[smh]", rule["for"])
    assert rule["labels"]["severity"] in ("page", "ticket")
    assert rule["annotations"]["summary"]


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r["alert"])
def test_every_alert_has_a_runbook_section_in_the_playbook(rule):
    anchor = rule["annotations"]["runbook"].split("#", 1)[1]
    headings = re.findall(r"^#+ (.+)$", PLAYBOOK.read_text(), flags=re.MULTILINE)
    slugs = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
    assert anchor in slugs


def test_rules_cover_the_required_signals():
    text = " ".join(r["expr"] for r in rules())
    for metric in (
        metric_names.REQUEST_DURATION,
        metric_names.NEEDS_REVIEW,
        metric_names.RETRIEVAL_FAILURES,
        metric_names.DRIFT_FLAGGED,
        metric_names.CHAMPION_UPDATED_TIMESTAMP,
    ):
        assert metric in text
    assert any("histogram_quantile(0.99" in r["expr"] for r in rules())


def test_dashboard_queries_parse_and_read_only_served_metrics(scraped):
    for expression in dashboard_expressions():
        assert promql_metrics(expression) <= exported_series(scraped), expression


@pytest.mark.parametrize(
    "bad", ["sum(rate(x[5m])", "rate(x[5m]))", "nosuchfn(x)", 'x{a="b"', "x{a=b}", "x >"]
)
def test_the_rule_checker_rejects_broken_expressions(bad):
    with pytest.raises(PromQLError):
        promql_metrics(bad)


def test_lifecycle_gauges_follow_the_files(tmp_path):
    write_lifecycle_files(tmp_path)
    registry = CollectorRegistry()
    registry.register(LifecycleCollector(tmp_path / "lifecycle", tmp_path / "models"))  # type: ignore[arg-type]
    text = generate_latest(registry).decode()
    assert "tickets_drift_flagged 1.0" in text
    assert 'tickets_drift_check_flagged{check="channel",kind="categorical"} 1.0' in text
    assert 'tickets_drift_statistic{check="channel",statistic="js_distance"} 0.25' in text
    assert 'tickets_champion_version{model="ticket-categorizer-category"} 7.0' in text
    # 2024-04-29T03:05:00Z = 1714359900 s since the epoch
    assert "tickets_champion_updated_timestamp_seconds 1.7143599e+09" in text
    assert "tickets_retrain_last_run_success 1.0" in text


def test_without_lifecycle_files_the_gauges_are_absent_not_zero(tmp_path):
    registry = CollectorRegistry()
    registry.register(LifecycleCollector(tmp_path / "lifecycle", tmp_path / "models"))  # type: ignore[arg-type]
    assert "tickets_" not in generate_latest(registry).decode()
