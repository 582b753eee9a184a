"""Typed source-adapter settings: how one kind of bronze export maps onto canonical tickets.

An adapter is configuration, not code: a column mapping, value maps, date formats, the source
timezone, optional derived columns (SQL expressions), and an optional event-log collapse.
Presets live in ``conf/data/*.yaml``; ``AdapterSpec.from_mapping`` validates one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from tickets.schemas.tickets import CANONICAL_COLUMNS, EXTRA_PREFIX

FORMATS = ("auto", "csv", "json", "jsonl", "parquet")
EXTRA_TYPES = ("string", "int", "float", "bool", "timestamp")
AGGREGATES = ("latest", "min", "max", "first_time_where", "last_time_where", "changes", "reentries")


class AdapterConfigError(ValueError):
    """The adapter preset itself is wrong; the message names the key to fix."""


@dataclass(frozen=True)
class Aggregate:
    """How one canonical column is computed when an event log collapses to one row per ticket.

    kind: latest (value on the latest event), min/max (over events), first_time_where /
    last_time_where (earliest/latest event time whose ``column`` is in ``values``), changes
    (number of times ``column`` changes value between consecutive events), reentries (number of
    events leaving the ``values`` set of ``column`` after being in it: reopens).
    """

    kind: str
    column: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventLogSpec:
    order_by: tuple[str, ...]  # canonical/extra columns ordering events; the last is the latest
    time_column: str = "updated_at"
    aggregates: dict[str, Aggregate] = field(default_factory=dict)


@dataclass(frozen=True)
class AdapterSpec:
    name: str
    format: str = "auto"
    delimiter: str | None = None
    null_values: tuple[str, ...] = ("",)
    timezone: str = "UTC"
    date_formats: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # canonical → source
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    lowercase: tuple[str, ...] = ()
    required: tuple[str, ...] = ("ticket_id", "created_at")
    generate_id: tuple[str, ...] = ()
    keep_extra: bool = True
    extra_types: dict[str, str] = field(default_factory=dict)  # x_name → type
    derived: dict[str, str] = field(default_factory=dict)  # column → DuckDB SQL expression
    satisfaction_range: tuple[float, float] = (1.0, 5.0)
    event_log: EventLogSpec | None = None
    description: str = ""
    input: str | None = None
    export_from: str | None = None  # a step the ingest task runs first (api_db: export the API DB)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> AdapterSpec:
        data = {k: v for k, v in dict(raw).items() if v is not None}
        name = str(data.get("name", "unnamed"))
        _check_keys(name, data)
        columns = {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
        spec = cls(
            name=name,
            description=str(data.get("description", "")),
            input=data.get("input"),
            export_from=data.get("export_from"),
            format=str(data.get("format", "auto")),
            delimiter=data.get("delimiter"),
            null_values=tuple(str(v) for v in data.get("null_values", ("",))),
            timezone=str(data.get("timezone", "UTC")),
            date_formats=tuple(str(f) for f in data.get("date_formats", ())),
            columns=columns,
            values={
                str(col): {str(k): str(v) for k, v in mapping.items()}
                for col, mapping in (data.get("values") or {}).items()
            },
            lowercase=tuple(data.get("lowercase", ())),
            required=tuple(data.get("required", ("ticket_id", "created_at"))),
            generate_id=tuple(data.get("generate_id") or ()),
            keep_extra=bool(data.get("keep_extra", True)),
            extra_types={str(k): str(v) for k, v in (data.get("extra_types") or {}).items()},
            derived={str(k): str(v) for k, v in (data.get("derived") or {}).items()},
            satisfaction_range=tuple(float(v) for v in data.get("satisfaction_range", (1, 5))),  # type: ignore[arg-type]
            event_log=_event_log(name, data.get("event_log")),
        )
        spec.check()
        return spec

    def check(self) -> None:
        where = f"adapter {self.name!r}"
        if self.format not in FORMATS:
            raise AdapterConfigError(f"{where}: format {self.format!r} is not one of {FORMATS}")
        for canonical in self.columns:
            if canonical not in CANONICAL_COLUMNS and not canonical.startswith(EXTRA_PREFIX):
                raise AdapterConfigError(
                    f"{where}: data.columns.{canonical} is not a canonical column "
                    f"(use one of {', '.join(CANONICAL_COLUMNS)} or an x_ name)"
                )
        for name, kind in self.extra_types.items():
            if kind not in EXTRA_TYPES or not name.startswith(EXTRA_PREFIX):
                raise AdapterConfigError(
                    f"{where}: data.extra_types.{name}={kind!r}: names start with x_, "
                    f"types are {EXTRA_TYPES}"
                )
        for name in self.required:
            if name not in CANONICAL_COLUMNS:
                raise AdapterConfigError(f"{where}: data.required names unknown column {name!r}")

    def source_column(self, canonical: str) -> str:
        """The source column read for a canonical column (itself unless mapped)."""
        return self.columns.get(canonical, canonical)

    def fingerprint(self) -> str:
        """A short hash of the settings: a rerun with other settings is a different ingest."""
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check_keys(name: str, data: Mapping[str, Any]) -> None:
    known = {f for f in AdapterSpec.__dataclass_fields__}
    unknown = sorted(set(data) - known)
    if unknown:
        raise AdapterConfigError(
            f"adapter {name!r}: unknown keys {unknown}; known keys are {sorted(known)}"
        )


def _event_log(name: str, raw: Mapping[str, Any] | None) -> EventLogSpec | None:
    if not raw:
        return None
    aggregates: dict[str, Aggregate] = {}
    for column, rule in (raw.get("aggregates") or {}).items():
        rule = {"kind": rule} if isinstance(rule, str) else dict(rule)
        kind = str(rule.get("kind"))
        if kind not in AGGREGATES:
            raise AdapterConfigError(
                f"adapter {name!r}: data.event_log.aggregates.{column}.kind={kind!r} "
                f"is not one of {AGGREGATES}"
            )
        aggregates[str(column)] = Aggregate(
            kind=kind,
            column=rule.get("column"),
            values=tuple(str(v) for v in rule.get("values", ())),
        )
    order_by = tuple(raw.get("order_by") or ("updated_at",))
    return EventLogSpec(
        order_by=order_by,
        time_column=str(raw.get("time_column", "updated_at")),
        aggregates=aggregates,
    )
