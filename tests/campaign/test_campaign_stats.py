"""Confidence intervals: textbook values, and coverage checked exactly or with a fixed seed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from bastion.campaign.stats import mean_interval, wilson_interval


def test_t_interval_known_value() -> None:
    # 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445 -> half-width 1.963243.
    e = mean_interval(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert e.n == 5 and e.mean == 3.0
    assert e.low == pytest.approx(3 - 1.963243, abs=1e-6)
    assert e.high == pytest.approx(3 + 1.963243, abs=1e-6)


def test_t_interval_edge_cases() -> None:
    assert mean_interval(np.array([4.0, 4.0, 4.0])).low == 4.0  # no spread, no width
    one = mean_interval(np.array([2.0, np.nan]))  # missing values are not counted
    assert one.n == 1 and one.mean == 2.0 and math.isnan(one.low)
    assert mean_interval(np.array([])).n == 0


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857, Table II, method 3 (Wilson score).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(k: int, n: int, low: float, high: float) -> None:
    e = wilson_interval(k, n)
    assert e.mean == k / n
    assert e.low == pytest.approx(low, abs=5e-5) and e.high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize("n", range(1, 60))
def test_wilson_interval_contains_the_proportion_exactly_at_the_ends(n: int) -> None:
    none, every = wilson_interval(0, n), wilson_interval(n, n)
    assert none.low == 0.0 == none.mean and every.high == 1.0 == every.mean
    for k in range(n + 1):
        e = wilson_interval(k, n)
        assert e.low <= e.mean <= e.high


def _exact_coverage(interval, n: int, p: float) -> float:
    """P(interval covers p) summed over every outcome k of Binomial(n, p)."""
    covered = [interval(k, n).low <= p <= interval(k, n).high for k in range(n + 1)]
    return float(np.sum(stats.binom.pmf(np.arange(n + 1), n, p)[covered]))


def test_wilson_coverage_is_near_nominal_where_the_textbook_interval_fails() -> None:
    def wald(k: int, n: int):
        half = 1.959964 * math.sqrt(k / n * (1 - k / n) / n)
        return type("E", (), {"low": k / n - half, "high": k / n + half})

    ps = np.linspace(0.02, 0.98, 49)
    wilson = np.array([_exact_coverage(wilson_interval, 30, p) for p in ps])
    textbook = np.array([_exact_coverage(wald, 30, p) for p in ps])
    assert 0.93 < wilson.mean() < 0.96 and wilson.min() > 0.83
    assert textbook.mean() < 0.92 and textbook.min() < 0.6  # what Wilson is chosen over


def test_t_interval_covers_the_mean_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(20260101)
    samples = rng.normal(5.0, 2.0, size=(4000, 10))
    covered = [(e := mean_interval(s)).low <= 5.0 <= e.high for s in samples]
    # Binomial(4000, 0.95): sd 0.0034; allow about 4 sd.
    assert abs(np.mean(covered) - 0.95) < 0.014
