"""Build a :class:`TicketClassifier` from typed settings."""

from __future__ import annotations

from typing import Any

from tickets.models.ensemble import TicketClassifier
from tickets.models.gbm import LightGBMTicketClassifier
from tickets.models.linear import LinearTicketClassifier
from tickets.models.nbsvm import NBSVMTicketClassifier
from tickets.models.neural import NeuralTicketClassifier
from tickets.models.settings import ModelSettings

MEMBER_CLASSES: dict[str, type] = {
    "linear": LinearTicketClassifier,
    "lightgbm": LightGBMTicketClassifier,
    "neural": NeuralTicketClassifier,
    "nbsvm": NBSVMTicketClassifier,
}


def build_member(name: str, params: dict[str, Any], seed: int, max_chars: int) -> Any:
    cls = MEMBER_CLASSES[name]
    known = set(cls().get_params())
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"model.params.{name} has unknown keys {unknown}; {name} accepts {sorted(known)}"
        )
    tuples = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    return cls(**{**tuples, "random_state": seed, "max_chars": max_chars})


def build_classifier(settings: ModelSettings) -> TicketClassifier:
    members = {
        name: build_member(name, settings.params.get(name, {}), settings.seed, settings.max_chars)
        for name in settings.members
    }
    return TicketClassifier(
        members,
        target=settings.target,
        rare_min_count=settings.rare_min_count,
        rare_label=settings.rare_label,
        review_threshold=settings.review_threshold,
        validation_size=settings.validation_size,
        weight_step=settings.weight_step,
        weight_objective=settings.weight_objective,
        refit=settings.refit,
        max_chars=settings.max_chars,
        random_state=settings.seed,
    )


def output_model(classifier: TicketClassifier, name: str) -> TicketClassifier:
    """The classifier to log as model ``name``: the full ensemble or one calibrated member."""
    return classifier if name == "ensemble" else classifier.member(name)
