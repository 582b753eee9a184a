"""The feature schema: what a model reads, and refusal of inputs that lack it."""

from __future__ import annotations

import pandas as pd
import pytest

from tickets.models.features import FeatureSchema, FeatureSchemaError, TicketBatch


def _tickets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject": ["a", "b", "c", "d"],
            "channel": ["email", "email", "chat", "email"],
            "priority": ["low", "high", "low", "low"],
            "product": [None, None, None, None],
            "created_at": pd.to_datetime(["2024-01-01T09:00Z"] * 3 + ["2024-01-06T23:00Z"]),
        }
    )


def test_schema_keeps_populated_columns_but_not_the_target() -> None:
    schema = FeatureSchema.fit(_tickets(), target="priority", min_count=1)
    assert schema.categories == {"channel": ["chat", "email"]}
    assert schema.uses_created_at
    assert schema.required_columns == ["channel", "created_at"]


def test_levels_seen_fewer_than_min_count_times_are_unknown() -> None:
    schema = FeatureSchema.fit(_tickets(), target=None, min_count=2)
    assert schema.categories == {"channel": ["email"], "priority": ["low"]}
    encoded = schema.encode(_tickets())
    assert encoded["cat_channel"].tolist() == [0, 0, -1, 0]
    assert encoded["hour"].tolist() == [9, 9, 9, 23]
    assert encoded["weekday"].tolist() == [0, 0, 0, 5]  # 2024-01-06 is a Saturday


def test_input_missing_a_trained_column_is_refused_with_the_names() -> None:
    schema = FeatureSchema.fit(_tickets(), target=None, min_count=1)
    with pytest.raises(FeatureSchemaError, match=r"lacks \['channel', 'priority'\]"):
        schema.check(pd.DataFrame({"subject": ["x"], "created_at": [pd.Timestamp("2024-01-01")]}))


def test_input_with_the_columns_but_empty_values_is_accepted() -> None:
    schema = FeatureSchema.fit(_tickets(), target=None, min_count=1)
    empty = pd.DataFrame(
        {"subject": ["x"], "channel": [None], "priority": [None], "created_at": [pd.NaT]}
    )
    schema.check(empty)
    assert schema.encode(empty).iloc[0].tolist()[:2] == [-1, -1]


def test_created_at_that_is_not_a_timestamp_is_refused() -> None:
    schema = FeatureSchema.fit(_tickets(), target=None, min_count=1)
    bad = _tickets().assign(created_at=["yesterday", "x", "y", "z"])
    with pytest.raises(FeatureSchemaError, match="not timestamps"):
        schema.check(bad)


def test_batch_slices_keep_prepared_text() -> None:
    batch = TicketBatch(pd.DataFrame({"subject": ["One", "Two", "Three"]}))
    assert batch.texts == ["one", "two", "three"]
    sub = batch.take(pd.Index([2, 0]).to_numpy())
    assert sub.texts == ["three", "one"]
    assert sub.frame["subject"].tolist() == ["Three", "One"]
