"""Row rules on typed canonical tickets. Every failing row gets a reason; none is dropped.

A rule is data: a code, the columns it reads, a vectorised predicate that flags bad rows, and a
sentence template. The first failing rule (after any coercion error) names the row's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tickets.schemas.tickets import COUNT_COLUMNS


@dataclass(frozen=True)
class Rule:
    code: str
    column: str
    flags: Callable[[pd.DataFrame], pd.Series]
    explain: Callable[[pd.DataFrame], pd.Series]


def _before_created(column: str) -> Rule:
    return Rule(
        code=f"{column.removesuffix('_at')}_before_created",
        column=column,
        flags=lambda f: (f[column] < f["created_at"]).fillna(False),
        explain=lambda f: (
            f"{column} " + _iso(f[column]) + " is before created_at " + _iso(f["created_at"])
        ),
    )


def _iso(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype("string")


def build_rules(required: tuple[str, ...], satisfaction_range: tuple[float, float]) -> list[Rule]:
    low, high = satisfaction_range
    rules = [
        Rule(
            code="missing_required",
            column=column,
            flags=lambda f, c=column: f[c].isna(),
            explain=lambda f, c=column: pd.Series(f"{c} is empty but required", index=f.index),
        )
        for column in required
    ]
    rules += [_before_created(c) for c in ("first_response_at", "resolved_at", "closed_at")]
    rules.append(
        Rule(
            code="csat_out_of_range",
            column="satisfaction_score",
            flags=lambda f: (
                ((f["satisfaction_score"] < low) | (f["satisfaction_score"] > high))
                .fillna(False)
                .astype(bool)
            ),
            explain=lambda f: (
                "satisfaction_score "
                + f["satisfaction_score"].astype("string")
                + f" is outside {low:g}..{high:g}"
            ),
        )
    )
    rules += [
        Rule(
            code="negative_count",
            column=column,
            flags=lambda f, c=column: (f[c] < 0).fillna(False).astype(bool),
            explain=lambda f, c=column: f"{c} " + f[c].astype("string") + " is negative",
        )
        for column in COUNT_COLUMNS
    ]
    return rules


def apply_rules(frame: pd.DataFrame, rules: list[Rule], file_name: str) -> pd.DataFrame:
    """Fill ``_error_code``/``_error`` for rows that break a rule and have no error yet."""
    code = frame["_error_code"].astype("string").copy()
    message = frame["_error"].astype("string").copy()
    for rule in rules:
        bad = rule.flags(frame).astype(bool) & code.isna()
        if not bad.any():
            continue
        subset = frame[bad]
        code[bad] = rule.code
        message[bad] = (
            f"{file_name} row " + subset["_row"].astype("string") + ": " + rule.explain(subset)
        )
    return frame.assign(_error_code=code, _error=message)
