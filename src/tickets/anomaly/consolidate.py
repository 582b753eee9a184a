"""Keep the most specific explanation when one event shows up in several series.

A Router-X spike also lifts its queue, its channels and the overall count. The series that
carries the event most sharply has the highest standardised score (the excess is the same but
the background noise of a narrower series is smaller), so anomalies are taken in order of
|score|. A later one of the same type whose window overlaps a kept one is folded into it (as
``details.also_seen_in``) when the kept one explains at least ``explained_share`` of its excess:
the kept excess times the share of the kept series' tickets that also belong to the candidate's
series (from the co-occurrence table; 1 when unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from tickets.anomaly.records import Anomaly
from tickets.anomaly.series import with_segment

Key = tuple[str, str]
SAMPLE_ROWS = 200_000


@dataclass(frozen=True)
class CoOccurrence:
    """Ticket counts per combination of dimension values, to ask P(series B | series A)."""

    table: pd.DataFrame  # one column per family, plus "n"

    @classmethod
    def from_duckdb(
        cls,
        con: duckdb.DuckDBPyConnection,
        tickets_sql: str,
        families: list[str],
        customers_table: str | None = None,
        sample_rows: int = SAMPLE_ROWS,
    ) -> CoOccurrence:
        """Shares from a repeatable sample of ``sample_rows`` tickets (shares need no more);
        ``tickets_sql`` is the plain ticket scan, the segment is joined onto the sample."""
        columns = [f for f in families if f != "overall"]
        if not columns:
            return cls(pd.DataFrame({"n": []}))
        cols = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in columns)
        sample = (
            f"(SELECT * FROM {tickets_sql} "
            f"USING SAMPLE reservoir({int(sample_rows)} ROWS) REPEATABLE (7))"
        )
        source = with_segment(sample, customers_table)
        frame = con.execute(f"SELECT {cols}, count(*) AS n FROM {source} GROUP BY ALL").df()
        return cls(frame)

    def share(self, host: Key, candidate: Key) -> float:
        """Share of the host series' tickets that are also in the candidate series."""
        if candidate[0] == "overall" or host == candidate:
            return 1.0
        if host[0] not in self.table or candidate[0] not in self.table:
            return 1.0
        mine = self.table if host[0] == "overall" else self.table[self.table[host[0]] == host[1]]
        total = float(mine["n"].sum())
        if total == 0:
            return 0.0
        return float(mine.loc[mine[candidate[0]] == candidate[1], "n"].sum()) / total


JointExcess = Callable[[Anomaly, Anomaly], float]


def fold_related(
    anomalies: list[Anomaly],
    explained_share: float = 0.5,
    cooccurrence: CoOccurrence | None = None,
    joint_excess: JointExcess | None = None,
) -> list[Anomaly]:
    """``joint_excess(host, candidate)``, when given, counts the host's extra tickets inside the
    candidate's series in the candidate's window; it decides when the long-run co-occurrence
    share says no (an event need not spread like the average ticket)."""
    kept: list[Anomaly] = []
    for candidate in sorted(anomalies, key=lambda a: -abs(a.score)):
        host = _explaining(kept, candidate, explained_share, cooccurrence, joint_excess)
        if host is None:
            kept.append(candidate)
        elif _more_specific(candidate, host, cooccurrence):
            kept[kept.index(host)] = candidate
            moved = host.details.pop("also_seen_in", [])
            candidate.details["also_seen_in"] = [*moved, _summary(host)]
        else:
            host.details.setdefault("also_seen_in", []).append(_summary(candidate))
    return sorted(kept, key=lambda a: (a.start, a.type, a.dimension, a.value))


def _summary(anomaly: Anomaly) -> dict[str, object]:
    return {
        "dimension": anomaly.dimension,
        "value": anomaly.value,
        "observed": round(anomaly.observed, 3),
        "expected": round(anomaly.expected, 3),
        "score": round(anomaly.score, 2),
    }


NESTED = 0.9  # share of the narrower series' tickets inside the broader one
SPECIFIC_EXCESS = 0.9  # share of the broader excess the narrower series must carry
SPECIFIC_RATIO = 1.05  # ... and a clearly larger relative change


