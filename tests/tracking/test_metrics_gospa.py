"""GOSPA and OSPA against hand-computed cases, a brute-force reference and Stone Soup."""

from __future__ import annotations

import datetime
import itertools

import numpy as np
import pytest

from bastion.tracking.metrics import gospa, ospa


def brute_gospa(x: np.ndarray, y: np.ndarray, c: float, p: float, alpha: float) -> float:
    """The definition itself: best permutation of the larger set, cut-off distances."""
    if len(x) > len(y):
        x, y = y, x
    n, m = len(x), len(y)
    best = np.inf
    for perm in itertools.permutations(range(m), n):
        cost = sum(min(np.linalg.norm(x[i] - y[j]), c) ** p for i, j in enumerate(perm))
        best = min(best, cost)
    if n == 0:
        best = 0.0
    return float((best + c**p / alpha * (m - n)) ** (1.0 / p))


def test_identical_sets_score_zero():
    x = np.array([[0.0, 0.0], [500.0, 0.0]])
    r = gospa(x, x.copy())
    assert r.total == 0.0
    assert (r.n_assigned, r.n_missed, r.n_false) == (2, 0, 0)


def test_hand_computed_mixed_case():
    # Truths at 0 and 1000 m; tracks at 30 m (near truth 0), 1040 m (near truth 1000), 5000 m.
    truth = np.array([[0.0, 0.0], [1000.0, 0.0]])
    track = np.array([[30.0, 0.0], [1040.0, 0.0], [5000.0, 0.0]])
    r = gospa(truth, track, c=100.0, p=2.0, alpha=2.0)
    assert r.localisation == pytest.approx(30.0**2 + 40.0**2)
    assert r.missed == 0.0
    assert r.false == pytest.approx(100.0**2 / 2)
    assert r.total == pytest.approx(np.sqrt(2500.0 + 5000.0))
    assert (r.n_assigned, r.n_missed, r.n_false) == (2, 0, 1)


def test_pair_beyond_cutoff_counts_as_missed_and_false():
    r = gospa(np.array([[0.0, 0.0, 0.0]]), np.array([[0.0, 150.0, 0.0]]), c=100.0)
    assert (r.n_assigned, r.n_missed, r.n_false) == (0, 1, 1)
    assert r.localisation == 0.0
    assert r.total == pytest.approx(100.0)


def test_empty_sets():
    assert gospa(np.empty((0, 3)), np.empty((0, 3))).total == 0.0
    r = gospa(np.zeros((3, 3)), np.empty((0, 3)), c=10.0, p=1.0)
    assert (r.n_missed, r.missed, r.total) == (3, 15.0, 15.0)
    assert ospa(np.zeros((2, 2)), np.empty((0, 2)), c=10.0) == pytest.approx(10.0)


def test_optimal_assignment_not_greedy():
    # Greedy nearest pairing would take (truth 0, track 0) at 10 m and leave truth 1 at 90 m;
    # the optimum crosses over at 50 m + 50 m (p = 2: 2500 + 2500 < 100 + 8100).
    truth = np.array([[0.0, 0.0], [60.0, 0.0]])
    track = np.array([[10.0, 0.0], [-50.0, 0.0]])
    r = gospa(truth, track, c=1000.0)
    assert r.localisation == pytest.approx(50.0**2 + 50.0**2)


@pytest.mark.parametrize("alpha", [2.0, 1.0])
@pytest.mark.parametrize("p", [1.0, 2.0])
def test_matches_brute_force(alpha, p):
    rng = np.random.default_rng(4)
    for _ in range(60):
        n, m = rng.integers(0, 5), rng.integers(0, 5)
        x = rng.uniform(0.0, 300.0, (n, 2))
        y = rng.uniform(0.0, 300.0, (m, 2))
        r = gospa(x, y, c=100.0, p=p, alpha=alpha)
        assert r.total == pytest.approx(brute_gospa(x, y, 100.0, p, alpha), abs=1e-9)
        assert r.localisation + r.missed + r.false == pytest.approx(r.total**p, abs=1e-6)
        assert r.n_assigned + r.n_missed == n and r.n_assigned + r.n_false == m


def test_ospa_matches_definition():
    rng = np.random.default_rng(5)
    for _ in range(40):
        n, m = rng.integers(1, 5), rng.integers(1, 5)
        x, y = rng.uniform(0, 300, (n, 2)), rng.uniform(0, 300, (m, 2))
        # OSPA^p · max(n, m) = GOSPA^p with alpha = 1.
        g = brute_gospa(x, y, 100.0, 2.0, 1.0)
        assert ospa(x, y, c=100.0, p=2.0) == pytest.approx(g / np.sqrt(max(n, m)))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="track_pos"):
        gospa(np.zeros((2, 3)), np.zeros((2, 2)) + np.nan)
    with pytest.raises(ValueError, match="coordinates per row"):
        gospa(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="alpha"):
        gospa(np.zeros((1, 2)), np.zeros((1, 2)), alpha=3.0)


def test_agrees_with_stone_soup():
    pytest.importorskip("stonesoup")
    from stonesoup.measures import Euclidean
    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    from stonesoup.types.state import State

    rng = np.random.default_rng(6)
    metric = GOSPAMetric(c=100.0, p=2.0, measure=Euclidean(mapping=(0, 1, 2)))
    now = datetime.datetime(2024, 1, 1)
    for _ in range(30):
        n, m = rng.integers(0, 12), rng.integers(0, 12)
        x = rng.uniform(0.0, 400.0, (n, 3))
        y = rng.uniform(0.0, 400.0, (m, 3))
        ss, _ = metric.compute_gospa_metric(
            [State(v[:, None], timestamp=now) for v in y],
            [State(v[:, None], timestamp=now) for v in x],
        )
        ours = gospa(x, y, c=100.0, p=2.0, alpha=2.0)
        assert ours.total == pytest.approx(ss.value["distance"], rel=1e-9, abs=1e-9)
        assert ours.localisation == pytest.approx(ss.value["localisation"], abs=1e-6)
        assert ours.missed == pytest.approx(ss.value["missed"], abs=1e-6)
        assert ours.false == pytest.approx(ss.value["false"], abs=1e-6)
