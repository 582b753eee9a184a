"""The three members and the calibrated classifier, trained in seconds on 36 hand-made tickets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tickets.models.ensemble import TicketClassifier, simplex_weights
from tickets.models.factory import build_classifier, build_member
from tickets.models.features import FeatureSchemaError, as_batch
from tickets.models.labels import class_weights
from tickets.models.neural import NeuralTicketClassifier

from .builders import TINY_PARAMS, tiny_settings

NEW = pd.DataFrame(
    {
        "subject": ["refund my invoice", "vpn connection drops", "reset my password"],
        "body": ["the bill payment was charged twice", "network is down", "account locked"],
    }
)


@pytest.mark.parametrize("name", ["linear", "lightgbm", "neural"])
def test_each_member_learns_the_hand_made_categories(labelled: pd.DataFrame, name: str) -> None:
    member = build_member(name, TINY_PARAMS[name], seed=7, max_chars=1000)
    member.fit(labelled[["subject", "body"]], labelled["category"].to_numpy())
    assert member.predict(NEW).tolist() == ["billing", "network", "access"]
    proba = member.predict_proba(NEW)
    assert proba.shape == (3, 3)
    assert np.allclose(proba.sum(axis=1), 1)


def test_neural_training_is_deterministic_for_a_seed(labelled: pd.DataFrame) -> None:
    labels = labelled["category"].to_numpy()
    runs = [
        NeuralTicketClassifier(hidden=16, epochs=5, random_state=3).fit(labelled, labels)
        for _ in range(2)
    ]
    assert np.array_equal(runs[0].predict_proba(NEW), runs[1].predict_proba(NEW))


def test_linear_reads_structured_fields_as_one_hot_columns() -> None:
    # the text says nothing; the caller decides the queue
    tickets = pd.DataFrame(
        {"subject": ["please help"] * 12, "body": [""] * 12, "customer_id": ["ann", "bob"] * 6}
    )
    labels = np.array(["hr", "it"] * 6)
    linear = build_member("linear", TINY_PARAMS["linear"], seed=7, max_chars=1000)
    assert linear.fit(tickets, labels).predict(tickets.head(2)).tolist() == ["hr", "it"]
    text_only = build_member(
        "linear", {**TINY_PARAMS["linear"], "structured_weight": 0.0}, seed=7, max_chars=1000
    ).fit(tickets, labels)
    assert len(set(text_only.predict(tickets.head(2)))) == 1


def test_a_linear_model_saved_before_structured_columns_still_loads() -> None:
    import pickle

    tickets = pd.DataFrame({"subject": ["printer jam", "vpn down"] * 6, "body": [""] * 12})
    labels = np.array(["hw", "net"] * 6)
    linear = build_member("linear", TINY_PARAMS["linear"], seed=7, max_chars=1000)
    linear.fit(tickets, labels)
    del linear.__dict__["structured_weight"]  # what a model pickled by the previous release holds
    loaded = pickle.loads(pickle.dumps(linear))
    assert loaded.structured_weight == 0.0
    assert loaded.predict(tickets.head(2)).tolist() == ["hw", "net"]


def test_class_weights_follow_inverse_frequency_to_a_power() -> None:
    y = np.array(["a", "a", "a", "b"])
    # n / (k · count): a → 4 / 6, b → 4 / 2
    assert class_weights(y, 1.0).tolist() == pytest.approx([2 / 3] * 3 + [2.0])
    assert class_weights(y, 0.0).tolist() == [1.0] * 4


def test_simplex_grid_has_weights_summing_to_one() -> None:
    grid = simplex_weights(3, 0.5)
    assert len(grid) == 6  # (1,0,0) (0,1,0) (0,0,1) (.5,.5,0) (.5,0,.5) (0,.5,.5)
    assert all(w.sum() == pytest.approx(1) for w in grid)


def test_ensemble_weights_are_fitted_and_members_are_views(labelled: pd.DataFrame) -> None:
    classifier = build_classifier(tiny_settings("ensemble"))
    classifier.fit(labelled[["subject", "body"]], labelled["category"].to_numpy())
    report = classifier.report_
    assert sum(report.weights.values()) == pytest.approx(1)
    assert set(report.temperatures) == {"linear", "lightgbm", "neural", "ensemble"}
    assert classifier.predict(NEW).tolist() == ["billing", "network", "access"]
    linear = classifier.member("linear")
    assert list(linear.fitted_) == ["linear"]
    assert linear.predict_proba(NEW).shape == (3, 3)


def test_rare_classes_are_grouped_in_the_classifier(labelled: pd.DataFrame) -> None:
    labels = labelled["category"].to_numpy().copy()
    labels[:2] = ["printer", "phone"]  # two classes with one ticket each
    classifier = build_classifier(tiny_settings("linear", rare_min_count=2))
    classifier.fit(labelled, labels)
    assert classifier.classes_ == ["(rare)", "access", "billing", "network"]
    assert classifier.report_.grouped_classes == {"phone": 1, "printer": 1}


def test_classifier_refuses_input_without_trained_columns(labelled: pd.DataFrame) -> None:
    classifier = TicketClassifier(
        {"lightgbm": build_member("lightgbm", TINY_PARAMS["lightgbm"], 7, 1000)},
        rare_min_count=2,
        validation_size=0.25,
    )
    classifier.fit(labelled.drop(columns=["category"]), labelled["category"].to_numpy())
    with pytest.raises(FeatureSchemaError, match="channel"):
        classifier.predict_proba(NEW)  # trained with channel, priority and created_at


def test_weights_maximise_validation_macro_f1_with_log_loss_breaking_ties() -> None:
    codes = np.array([0, 0, 0, 1])
    calibrated = {
        "a": np.array([[0.9, 0.1]] * 3 + [[0.6, 0.4]]),  # never predicts class 1
        "b": np.array([[0.55, 0.45]] * 3 + [[0.3, 0.7]]),  # right everywhere, less sure
    }
    # grid (1, 0) / (.5, .5) / (0, 1): macro-F1 0.43 / 1.0 / 1.0, log loss .308 / .391 / .538
    by_f1 = TicketClassifier({}, weight_step=0.5, weight_objective="macro_f1")
    assert by_f1._best_weights(calibrated, codes) == [0.5, 0.5]
    by_loss = TicketClassifier({}, weight_step=0.5, weight_objective="log_loss")
    assert by_loss._best_weights(calibrated, codes) == [1.0, 0.0]


@pytest.mark.parametrize("n_labels", [2, 3])
def test_linear_scores_equal_the_svm_and_the_cached_weights_are_not_saved(n_labels: int) -> None:
    import pickle

    words = ["printer jam", "vpn down", "mail bounce"][:n_labels]
    tickets = pd.DataFrame({"subject": words * 6, "body": ["urgent", "today"] * (3 * n_labels)})
    labels = np.array(["hw", "net", "mail"][:n_labels] * 6)
    linear = build_member("linear", TINY_PARAMS["linear"], seed=7, max_chars=1000)
    linear.fit(tickets, labels)
    batch = as_batch(tickets, 1000)
    design = linear._design(batch, batch.text_features(linear.vectorizer_))
    sklearn_scores = linear.svm_.decision_function(design)  # sklearn's own product, as a check
    ours = linear.decision_function(tickets)
    expected = (
        np.column_stack([-sklearn_scores, sklearn_scores]) if n_labels == 2 else sklearn_scores
    )
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-9)
    assert "_coef_t_cache" in linear.__dict__
    loaded = pickle.loads(pickle.dumps(linear))
    assert "_coef_t_cache" not in loaded.__dict__
    np.testing.assert_allclose(loaded.decision_function(tickets), ours)
