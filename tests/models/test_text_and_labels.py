"""Ticket text preparation, rare-class grouping and splits, on hand-made values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tickets.models.labels import LabelPlan
from tickets.models.splits import split_tickets, stratified_split, time_split
from tickets.models.text import normalise, ticket_texts


def test_normalise_masks_addresses_and_collapses_space() -> None:
    text = "Mail  Bob@Example.com\nsee https://x.org/a?b=1 NOW"
    assert normalise(text) == "mail emailtoken see urltoken now"


def test_body_repeating_the_subject_is_not_doubled() -> None:
    frame = pd.DataFrame({"subject": ["account locked", "vpn"], "body": ["account locked", "down"]})
    assert ticket_texts(frame, 100).texts == ["account locked", "vpn . down"]


def test_long_text_is_truncated_and_flagged() -> None:
    frame = pd.DataFrame({"subject": ["x" * 50], "body": [None]})
    prepared = ticket_texts(frame, 20)
    assert prepared.texts == ["x" * 20]
    assert prepared.truncated.tolist() == [True]
    assert prepared.original_lengths.tolist() == [50]


def test_empty_text_is_flagged_not_rejected() -> None:
    frame = pd.DataFrame({"subject": [None, ""], "body": [None, "  "]})
    prepared = ticket_texts(frame, 100)
    assert prepared.texts == ["", ""]
    assert prepared.empty.tolist() == [True, True]


def test_frame_without_any_text_column_is_refused() -> None:
    with pytest.raises(ValueError, match="no text column"):
        ticket_texts(pd.DataFrame({"channel": ["email"]}), 100)


def test_classes_below_min_count_are_grouped_into_the_rare_class() -> None:
    labels = ["a"] * 5 + ["b"] * 3 + ["c"]
    plan = LabelPlan.fit(labels, min_count=2)
    assert plan.classes == ["(rare)", "a", "b"]
    assert plan.grouped == {"c": 1}
    assert plan.map(["c", "a", "zzz"]).tolist() == ["(rare)", "a", "zzz"]
    assert plan.encode(["a", "c", "b"]).tolist() == [1, 0, 2]
    assert plan.unseen(["a", "zzz", "c"]) == ["zzz"]


def test_grouping_that_leaves_one_class_is_refused() -> None:
    with pytest.raises(ValueError, match="only 1 class left"):
        LabelPlan.fit(["a"] * 5 + ["b"], min_count=10)


def test_stratified_split_keeps_single_examples_in_training() -> None:
    labels = np.array(["a"] * 10 + ["b"] * 10 + ["c"])
    split = stratified_split(labels, 0.2, seed=0)
    assert 20 in split.train  # the only "c"
    assert sorted(labels[split.test].tolist()) == ["a", "a", "b", "b"]
    assert len(set(split.train) | set(split.test)) == 21


def test_time_split_holds_out_the_latest_tickets() -> None:
    created = pd.Series(pd.to_datetime(["2024-01-05", "2024-01-01", "2024-01-04", "2024-01-02"]))
    split = time_split(created, 0.5)
    assert split.test.tolist() == [0, 2]
    assert split.train.tolist() == [1, 3]


def test_auto_split_uses_time_when_timestamps_exist() -> None:
    frame = pd.DataFrame({"created_at": pd.date_range("2024-01-01", periods=10, freq="D")})
    labels = np.array(["a", "b"] * 5)
    assert split_tickets(frame, labels, 0.2, 0).kind == "time"
    assert split_tickets(frame.drop(columns="created_at"), labels, 0.2, 0).kind == "stratified"
