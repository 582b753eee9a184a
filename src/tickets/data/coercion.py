"""Vectorised type coercion of raw source values into canonical types.

Each function takes a pandas Series of raw values and returns the typed Series plus a boolean
mask of values that were present but could not be converted (those rows become rejects).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
_TEXT = pd.StringDtype("pyarrow")
_OFFSET = r"(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"


def parse_timestamps(
    raw: pd.Series, formats: tuple[str, ...], timezone: str
) -> tuple[pd.Series, pd.Series]:
    """Parse to UTC. Naive values are read in ``timezone``; values with an offset keep it."""
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return raw.dt.tz_convert("UTC"), pd.Series(False, index=raw.index)
    if pd.api.types.is_datetime64_dtype(raw.dtype):
        return _localize(raw, timezone), pd.Series(False, index=raw.index)
    text = raw.astype(_TEXT).str.strip()
    present = text.notna() & (text != "")
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    has_offset = present & text.str.contains(_OFFSET, regex=True, na=False)
    if has_offset.any():
        result[has_offset] = _to_datetime(text[has_offset], "ISO8601", utc=True)
    naive = present & ~has_offset
    if naive.any():
        parsed = pd.Series(pd.NaT, index=text[naive].index, dtype="datetime64[ns]")
        for fmt in formats or ("ISO8601",):
            todo = parsed.isna()
            if not todo.any():
                break
            parsed[todo] = _to_datetime(text[naive][todo], fmt, utc=False)
        result[naive] = _localize(parsed, timezone)
    return result, present & result.isna()


def _to_datetime(text: pd.Series, fmt: str, utc: bool) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)


def _localize(naive: pd.Series, timezone: str) -> pd.Series:
    localized = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
    return localized.dt.tz_convert("UTC")


def parse_floats(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("float64"), pd.Series(False, index=raw.index)
    text = raw.astype(_TEXT).str.strip()
    present = text.notna() & (text != "")
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    return values.astype("float64"), present & values.isna()


def parse_ints(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, bad = parse_floats(raw)
    fractional = values.notna() & (np.floor(values) != values)
    values = values.where(~fractional)
    return values.astype("Int64"), bad | fractional


def parse_bools(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("boolean"), pd.Series(False, index=raw.index)
    text = raw.astype(_TEXT).str.strip().str.lower()
    present = text.notna() & (text != "")
    values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    values[text.isin(_TRUE)] = True
    values[text.isin(_FALSE)] = False
    return values, present & values.isna()


def clean_strings(raw: pd.Series, null_values: frozenset[str]) -> pd.Series:
    """Text values stripped, with the source's null markers ("?", "NA", …) made null."""
    text = raw.astype(_TEXT).str.strip()
    return text.mask(text.isin(null_values) | (text == ""))
