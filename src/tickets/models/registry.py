"""The model registry: versions of ``ticket-categorizer-<target>`` with aliases.

A newly registered version becomes ``challenger``; it also becomes ``champion`` when the model
has none yet. Promotion beyond that is a deliberate act (the lifecycle command).
"""

from __future__ import annotations

from dataclasses import dataclass

from tickets.models.settings import TrackingSettings
from tickets.models.tracking import mlflow_module

CHAMPION = "champion"
CHALLENGER = "challenger"


@dataclass(frozen=True)
class Registration:
    name: str
    version: str
    aliases: tuple[str, ...]


def _has_alias(client, name: str, alias: str) -> bool:  # type: ignore[no-untyped-def]
    from mlflow.exceptions import MlflowException

    try:
        client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return False
    return True


def register_model(settings: TrackingSettings, model_uri: str, name: str) -> Registration:
    """Register ``model_uri`` as a new version of ``name``; set challenger (and champion)."""
    mlflow = mlflow_module(settings)
    client = mlflow.MlflowClient()
    version = mlflow.register_model(model_uri, name).version
    aliases = [CHALLENGER]
    if not _has_alias(client, name, CHAMPION):
        aliases.append(CHAMPION)
    for alias in aliases:
        client.set_registered_model_alias(name, alias, version)
    return Registration(name, str(version), tuple(aliases))


def registered_aliases(settings: TrackingSettings, name: str) -> dict[str, str]:
    """alias → version of a registered model ({} when it is not registered)."""
    from mlflow.exceptions import MlflowException

    client = mlflow_module(settings).MlflowClient()
    try:
        model = client.get_registered_model(name)
    except MlflowException:
        return {}
    return {alias: str(v) for alias, v in sorted(model.aliases.items())}
