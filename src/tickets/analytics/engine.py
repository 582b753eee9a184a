"""The Ibis backend factory: DuckDB in-process by default, Spark local/cluster on request.

Everything downstream is plain Ibis, so the same expressions run on either backend. The one
backend-specific piece is the UTC → local wall-clock conversion, which Ibis has no portable
operation for: ``local_time`` picks DuckDB's ``timezone(zone, ts)`` or Spark's
``from_utc_timestamp(ts, zone)``. PySpark is imported only when ``engine=pyspark``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from tickets.analytics.settings import EngineSettings
from tickets.data.duck import connect


class EngineError(RuntimeError):
    """The engine could not start; the message says how to fix the setup."""


@ibis.udf.scalar.builtin(name="timezone")
def _duckdb_timezone(zone: str, ts: dt.datetime) -> dt.datetime:  # type: ignore[empty-body]
    """DuckDB: the wall-clock time in ``zone`` of a UTC instant."""


@ibis.udf.scalar.builtin(name="from_utc_timestamp")
def _spark_from_utc(ts: dt.datetime, zone: str) -> dt.datetime:  # type: ignore[empty-body]
    """Spark: the wall-clock time in ``zone`` of a UTC instant."""


@ibis.udf.scalar.builtin(name="epoch_us")
def _duckdb_epoch_us(ts: dt.datetime) -> int:  # type: ignore[empty-body]
    """DuckDB: microseconds since the epoch (plain arithmetic, no timezone work)."""


@ibis.udf.scalar.builtin(name="unix_micros")
def _spark_unix_micros(ts: dt.datetime) -> int:  # type: ignore[empty-body]
    """Spark: microseconds since the epoch."""


LocalTime = Callable[[ir.TimestampValue, str], ir.TimestampValue]
EpochSeconds = Callable[[ir.TimestampValue], ir.IntegerValue]


def epoch_seconds_function(backend: BaseBackend) -> EpochSeconds:
    """Whole epoch seconds of a timestamp, identical on both engines.

    Ibis' ``epoch_seconds`` keeps DuckDB's fractional seconds and needs a timezone-aware
    truncation first (slow); integer microseconds floored to seconds are exact and cheap.
    """
    micros = _spark_unix_micros if backend.name == "pyspark" else _duckdb_epoch_us
    return lambda ts: micros(ts) // 1_000_000


def local_time_function(backend: BaseBackend) -> LocalTime:
    """A function (timestamp expr, IANA zone) → local wall-clock timestamp for this backend."""
    if backend.name == "pyspark":
        return lambda ts, tz: _spark_from_utc(ts, tz)
    return lambda ts, tz: _duckdb_timezone(tz, ts)


def connect_engine(settings: EngineSettings) -> BaseBackend:
    if settings.name == "duckdb":
        con = connect(threads=settings.threads, memory_limit=settings.memory_limit)
        con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/tickets-duckdb-spill'")
        # Row order is never relied on (every table is sorted in Python, the export's row
        # order already depended on thread timing); without it tables and Parquet files are
        # written without the order-keeping batch bookkeeping.
        con.execute("SET preserve_insertion_order = false")
        return ibis.duckdb.from_connection(con)
    if settings.name == "pyspark":
        return ibis.pyspark.connect(spark_session(settings))
    raise EngineError(f"unknown engine {settings.name!r}; choose engine=duckdb or engine=pyspark")


_SPARK_SESSION: Any = None


def spark_session(settings: EngineSettings) -> Any:
    """One shared local SparkSession (UTC, loopback-bound, no UI, no console progress)."""
    global _SPARK_SESSION
    if _SPARK_SESSION is not None:
        return _SPARK_SESSION
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise EngineError(
            "engine=pyspark needs pyspark: pip install 'tickets[spark]' (and a Java 17 runtime)"
        ) from err
    scratch = os.path.join(tempfile.gettempdir(), "tickets-spark")
    builder = (
        SparkSession.builder.master(settings.master)
        .appName("tickets-analytics")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", settings.driver_memory)
        .config("spark.sql.shuffle.partitions", str(settings.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.local.dir", os.path.join(scratch, "local"))
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    )
    for key, value in settings.spark_conf.items():
        builder = builder.config(key, str(value))
    _SPARK_SESSION = builder.getOrCreate()
    _SPARK_SESSION.sparkContext.setLogLevel("ERROR")
    return _SPARK_SESSION


def materialise(backend: BaseBackend, expr: ir.Table, name: str) -> ir.Table:
    """Compute ``expr`` once and keep it in the engine (a table of the in-memory DuckDB
    database, a cached Spark DataFrame), so the many aggregates that follow do not redo the
    joins."""
    if backend.name == "duckdb":
        # a fresh name each time: ibis 12's DROP for overwrite= does not parse on DuckDB 2.
        # Not a TEMP table: those are private to one connection, and the export reads this
        # table from a second one while the aggregates run.
        return backend.create_table(f"{name}_{uuid.uuid4().hex[:12]}", expr)
    backend._run_pre_execute_hooks(expr)  # registers the in-memory lookup tables first
    return expr.cache()


class ConcurrentQueries:
    """Runs aggregate queries a few at a time, each on its own DuckDB connection to the same
    database, so one query's single-threaded phases (compiling it in Python, finishing its
    groups) overlap another's parallel work. Other engines run each query when submitted.

    The queries may only read tables every connection sees (the stored enriched tickets).
    """

    def __init__(self, backend: BaseBackend, workers: int = 2) -> None:
        self._backend = backend
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="aggregates")
        self._local = threading.local()
        self._cursors: list[Any] = []
        self._lock = threading.Lock()

    def submit(self, expr: ir.Table) -> Future[pd.DataFrame]:
        if self._backend.name != "duckdb":
            done: Future[pd.DataFrame] = Future()
            done.set_result(self._backend.execute(expr))
            return done
        return self._pool.submit(self._execute, expr)

    def _execute(self, expr: ir.Table) -> pd.DataFrame:
        backend = getattr(self._local, "backend", None)
        if backend is None:
            cursor = self._backend.con.cursor()  # type: ignore[attr-defined]
            with self._lock:
                self._cursors.append(cursor)
            backend = self._local.backend = ibis.duckdb.from_connection(cursor)
        return backend.execute(expr)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for cursor in self._cursors:
            cursor.close()

    def __enter__(self) -> ConcurrentQueries:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
