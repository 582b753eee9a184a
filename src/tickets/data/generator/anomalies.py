"""Where and how strongly the anomalies are planted: exact windows in whole UTC days.

The plan is fixed before any ticket exists. Arrivals read the volume effects, CSAT reads the
sentiment drop, text reads the tone shift, and ``ground_truth`` writes the same plan out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tickets.data.generator.issues import EMERGING_ISSUE, KB_GAP_ISSUE
from tickets.data.generator.settings import GeneratorSettings
from tickets.data.generator.taxonomy import Taxonomy

EMERGING_START_RATIO = 20.0  # the emerging issue grows 20-fold over its window


@dataclass(frozen=True)
class Window:
    first_day: int  # day index from the start, inclusive
    end_day: int  # exclusive

    def days(self, total: int) -> np.ndarray:
        mask = np.zeros(total, dtype=bool)
        mask[self.first_day : self.end_day] = True
        return mask


@dataclass(frozen=True)
class AnomalyPlan:
    enabled: bool
    spike_product: int = -1
    spike: Window = Window(0, 0)
    spike_multiplier: float = 1.0
    emerging_issue: int = -1
    emerging: Window = Window(0, 0)
    emerging_final_share: float = 0.0
    drop_queue: int = -1
    drop: Window = Window(0, 0)
    drop_csat_delta: float = 0.0
    gap_issue: int = -1
    gap: Window = Window(0, 0)
    gap_share: float = 0.0

    def emerging_share(self, days: int) -> np.ndarray:
        """Share of each day's regular volume that the emerging issue adds (0 outside)."""
        share = np.zeros(days)
        w = self.emerging
        if not self.enabled or w.end_day <= w.first_day:
            return share
        span = max(w.end_day - w.first_day - 1, 1)
        growth = math.log(EMERGING_START_RATIO) / span
        offsets = np.arange(w.first_day, w.end_day) - (w.end_day - 1)
        share[w.first_day : w.end_day] = self.emerging_final_share * np.exp(growth * offsets)
        return share

    def gap_share_by_day(self, days: int) -> np.ndarray:
        share = np.zeros(days)
        if self.enabled:
            share[self.gap.first_day : self.gap.end_day] = self.gap_share
        return share


def _window(at: float, length: int, days: int) -> Window:
    first = min(int(at * days), days - 1)
    return Window(first, min(first + length, days))


def plan_anomalies(settings: GeneratorSettings, taxonomy: Taxonomy) -> AnomalyPlan:
    if not settings.anomalies:
        return AnomalyPlan(enabled=False)
    planted, days = settings.planted, settings.days
    return AnomalyPlan(
        enabled=True,
        spike_product=taxonomy.product_index(planted.volume_spike.product),
        spike=_window(planted.volume_spike.at, planted.volume_spike.days, days),
        spike_multiplier=planted.volume_spike.multiplier,
        emerging_issue=taxonomy.index(EMERGING_ISSUE.issue_id),
        emerging=_window(planted.emerging_issue.at, planted.emerging_issue.days, days),
        emerging_final_share=planted.emerging_issue.final_share,
        drop_queue=taxonomy.queue_index(planted.sentiment_drop.queue),
        drop=_window(planted.sentiment_drop.at, planted.sentiment_drop.days, days),
        drop_csat_delta=planted.sentiment_drop.csat_delta,
        gap_issue=taxonomy.index(KB_GAP_ISSUE.issue_id),
        gap=_window(planted.kb_gap.at, days, days),
        gap_share=planted.kb_gap.share,
    )
