"""Ranking-quality metrics: pure functions on lists of names, no package needed.

Used by `benchmarks/quality.py` and `tests/test_quality.py`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence


def precision_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the first `k` places held by relevant items (a short list counts its gaps)."""
    if k <= 0:
        raise ValueError("k must be positive")
    wanted = set(relevant)
    return sum(1 for name in ranked[:k] if name in wanted) / k


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with the usual exponential gain: (2^g - 1) / log2(rank + 1)."""
    return sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(gains, 1))


def ndcg_at_k(ranked: Sequence[str], graded: Mapping[str, float], k: int) -> float:
    """DCG of the first `k` places over the DCG of the best possible order (0..1)."""
    if k <= 0:
        raise ValueError("k must be positive")
    ideal = dcg(sorted((g for g in graded.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        raise ValueError("graded has no positive grade: nDCG is undefined")
    return dcg([graded.get(name, 0) for name in ranked[:k]]) / ideal


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
