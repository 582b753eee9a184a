"""engine=pyspark runs the same Ibis expressions as DuckDB and gives identical tables.

Counts must be equal; quantiles are exact on both engines (DuckDB ``quantile_cont``, Spark
``percentile``) and means are sums in a different order, so floats may differ only in the last
bits (relative 1e-12).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tickets.analytics.settings import EngineSettings

from .builders import compute, make_settings

pytestmark = pytest.mark.slow
WINDOW = {"start_date": dt.date(2024, 11, 1), "end_date": dt.date(2024, 11, 30)}


def bundle_on(engine: EngineSettings, warehouse: Path, tmp: Path):  # type: ignore[no-untyped-def]
    bundle, backend = compute(make_settings(warehouse, tmp, engine=engine, **WINDOW))
    enriched = backend.to_pyarrow(bundle.enriched).to_pandas()
    return bundle, enriched.sort_values("ticket_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def both(generated_warehouse: Path):  # type: ignore[no-untyped-def]
    if shutil.which("java") is None:
        pytest.skip("engine=pyspark needs a Java runtime")
    pytest.importorskip("pyspark")
    tmp = generated_warehouse.parent / "parity"
    duck = bundle_on(EngineSettings(), generated_warehouse, tmp)
    spark = bundle_on(
        EngineSettings(
            name="pyspark",
            master="local[2]",
            shuffle_partitions=1,
            # small data: code generation and adaptive planning cost more than they save
            spark_conf={
                "spark.sql.codegen.wholeStage": "false",
                "spark.sql.adaptive.enabled": "false",
            },
        ),
        generated_warehouse,
        tmp,
    )
    return duck, spark


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False, rtol=1e-12
    )


def test_headline_numbers_are_identical(both):
    (duck, _), (spark, _) = both
    assert duck.headline.keys() == spark.headline.keys()
    for name, value in duck.headline.items():
        assert spark.headline[name] == pytest.approx(value, rel=1e-12, nan_ok=True), name
    assert duck.headline["received"] > 300  # a real window, not an empty one


@pytest.mark.parametrize(
    "table", ["volume", "resolution_time", "sla_compliance", "csat", "agent_performance"]
)
def test_tables_are_identical(both, table):
    (duck, _), (spark, _) = both
    assert len(duck.tables[table]) > 0
    assert_same(duck.tables[table], spark.tables[table])


def test_enriched_tickets_are_identical(both):
    (_, duck), (_, spark) = both
    assert list(duck.columns) == list(spark.columns)
    for column in ("created_date", "resolved_date"):  # date vs datetime64 in pandas
        duck[column], spark[column] = pd.to_datetime(duck[column]), pd.to_datetime(spark[column])
    assert_same(duck, spark)
