"""The issue taxonomy as lookup arrays, and the KB article that documents each issue.

Every per-ticket attribute that follows from the issue (product, category, queue, priority mix,
complexity) is one numpy ``take`` on these arrays, so the hot path never loops over tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tickets.data.generator.catalog import CATEGORY_QUEUE, PRODUCTS, QUEUES
from tickets.data.generator.issue_catalog import NETWORKING, SOFTWARE
from tickets.data.generator.issue_catalog_services import BILLING_SECURITY, SMART_HOME
from tickets.data.generator.issues import EMERGING_ISSUE, KB_GAP_ISSUE, IssueSpec

REGULAR_ISSUES: tuple[IssueSpec, ...] = NETWORKING + SOFTWARE + BILLING_SECURITY + SMART_HOME
PLANTED_ISSUES: tuple[IssueSpec, ...] = (EMERGING_ISSUE, KB_GAP_ISSUE)


@dataclass(frozen=True)
class Taxonomy:
    issues: tuple[IssueSpec, ...]
    products: tuple[str, ...]
    categories: tuple[str, ...]
    queues: tuple[str, ...]
    issue_product: np.ndarray
    issue_category: np.ndarray
    issue_queue: np.ndarray
    issue_share: np.ndarray  # share of its product's regular volume (0 for planted issues)
    issue_priority_cdf: np.ndarray  # (issues, 4) cumulative priority probabilities
    issue_complexity: np.ndarray
    issue_reopen: np.ndarray
    kb_ids: tuple[str, ...]  # per issue, "" when the issue has no KB article

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(spec.issue_id for spec in self.issues)

    def index(self, issue_id: str) -> int:
        return self.issue_ids.index(issue_id)

    def product_index(self, product: str) -> int:
        if product not in self.products:
            raise ValueError(f"unknown product {product!r}; products: {', '.join(self.products)}")
        return self.products.index(product)

    def queue_index(self, queue: str) -> int:
        if queue not in self.queues:
            raise ValueError(f"unknown queue {queue!r}; queues: {', '.join(self.queues)}")
        return self.queues.index(queue)


def build_taxonomy(with_planted: bool) -> Taxonomy:
    """Regular issues, plus the planted ones when anomalies are planted."""
    issues = REGULAR_ISSUES + (PLANTED_ISSUES if with_planted else ())
    products = tuple(p.name for p in PRODUCTS)
    categories = tuple(sorted(CATEGORY_QUEUE))
    queues = tuple(q.name for q in QUEUES)
    product_of = np.array([products.index(s.product) for s in issues], dtype=np.int16)
    weights = np.array([0.0 if s in PLANTED_ISSUES else s.weight for s in issues])
    totals = np.bincount(product_of, weights=weights, minlength=len(products))
    priority = np.array([s.priority for s in issues], dtype=np.float64)
    priority /= priority.sum(axis=1, keepdims=True)
    return Taxonomy(
        issues=issues,
        products=products,
        categories=categories,
        queues=queues,
        issue_product=product_of,
        issue_category=np.array([categories.index(s.category) for s in issues], dtype=np.int16),
        issue_queue=np.array(
            [queues.index(CATEGORY_QUEUE[s.category]) for s in issues], dtype=np.int16
        ),
        issue_share=weights / totals[product_of],
        issue_priority_cdf=np.cumsum(priority, axis=1),
        issue_complexity=np.array([s.complexity for s in issues]),
        issue_reopen=np.array([s.reopen_factor for s in issues]),
        kb_ids=_kb_ids(issues),
    )


def _kb_ids(issues: tuple[IssueSpec, ...]) -> tuple[str, ...]:
    ids, number = [], 0
    for spec in issues:
        if spec.has_kb:
            number += 1
            ids.append(f"KB-{number:04d}")
        else:
            ids.append("")
    return tuple(ids)


def sample_by_cdf(cdf: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Vectorised categorical draw: row-wise cumulative probabilities ``cdf`` (n, k)."""
    return np.minimum((u[:, None] >= cdf).sum(axis=1), cdf.shape[1] - 1)


@dataclass(frozen=True)
class GroupedSampler:
    """Draw one member per row from the row's group, in one ``searchsorted`` for all rows.

    The groups' cumulative member probabilities are concatenated, group g's shifted by g (it runs
    from g to g + 1), so ``g + u`` lands inside group g. Members are numbered in group order.
    """

    cdfs: np.ndarray
    last: np.ndarray  # index of each group's last member

    @classmethod
    def from_weights(cls, weights_by_group: list[np.ndarray]) -> GroupedSampler:
        parts, last, end = [], [], -1
        for g, weights in enumerate(weights_by_group):
            cdf = np.cumsum(weights, dtype=np.float64) / float(np.sum(weights))
            cdf[-1] = 1.0
            parts.append(g + cdf)
            end += len(weights)
            last.append(end)
        return cls(np.concatenate(parts), np.asarray(last, dtype=np.int64))

    def draw(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.cdfs, group + u, side="right")
        return np.minimum(index, self.last[group])
