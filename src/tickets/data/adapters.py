"""Map one batch of source records onto the canonical columns, typed, with per-row errors.

The output keeps every row: ``_row`` (1-based record number in the file), ``_error_code`` and
``_error`` (first coercion problem, or null) and ``_raw`` (the source record as JSON, for rows
with a problem, so rejects lose nothing). Validation of the typed values comes later.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa

from tickets.data.adapter_spec import AdapterSpec
from tickets.data.coercion import (
    clean_strings,
    parse_bools,
    parse_floats,
    parse_ints,
    parse_timestamps,
)
from tickets.schemas.tickets import EXTRA_PREFIX, TICKET_SCHEMA, TIMESTAMP_TYPE

META_COLUMNS = ("_row", "_error_code", "_error", "_raw")
_EXTRA_ARROW = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": TIMESTAMP_TYPE,
}


class MissingColumnsError(ValueError):
    """Required source columns are absent; the message names file, columns and mapping keys."""


def extra_name(source_column: str) -> str:
    """``Short description`` → ``x_short_description``."""
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", source_column).strip("_").lower() or "column"
    return slug if slug.startswith(EXTRA_PREFIX) else EXTRA_PREFIX + slug


def check_required_columns(spec: AdapterSpec, found: list[str], file_name: str) -> None:
    """Fail before reading rows when a required column cannot be found in the source."""
    derivable = set(spec.derived) | set(spec.event_log.aggregates if spec.event_log else ())
    if spec.generate_id:
        derivable.add("ticket_id")
    missing = [
        c for c in spec.required if c not in derivable and spec.source_column(c) not in found
    ]
    if missing:
        wanted = ", ".join(f"{c} (source column {spec.source_column(c)!r})" for c in missing)
        keys = ", ".join(f"data.columns.{c}=<source column>" for c in missing)
        raise MissingColumnsError(
            f"{file_name}: missing required column(s) {wanted}. Columns found: "
            f"{', '.join(found)}. Map them with {keys}, or choose a preset with data=PRESET."
        )


def output_schema(spec: AdapterSpec, source_columns: list[str]) -> pa.Schema:
    fields = [f.with_nullable(True) for f in TICKET_SCHEMA]
    for name in extra_columns(spec, source_columns).values():
        fields.append(pa.field(name, _EXTRA_ARROW[spec.extra_types.get(name, "string")]))
    fields += [
        pa.field("_row", pa.int64()),
        pa.field("_error_code", pa.string()),
        pa.field("_error", pa.string()),
        pa.field("_raw", pa.string()),
    ]
    return pa.schema(fields)


def extra_columns(spec: AdapterSpec, source_columns: list[str]) -> dict[str, str]:
    """Source column → x_ name, for every source column that maps to no canonical column."""
    mapped = {spec.source_column(c) for c in TICKET_SCHEMA.names}
    mapped |= {src for canon, src in spec.columns.items() if canon.startswith(EXTRA_PREFIX)}
    extras = {src: canon for canon, src in spec.columns.items() if canon.startswith(EXTRA_PREFIX)}
    if spec.keep_extra:
        for column in source_columns:
            if column not in mapped:
                extras[column] = extra_name(column)
    return extras


def map_batch(batch: pa.RecordBatch, spec: AdapterSpec, first_row: int, file_name: str) -> pa.Table:
    """Map, clean and type one batch; rows whose values cannot be typed carry an error."""
    frame = batch.to_pandas(types_mapper=_string_mapper)
    rows = pd.Series(range(first_row, first_row + len(frame)), index=frame.index, dtype="int64")
    out = pd.DataFrame(index=frame.index)
    errors = _Errors(frame.index, rows, file_name)
    nulls = frozenset(spec.null_values)
    for field in TICKET_SCHEMA:
        source = spec.source_column(field.name)
        raw = frame[source] if source in frame.columns else pd.Series(pd.NA, index=frame.index)
        out[field.name] = _typed(field, raw, spec, nulls, errors)
    for source, name in extra_columns(spec, list(frame.columns)).items():
        raw = frame[source] if source in frame.columns else pd.Series(pd.NA, index=frame.index)
        out[name] = _typed_extra(name, raw, spec, nulls, errors)
    if spec.generate_id:
        out["ticket_id"] = _stable_ids(frame, spec, rows)
    out["_row"] = rows
    out["_error_code"], out["_error"] = errors.code, errors.message
    out["_raw"] = _raw_json(frame, errors.code.notna())
    schema = output_schema(spec, list(frame.columns))
    return pa.Table.from_pandas(out[schema.names], schema=schema, preserve_index=False)


class _Errors:
    """First error per row: a code for counting and a sentence naming file, row and column."""

    def __init__(self, index: pd.Index, rows: pd.Series, file_name: str) -> None:
        self.code = pd.Series(pd.NA, index=index, dtype="string")
        self.message = pd.Series(pd.NA, index=index, dtype="string")
        self.rows, self.file_name = rows, file_name

    def add(self, mask: pd.Series, code: str, column: str, raw: pd.Series, expected: str) -> None:
        new = mask & self.code.isna()
        if not new.any():
            return
        self.code[new] = code
        self.message[new] = (
            f"{self.file_name} row "
            + self.rows[new].astype("string")
            + f": {column} "
            + raw[new].astype("string").map(repr)
            + f" is not {expected}"
        )


def _typed(
    field: pa.Field, raw: pd.Series, spec: AdapterSpec, nulls: frozenset[str], errors: _Errors
) -> pd.Series:
    name = field.name
    if not pd.api.types.is_datetime64_any_dtype(raw.dtype) and not pd.api.types.is_numeric_dtype(
        raw.dtype
    ):
        raw = clean_strings(raw, nulls)
        if name in spec.values:
            raw = raw.map(lambda v, m=spec.values[name]: m.get(v, v) if isinstance(v, str) else v)
            raw = raw.astype("string")
    return _coerce(name, field.type, raw, spec, errors, lower=name in spec.lowercase)


def _typed_extra(
    name: str, raw: pd.Series, spec: AdapterSpec, nulls: frozenset[str], errors: _Errors
) -> pd.Series:
    kind = spec.extra_types.get(name, "string")
    if kind == "string" or not pd.api.types.is_numeric_dtype(raw.dtype):
        raw = clean_strings(raw, nulls)
    return _coerce(name, _EXTRA_ARROW[kind], raw, spec, errors, lower=False)


def _coerce(
    name: str,
    arrow_type: pa.DataType,
    raw: pd.Series,
    spec: AdapterSpec,
    errors: _Errors,
    lower: bool,
) -> pd.Series:
    if pa.types.is_timestamp(arrow_type):
        values, bad = parse_timestamps(raw, spec.date_formats, spec.timezone)
        fmt = " or ".join(spec.date_formats) or "an ISO 8601 timestamp"
        errors.add(bad, "unparseable_timestamp", name, raw, f"a timestamp (expected {fmt})")
        return values
    if pa.types.is_floating(arrow_type):
        values, bad = parse_floats(raw)
        errors.add(bad, "unparseable_number", name, raw, "a number")
        return values
    if pa.types.is_integer(arrow_type):
        values, bad = parse_ints(raw)
        errors.add(bad, "unparseable_number", name, raw, "a whole number")
        return values
    if pa.types.is_boolean(arrow_type):
        values, bad = parse_bools(raw)
        errors.add(bad, "unparseable_bool", name, raw, "true/false")
        return values
    text = raw.astype("string")
    return text.str.lower() if lower else text


def _stable_ids(frame: pd.DataFrame, spec: AdapterSpec, rows: pd.Series) -> pd.Series:
    """An id from the content and the row number: stable across reruns of the same file."""
    content = frame[[c for c in spec.generate_id if c in frame.columns]].fillna("")
    content = content.assign(_row=rows.values)
    hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
    prefix = spec.name.upper().replace("_", "-")[:12]
    return pd.Series([f"{prefix}-{h:016x}" for h in hashes], index=frame.index, dtype="string")


def _raw_json(frame: pd.DataFrame, bad: pd.Series) -> pd.Series:
    raw = pd.Series(pd.NA, index=frame.index, dtype="string")
    if bad.any():
        records = frame[bad.to_numpy()].astype(object).where(frame[bad.to_numpy()].notna(), None)
        raw[bad] = [
            json.dumps(r, default=str, ensure_ascii=False) for r in records.to_dict("records")
        ]
    return raw


def _string_mapper(arrow_type: pa.DataType) -> object:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow")
    return None
