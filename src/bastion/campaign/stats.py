"""Confidence intervals for campaign figures: Student t for means, Wilson for proportions.

Mean of n runs x_1..x_n, sample standard deviation s:

    x̄ ± t_{n-1, 1-α/2} · s / √n

(exact for normal data, asymptotically right for any finite variance; counts such as leakers are
close enough from a few tens of runs). Proportion of k successes in n runs (Wilson score):

    (k + z²/2) / (n + z²)  ±  z / (n + z²) · √(k (n - k) / n + z² / 4),   z = Φ⁻¹(1 - α/2)

which stays inside [0, 1] and keeps close to nominal coverage at k = 0 or k = n, where the
textbook p̂ ± z √(p̂(1-p̂)/n) collapses to a zero-width interval. A paired difference (the same
seeds under two parameter values, see seeds.py) is the t-interval of the per-seed differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its confidence interval (nan where n is too small to say)."""

    n: int
    mean: float
    low: float
    high: float


def mean_interval(values: np.ndarray, level: float = LEVEL) -> Estimate:
    """Mean and t-interval of the finite values; no interval below two values."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return Estimate(0, math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if n == 1:
        return Estimate(1, mean, math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return Estimate(n, mean, mean - half, mean + half)


def wilson_interval(successes: int, n: int, level: float = LEVEL) -> Estimate:
    """Proportion successes / n with its Wilson score interval."""
    if n == 0:
        return Estimate(0, math.nan, math.nan, math.nan)
    z = float(stats.norm.ppf(0.5 + level / 2))
    centre = (successes + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(successes * (n - successes) / n + z * z / 4)
    p = successes / n
    # Exact in theory, the bounds at k = 0 and k = n are p itself; clamp away rounding.
    return Estimate(n, p, min(max(0.0, centre - half), p), max(min(1.0, centre + half), p))