def _more_specific(candidate: Anomaly, host: Anomaly, cooccurrence: CoOccurrence | None) -> bool:
    """Should ``candidate`` (lower |score|) replace ``host`` as the reported series?

    Counts, for nested series: the narrower one when it carries (nearly) all of the broader
    one's excess with a clearly larger relative change (a product spike in its own queue),
    otherwise the broader one (phone calls are 99% of all tickets: a drop of both is a drop
    of all tickets). Means (sentiment): for nested
    series, the tickets of the broader one outside the narrower one decide: if they shifted
    too, the broader series is the better description, otherwise the narrower one."""
    if cooccurrence is None or candidate.type != host.type:
        return False
    if not candidate.type.startswith("volume"):
        return _remainder_decides(candidate, host, cooccurrence)
    small, big = sorted((candidate, host), key=lambda a: a.expected)
    if small.expected <= 0:
        return False
    nested = cooccurrence.share((small.dimension, small.value), (big.dimension, big.value))
    if nested < NESTED:
        return False
    carries = abs(_excess(small)) >= SPECIFIC_EXCESS * abs(_excess(big))
    sharper = abs(_change(small)) > SPECIFIC_RATIO * abs(_change(big))
    winner = small if carries and sharper else big
    return winner is candidate


MIN_REMAINDER = 10  # tickets outside the narrower series needed to judge where the shift is


def _remainder_decides(candidate: Anomaly, host: Anomaly, cooccurrence: CoOccurrence) -> bool:
    """The narrower series wins only when the broader series' other tickets clearly did not
    shift like it (their shift is more than three standard errors away; the two windows
    may differ by a few days, so the margin is wide); otherwise, also when
    they are too few to tell, the broader one, which covers every affected ticket."""
    small, big = sorted((candidate, host), key=lambda a: a.details.get("tickets", 0))
    nested = cooccurrence.share((small.dimension, small.value), (big.dimension, big.value))
    if nested < NESTED:
        return False
    rest = _remainder_shift(small, big)
    narrow = rest is not None and abs(rest[0] - (small.observed - small.expected)) > 3 * rest[1]
    winner = small if narrow else big
    return winner is candidate


def _remainder_shift(small: Anomaly, big: Anomaly) -> tuple[float, float] | None:
    """Mean shift of the broader series' tickets outside the narrower one, and its standard
    error (per-ticket variance taken from the narrower series' test); None when too few."""
    n_small, n_big = small.details.get("tickets", 0), big.details.get("tickets", 0)
    b_small = small.details.get("baseline_tickets", 0)
    b_big = big.details.get("baseline_tickets", 0)
    n_rest, b_rest = n_big - n_small, b_big - b_small
    if n_rest < MIN_REMAINDER or b_rest < MIN_REMAINDER or not n_small or not b_small:
        return None
    now = (big.observed * n_big - small.observed * n_small) / n_rest
    before = (big.expected * b_big - small.expected * b_small) / b_rest
    per_ticket = small.expected_sd**2 / (1 / n_small + 1 / b_small)
    return now - before, float((per_ticket * (1 / n_rest + 1 / b_rest)) ** 0.5)


def _change(anomaly: Anomaly) -> float:
    return anomaly.observed / anomaly.expected - 1


def _excess(anomaly: Anomaly) -> float:
    return float(
        anomaly.details.get("excess", (anomaly.observed - anomaly.expected) * anomaly.days)
    )


def _time_share(host: Anomaly, candidate: Anomaly) -> float:
    """Share of the host's window that falls inside the candidate's (its excess is spread
    over its days; only the overlapping part can explain the candidate)."""
    overlap = min(host.end, candidate.end) - max(host.start, candidate.start)
    return max(overlap.total_seconds(), 0.0) / max((host.end - host.start).total_seconds(), 1.0)


def _explaining(
    kept: list[Anomaly],
    candidate: Anomaly,
    share: float,
    cooccurrence: CoOccurrence | None,
    joint_excess: JointExcess | None,
) -> Anomaly | None:
    for host in kept:
        if host.type != candidate.type or not host.overlaps(candidate):
            continue
        host_key, cand_key = (host.dimension, host.value), (candidate.dimension, candidate.value)
        if host_key == cand_key:
            return host
        needed = share * abs(_excess(candidate))
        overlap = cooccurrence.share(host_key, cand_key) if cooccurrence else 1.0
        if abs(_excess(host)) * _time_share(host, candidate) * overlap >= needed:
            return host
        if joint_excess is not None and joint_excess(host, candidate) >= needed:
            return host
    return None
