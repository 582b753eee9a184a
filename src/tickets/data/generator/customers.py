"""Customers: segment, plan and region, and how many tickets each tends to file."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tickets.data.generator.catalog import (
    REGION_SHARES,
    REGIONS,
    SEGMENT_PLANS,
    SEGMENT_SHARES,
    SEGMENT_TICKET_WEIGHT,
    SEGMENTS,
)
from tickets.data.generator.timefmt import padded_ids

CUSTOMER_PREFIX = "CUST-"


@dataclass(frozen=True)
class Customers:
    segment: np.ndarray  # index into SEGMENTS
    region: np.ndarray  # index into REGIONS
    plan: np.ndarray  # index into plans
    plans: tuple[str, ...]
    cdf: np.ndarray  # cumulative ticket probability over customers

    @property
    def count(self) -> int:
        return int(self.segment.size)

    def draw(self, u: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, u, side="right"), self.count - 1)

    def ids(self, index: np.ndarray) -> pa.Array:
        return customer_ids(index, self.count)

    def table(self) -> pa.Table:
        every = np.arange(self.count)
        return pa.table(
            {
                "customer_id": self.ids(every),
                "segment": pa.array(SEGMENTS).take(self.segment),
                "plan": pa.array(self.plans).take(self.plan),
                "region": pa.array(REGIONS).take(self.region),
            }
        )


def customer_ids(index: np.ndarray, count: int) -> pa.Array:
    """``CUST-000042``-style ids, vectorised."""
    return padded_ids(CUSTOMER_PREFIX, index + 1, max(6, len(str(count))))


def build_customers(count: int, rng: np.random.Generator) -> Customers:
    segment = rng.choice(len(SEGMENTS), size=count, p=np.array(SEGMENT_SHARES))
    region = rng.choice(len(REGIONS), size=count, p=np.array(REGION_SHARES))
    plans = tuple(sorted({p for options in SEGMENT_PLANS.values() for p in options}))
    choice = rng.random(count)
    plan = np.empty(count, dtype=np.int16)
    for s, name in enumerate(SEGMENTS):
        options = np.array([plans.index(p) for p in SEGMENT_PLANS[name]])
        rows = segment == s
        plan[rows] = options[(choice[rows] * options.size).astype(np.int64)]
    weight = np.asarray(SEGMENT_TICKET_WEIGHT)[segment] * rng.lognormal(0.0, 0.8, count)
    cdf = np.cumsum(weight) / weight.sum()
    return Customers(segment.astype(np.int8), region.astype(np.int8), plan, plans, cdf)
