"""Packaging checked without a Docker engine or a cluster: the Dockerfile names only what exists,
the compose and Kubernetes files are consistent with the app and the config, the schedules match
conf/lifecycle, and the container's entry point really starts the API."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tickets.api.app import create_app
from tickets.api.args import parse_serve_args
from tickets.cli import COMMANDS, compose_config
from tickets.lifecycle.args import parse_retrain_args

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ENTRYPOINT = DEPLOY / "docker" / "entrypoint.sh"


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    lines = [
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")
    ]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in lines]


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def k8s_documents() -> list[dict]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def by_kind(kind: str) -> list[dict]:
    return [d for d in k8s_documents() if d["kind"] == kind]


def app_paths() -> set[str]:
    """The app's routes, as its OpenAPI schema lists them."""
    return set(create_app().openapi()["paths"])


def schedules() -> dict[str, str]:
    return dict(compose_config([]).lifecycle.schedule)


def check_command(args: list[str], overrides: str) -> None:
    """The words a container passes to main.py parse, and compose with the overrides."""
    command, rest = args[0], args[1:]
    assert command in COMMANDS, command
    parse = {"serve": parse_serve_args, "retrain": parse_retrain_args}[command]
    parsed = parse(rest)
    compose_config([*parsed.overrides, *overrides.split()], command=command)


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_a_pinned_python_matching_the_project():
    steps = dockerfile()
    assert sum(1 for op, _ in steps if op == "FROM") >= 2
    image = next(a for op, a in steps if op == "ARG" and a.startswith("PYTHON_IMAGE="))
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11\.\d+-slim-\w+", image), image
    assert ">=3.11,<3.12" in (REPO / "pyproject.toml").read_text()


def test_dockerfile_copies_only_paths_that_exist():
    for op, args in dockerfile():
        if op != "COPY" or args.startswith("--from"):
            continue
        *sources, _ = args.split()
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: no such path in the repository"


