"""Move the MLflow registry alias ``champion`` (and ``previous_champion``) of a model.

The alias is the serving contract: ``models:/ticket-categorizer-<target>@champion`` is what the
API, ``categorize`` and ``evaluate`` load. ``previous_champion`` is informational (the history
file drives rollback); it lets an operator see in the MLflow UI what the last promotion
replaced.
"""

from __future__ import annotations

import contextlib
import functools

from tickets.models.registry import CHAMPION
from tickets.models.settings import TrackingSettings
from tickets.models.tracking import mlflow_module

PREVIOUS = "previous_champion"


@functools.lru_cache(maxsize=8)
def _client(tracking: TrackingSettings):  # type: ignore[no-untyped-def]
    """One client per tracking store (setting MLflow up costs seconds on a busy machine)."""
    return mlflow_module(tracking).MlflowClient(tracking.tracking_uri, tracking.tracking_uri)


def alias_version(tracking: TrackingSettings, name: str, alias: str = CHAMPION) -> str | None:
    """The version behind ``name@alias``; None when the model or the alias does not exist."""
    from mlflow.exceptions import MlflowException

    try:
        return str(_client(tracking).get_model_version_by_alias(name, alias).version)
    except MlflowException:
        return None


def set_alias(tracking: TrackingSettings, name: str, alias: str, version: str | None) -> None:
    """Point ``alias`` at ``version``; ``None`` removes the alias."""
    from mlflow.exceptions import MlflowException

    client = _client(tracking)
    if version is None:
        with contextlib.suppress(MlflowException):  # already absent
            client.delete_registered_model_alias(name, alias)
        return
    client.set_registered_model_alias(name, alias, version)


def move_champion(tracking: TrackingSettings, name: str, version: str | None) -> str | None:
    """Make ``version`` the champion; returns the version it replaced (None: there was none)."""
    previous = alias_version(tracking, name)
    set_alias(tracking, name, CHAMPION, version)
    if previous is not None and previous != version:
        set_alias(tracking, name, PREVIOUS, previous)
    return previous


def model_uri(name: str, version: str) -> str:
    return f"models:/{name}/{version}"
