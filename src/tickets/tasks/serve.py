"""``python main.py serve``: run the API with uvicorn, or manage its API keys.

The only place that reads the Hydra config of the service: it builds typed
:class:`~tickets.api.settings.ApiSettings` (environment variables ``TICKETS_*`` win) and hands
them to the app through ``TICKETS_SERVE_SETTINGS``, so every uvicorn worker builds the same app.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from pydantic import ValidationError

from tickets.api.auth import ApiKeyError, create_key, list_keys, parse_scopes, revoke_key
from tickets.api.settings import ApiSettings
from tickets.api.storage.db import create_db_engine, safe_url, session_factory
from tickets.api.storage.export import export_tickets
from tickets.api.storage.migrate import upgrade
from tickets.utils.logging import console

log = logging.getLogger(__name__)

SETTING_KEYS = (
    "environment",
    "database_url",
    "database_schema",
    "sqlite_synchronous",
    "pool_size",
    "max_body_bytes",
    "rate_limit_per_second",
    "rate_limit_burst",
    "key_cache_seconds",
    "enrichment_timeout_s",
    "enrichment_max_queue",
    "enrichment_budget_s",
    "enrichment_overload_timeout_s",
    "enrichment_batch",
    "retry_interval_s",
    "retry_batch",
    "retry_lease_s",
    "retry_max_attempts",
    "retry_min_age_s",
    "torch_threads",
    "load_models",
    "model_uri",
    "review_threshold",
    "build_starter",
    "starter_max_tickets",
    "top_k",
    "champion_poll_s",
    "log_level",
)


def api_settings(cfg: DictConfig) -> ApiSettings:
    """Typed settings from the composed config (``api``, ``paths``, ``retrieval``, ``tracking``)."""
    api: dict[str, Any] = OmegaConf.to_container(cfg.api, resolve=True)  # type: ignore[assignment]
    retrieval: dict[str, Any] = OmegaConf.to_container(cfg.retrieval, resolve=True)  # type: ignore[assignment]
    values = {key: api[key] for key in SETTING_KEYS if api.get(key) is not None}
    return ApiSettings(
        **values,
        outputs=Path(cfg.paths.outputs),
        index_dir=Path(cfg.paths.index),
        models_dir=Path(cfg.paths.models),
        starter_warehouse=Path(cfg.paths.warehouse),
        tracking_uri=str(cfg.tracking.tracking_uri),
        failure_log=Path(retrieval["failure_log"]),
        anomalies_dir=Path(cfg.paths.outputs) / "anomalies",
        retrieval=retrieval,
    )


def run(cfg: DictConfig) -> int:
    try:
        settings = api_settings(cfg)
    except (ValidationError, ValueError) as err:
        console.print(f"[red]cannot start:[/] {_first_error(err)}")
        return 2
    api = cfg.api
    try:
        if api.create_key:
            return _create_key(settings, str(api.create_key), str(api.scopes))
        if api.revoke_key:
            return _revoke_key(settings, str(api.revoke_key))
        if api.list_keys:
            return _list_keys(settings)
    except ApiKeyError as err:
        console.print(f"[red]{err}[/]")
        return 2
    return _serve(settings, str(api.host), int(api.port), int(api.workers), bool(api.access_log))


def _first_error(err: Exception) -> str:
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return f"{'.'.join(map(str, first['loc'])) or 'settings'}: {first['msg']}"
    return str(err)


def _sessions(settings: ApiSettings):  # type: ignore[no-untyped-def]
    engine = create_db_engine(
        settings.resolved_database_url, settings.database_schema, settings.sqlite_synchronous
    )
    upgrade(engine)
    return session_factory(engine)


def _create_key(settings: ApiSettings, name: str, scopes_text: str) -> int:
    scopes = parse_scopes(scopes_text)
    pepper = settings.api_key_pepper.get_secret_value()
    key, principal = create_key(_sessions(settings), name, scopes, pepper)
    console.print(
        f"Created API key [bold]{principal.name}[/] with scopes {', '.join(scopes)} in "
        f"{safe_url(settings.resolved_database_url)}. It is shown once; store it now:"
    )
    print(key, flush=True)  # alone on the last line, for scripts: KEY=$(... | tail -n 1)
    return 0


def _revoke_key(settings: ApiSettings, name: str) -> int:
    if not revoke_key(_sessions(settings), name):
        console.print(f"[red]no active API key named {name!r}[/] (see serve --list-keys)")
        return 1
    console.print(f"Revoked API key {name!r}; running services refuse it within a few seconds.")
    return 0


def _list_keys(settings: ApiSettings) -> int:
    for row in list_keys(_sessions(settings)):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        console.print(f"{row.name}\t{row.scopes}\tcreated {row.created_at:%Y-%m-%d}\t{state}")
    return 0


def _serve(settings: ApiSettings, host: str, port: int, workers: int, access_log: bool) -> int:
    import uvicorn

    from tickets.api.app import SETTINGS_ENV, settings_to_environment

    _sessions(settings)  # migrate once, before the workers start
    os.environ[SETTINGS_ENV] = settings_to_environment(settings)
    if workers > 1:
        _prometheus_multiprocess_dir(settings.outputs / "api" / "prometheus")
    console.print(
        f"Serving the tickets API on http://{host}:{port} ({workers} worker(s), database "
        f"{safe_url(settings.resolved_database_url)}). Console at /, docs at /docs."
    )
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "access_log": access_log,
        "log_config": None,
        "timeout_graceful_shutdown": 10,
    }
    if workers == 1:
        uvicorn.run("tickets.api.app:app_from_environment", **options)
        return 0
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("tickets.api.app:app_from_environment", **options)
    Multiprocess(config, sockets=[_tcp_socket(config)]).run()
    return 0


def _tcp_socket(config: Any) -> socket.socket:
    """uvicorn's listening socket for its worker processes, re-wrapped so that it reports
    ``IPPROTO_TCP``: asyncio turns on TCP_NODELAY for accepted connections only then, and
    uvicorn binds it with protocol 0 (uvicorn issue 3149). Without this every keep-alive
    response of a multi-worker server waited about 40 ms for the client's delayed ACK."""
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


def _prometheus_multiprocess_dir(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def export_api_db(cfg: DictConfig, target: str | Path) -> Path:
    """``ingest data=api_db``: write the API's tickets to ``target`` (canonical Parquet)."""
    settings = api_settings(cfg)
    engine = create_db_engine(settings.resolved_database_url, settings.database_schema)
    upgrade(engine)
    rows = export_tickets(session_factory(engine), Path(target))
    engine.dispose()
    console.print(
        f"Exported {rows:,} API tickets from {safe_url(settings.resolved_database_url)} to {target}"
    )
    return Path(target)