def test_dockerfile_runs_as_a_non_root_user_with_cpu_torch():
    steps = dockerfile()
    users = [a for op, a in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    text = (REPO / "Dockerfile").read_text()
    assert "torch==2.13.0" in text and "download.pytorch.org/whl/cpu" in text


def test_healthcheck_hits_the_liveness_route_of_the_app():
    check = next(a for op, a in dockerfile() if op == "HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in check
    assert "/healthz" in app_paths()


def test_entrypoint_and_default_command_exist_and_parse():
    steps = dict(dockerfile())
    assert steps["ENTRYPOINT"] == '["/app/deploy/docker/entrypoint.sh"]'
    assert ENTRYPOINT.is_file() and os.access(ENTRYPOINT, os.X_OK)
    command = yaml.safe_load(steps["CMD"])
    check_command(command, "")


def test_dockerignore_keeps_the_copied_paths():
    ignored = {ln.strip() for ln in (REPO / ".dockerignore").read_text().splitlines()}
    for needed in ("src", "conf", "assets", "main.py", "pyproject.toml", "deploy"):
        assert needed not in ignored


# --- docker compose ---------------------------------------------------------------------------


def test_compose_has_the_four_services_built_from_this_repository():
    spec = compose()
    assert set(spec["services"]) == {"postgres", "mlflow", "api", "retrain"}
    build = spec["services"]["api"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == REPO / "Dockerfile"
    assert re.fullmatch(r"postgres:\d+\.\d+-\w+", spec["services"]["postgres"]["image"])
    init = spec["services"]["postgres"]["volumes"][1].split(":")[0]
    assert (DEPLOY / init).is_file()


def test_compose_dependencies_and_volumes_are_declared():
    spec = compose()
    for name, service in spec["services"].items():
        for dependency in service.get("depends_on", {}):
            assert dependency in spec["services"], f"{name} depends on unknown {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in spec["volumes"], volume


def test_compose_commands_and_overrides_compose_with_hydra():
    spec = compose()
    overrides = spec["services"]["api"]["environment"]["TICKETS_OVERRIDES"]
    check_command(spec["services"]["api"]["command"], overrides)
    retrain = spec["services"]["retrain"]["command"]
    assert "--loop" in retrain
    check_command(retrain, overrides)


# --- Kubernetes -------------------------------------------------------------------------------


def test_k8s_has_deployment_service_cronjobs_configmap():
    kinds = sorted(d["kind"] for d in k8s_documents())
    assert kinds.count("Deployment") == 2 and kinds.count("CronJob") == 2
    assert {"Service", "ConfigMap", "PersistentVolumeClaim"} <= set(kinds)


def test_api_deployment_probes_use_real_routes_and_named_ports():
    api = next(d for d in by_kind("Deployment") if d["metadata"]["name"] == "tickets-api")
    pod = api["spec"]["template"]
    assert api["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    container = pod["spec"]["containers"][0]
    ports = {p["name"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in ports
        assert container[probe]["httpGet"]["path"] in app_paths()
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True


def test_services_select_their_deployments_and_target_named_ports():
    deployments = {d["metadata"]["name"]: d for d in by_kind("Deployment")}
    for service in by_kind("Service"):
        selector = service["spec"]["selector"]
        targets = [
            d
            for d in deployments.values()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(targets) == 1, service["metadata"]["name"]
        ports = {
            p["name"] for p in targets[0]["spec"]["template"]["spec"]["containers"][0]["ports"]
        }
        assert all(p["targetPort"] in ports for p in service["spec"]["ports"])


def test_cronjobs_follow_the_configured_schedules_and_never_overlap():
    jobs = {d["metadata"]["name"]: d for d in by_kind("CronJob")}
    expected = schedules()
    assert jobs["tickets-retrain"]["spec"]["schedule"] == expected["retrain"]
    assert jobs["tickets-drift"]["spec"]["schedule"] == expected["drift"]
    overrides = by_kind("ConfigMap")[0]["data"]["TICKETS_OVERRIDES"]
    for job in jobs.values():
        assert job["spec"]["concurrencyPolicy"] == "Forbid"
        container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        check_command(container["args"], overrides)


def test_every_referenced_configmap_secret_and_claim_is_declared_or_documented():
    declared = {(d["kind"], d["metadata"]["name"]) for d in k8s_documents()}
    playbook = (REPO / "docs" / "operations.md").read_text()
    text = "\n".join((DEPLOY / "k8s" / p).read_text() for p in os.listdir(DEPLOY / "k8s"))
    for name in set(re.findall(r"claimName: (\S+)", text)):
        assert ("PersistentVolumeClaim", name) in declared
    for name in set(re.findall(r"configMapRef:\s+name: (\S+)", text)):
        assert ("ConfigMap", name) in declared
    for name in set(re.findall(r"secretRef:\s+name: (\S+)", text)):
        assert f"kubectl -n tickets create secret generic {name}" in playbook


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_builds_the_manifests_offline():
    out = subprocess.run(
        ["kubectl", "kustomize", str(DEPLOY / "k8s")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.count("\nkind: ") + out.startswith("kind: ") == len(k8s_documents())


# --- cron -------------------------------------------------------------------------------------


def test_cron_lines_follow_the_configured_schedules():
    jobs = [
        ln
        for ln in (DEPLOY / "cron" / "retrain.cron").read_text().splitlines()
        if ln and not ln.startswith("#") and "=" not in ln.split()[0]
    ]
    expected = schedules()
    found = {" ".join(ln.split()[:5]): ln.split(" main.py ", 1)[1].split(" >>")[0] for ln in jobs}
    assert found == {expected["retrain"]: "retrain", expected["drift"]: "retrain --drift-only"}
    for words in found.values():
        check_command(words.split(), "")


# --- the entry point, run for real ------------------------------------------------------------


def _environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "TICKETS_APP_DIR": str(REPO), **extra}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def test_entrypoint_runs_main_with_the_overrides(tmp_path):
    env = _environment(TICKETS_OVERRIDES=f"paths.outputs={tmp_path} lifecycle.targets=[category]")
    result = subprocess.run(
        ["sh", str(ENTRYPOINT), "retrain", "--rollback"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr  # nothing to roll back yet: a clean refusal
    assert "nothing to roll back" in result.stdout
    assert str(tmp_path / "lifecycle" / "history.json") in result.stdout.replace("\n", "")


def test_entrypoint_starts_the_api_and_healthz_answers(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _environment(TICKETS_OVERRIDES=f"paths.outputs={tmp_path} api.load_models=false")
    server = subprocess.Popen(
        ["sh", str(ENTRYPOINT), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the API did not answer /healthz in 120 s"
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            assert b"tickets_http_request_duration_seconds" in r.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
