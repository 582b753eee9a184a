"""The NB-SVM member and equal ensemble weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from tickets.models.ensemble import TicketClassifier
from tickets.models.factory import build_classifier, build_member
from tickets.models.features import TicketBatch
from tickets.models.nbsvm import NBSVMTicketClassifier, log_count_ratio

from .builders import tiny_settings

NEW = pd.DataFrame(
    {
        "subject": ["refund my invoice", "vpn connection drops", "reset my password"],
        "body": ["the bill payment was charged twice", "network is down", "account locked"],
    }
)


def test_nbsvm_learns_the_hand_made_categories(labelled: pd.DataFrame) -> None:
    member = build_member("nbsvm", {"C": 1.0, "char_ngrams": [2, 4]}, seed=7, max_chars=1000)
    member.fit(labelled[["subject", "body"]], labelled["category"].to_numpy())
    assert member.predict(NEW).tolist() == ["billing", "network", "access"]
    proba = member.predict_proba(NEW)
    assert proba.shape == (3, 3)
    assert np.allclose(proba.sum(axis=1), 1)


def test_log_count_ratio_favours_columns_seen_inside_the_class() -> None:
    present = sp.csr_matrix(np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32))
    ratio = log_count_ratio(present, np.array([True, True, False, False]), alpha=1.0)
    assert ratio[0] > 0 > ratio[1]
    assert ratio[0] == pytest.approx(-ratio[1])


def test_folded_weights_equal_an_svm_on_the_scaled_features(labelled: pd.DataFrame) -> None:
    """x·(r·w) + b, what prediction computes, is a one-vs-rest SVM's decision on x·r."""
    labels = labelled["category"].to_numpy()
    model = NBSVMTicketClassifier(C=1.0, char_ngrams=(2, 4)).fit(labelled, labels)
    train = TicketBatch(labelled).text_features(model.vectorizer_)
    new = TicketBatch(NEW).text_features(model.vectorizer_)
    scores = model.decision_function(NEW)
    assert scores.shape == (3, len(model.classes_))
    for k, label in enumerate(model.classes_):
        inside = labels == label
        ratio = log_count_ratio((train > 0).astype(np.float32).tocsr(), inside, 1.0)
        svm = LinearSVC(C=1.0, random_state=0).fit(train.multiply(ratio).tocsr(), inside)
        expected = svm.decision_function(new.multiply(ratio).tocsr())
        assert np.allclose(scores[:, k], expected, atol=1e-4)


def test_equal_weight_objective_gives_every_member_the_same_weight(
    labelled: pd.DataFrame,
) -> None:
    settings = tiny_settings(
        "ensemble", members=("linear", "neural", "nbsvm"), weight_objective="equal"
    )
    classifier = build_classifier(settings)
    classifier.fit(labelled[["subject", "body"]], labelled["category"].to_numpy())
    assert classifier.report_.weights == pytest.approx(
        {"linear": 1 / 3, "neural": 1 / 3, "nbsvm": 1 / 3}
    )
    assert classifier.predict(NEW).tolist() == ["billing", "network", "access"]
    calibrated = {"a": np.array([[0.9, 0.1]]), "b": np.array([[0.2, 0.8]])}
    equal = TicketClassifier({}, weight_objective="equal")
    assert equal._best_weights(calibrated, np.array([0])) == [0.5, 0.5]
