"""GNN association: hand cases where greedy nearest neighbour goes wrong, a brute-force check
of the most probable assignment, and a dense reference for the clustering."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from bastion.tracking import gnn as gnn_module
from bastion.tracking import kalman
from bastion.tracking.gating import gate, gate_threshold
from bastion.tracking.gnn import gnn_assign


def pairs_of(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (track, det, cost) rows from a matrix with NaN where a pair is outside the gate."""
    track, det = np.nonzero(~np.isnan(cost))
    return track, det, cost[track, det]


def assigned(track: np.ndarray, det: np.ndarray) -> list[tuple[int, int]]:
    return sorted(zip(track.tolist(), det.tolist(), strict=True))


def gnn(track: np.ndarray, det: np.ndarray, cost: np.ndarray, n: int, m: int):
    """The (track, detection) pairs GNN picks, from the indices of the pairs it returns."""
    chosen = gnn_assign(track, det, cost, n, m)
    return assigned(track[chosen], det[chosen])


def greedy(cost: np.ndarray) -> list[tuple[int, int]]:
    """Greedy nearest neighbour: repeatedly take the cheapest remaining pair."""
    cost = np.where(np.isnan(cost), np.inf, cost)
    out = []
    while np.isfinite(cost).any():
        i, j = np.unravel_index(np.argmin(cost), cost.shape)
        out.append((int(i), int(j)))
        cost[i, :] = np.inf
        cost[:, j] = np.inf
    return sorted(out)


def test_optimal_where_greedy_is_wrong() -> None:
    cost = np.array([[-10.0, -9.0], [-9.0, -1.0]])
    assert greedy(cost) == [(0, 0), (1, 1)]  # total −11
    assert gnn(*pairs_of(cost), 2, 2) == [(0, 1), (1, 0)]  # total −18


def test_no_track_is_forced_onto_a_detection() -> None:
    # Track 0 gates its target's detection 0 (−10) and a clutter detection 1 (−1); track 1, born
    # from clutter, gates only detection 0 (−2). Pairing both tracks (−3) is less probable than
    # track 0 on its own detection (−10); a pair that costs more than leaving it (≥ 0) is never
    # taken, and a gated-out pair (NaN) never either.
    cost = np.array([[-10.0, -1.0, np.nan], [-2.0, np.nan, 0.5], [np.nan, np.nan, np.nan]])
    assert gnn(*pairs_of(cost), 3, 3) == [(0, 0)]


def test_geometric_case_through_the_gate() -> None:
    # Along east, S = 400 I for every pair: tracks at 0 and 30 m, detections at 20 and 50 m.
    # d² = [[1, 6.25], [0.25, 1]]: greedy takes (1, 0) then (0, 1), total 6.5; optimal total 2.
    # Cost: ln(1 − P_D) − ln(P_D N(ν; 0, S) / λ), P_D = 0.9, λ = 1e-9 per m³ (all negative).
    zhat = np.array([[0.0, 0.0, 0.0], [30.0, 0.0, 0.0]])
    z = np.array([[20.0, 0.0, 0.0], [50.0, 0.0, 0.0]])
    half = np.broadcast_to(200.0 * np.eye(3), (2, 3, 3))
    pairs = gate(zhat, half, z, half, gate_threshold(0.999, 3))
    ll = kalman.log_likelihood(pairs.d2, pairs.log_det_s, 3)
    pair_cost = np.log(0.1) - (np.log(0.9) + ll - np.log(1e-9))
    assert np.all(pair_cost < 0.0)
    cost = np.full((2, 2), np.nan)
    cost[pairs.track, pairs.det] = pair_cost
    assert greedy(cost) == [(0, 1), (1, 0)]
    assert gnn(pairs.track, pairs.det, pair_cost, 2, 2) == [(0, 0), (1, 1)]


def brute_force(cost: np.ndarray) -> tuple[float, list[tuple[int, int]]]:
    """Least total cost over every partial assignment of the gated pairs (NaN: not gated)."""
    n, m = cost.shape
    best: tuple[float, list[tuple[int, int]]] = (0.0, [])
    for k in range(1, min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.permutations(range(m), k):
                total = sum(cost[i, j] for i, j in zip(rows, cols, strict=True))
                if total < best[0]:
                    best = (total, sorted(zip(rows, cols, strict=True)))
    return best


@pytest.mark.parametrize("seed", range(20))
def test_assignment_is_the_least_cost_partial_assignment(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 5, 2)
    cost = np.where(rng.random((n, m)) < 0.7, rng.uniform(-6.0, 3.0, (n, m)), np.nan)
    total, expected = brute_force(cost)
    got = gnn(*pairs_of(cost), n, m)
    assert sum(cost[i, j] for i, j in got) == pytest.approx(total)
    assert got == expected


def dense_reference(cost: np.ndarray) -> list[tuple[int, int]]:
    """One linear_sum_assignment over the whole N×M matrix, cost 0 outside the gates and for
    pairs not worth taking, those dropped afterwards."""
    worth = ~np.isnan(cost) & (np.nan_to_num(cost) < 0.0)
    rows, cols = linear_sum_assignment(np.where(worth, cost, 0.0))
    keep = worth[rows, cols]
    return sorted(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))


def random_gated_costs(seed: int, n: int, m: int) -> np.ndarray:
    """Costs with NaN outside the gates; gates from nearness on a line give clusters of every
    shape: singletons, one track with many detections, chains and real rivalries."""
    rng = np.random.default_rng(seed)
    gap = np.abs(rng.uniform(0.0, 100.0, (n, 1)) - rng.uniform(0.0, 100.0, (1, m)))
    return np.where(gap < 1.5, rng.uniform(-20.0, 5.0, (n, m)), np.nan)


@pytest.mark.parametrize("dense_cells", [0, 10**9])  # split into clusters; one dense matrix
@pytest.mark.parametrize("seed", range(5))
def test_assignment_equals_dense_reference(
    seed: int, dense_cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gnn_module, "DENSE_CELLS", dense_cells)
    cost = random_gated_costs(seed, 80, 100)
    expected = dense_reference(cost)
    assert gnn(*pairs_of(cost), 80, 100) == expected
    assert len(expected) > 40


def test_no_pairs() -> None:
    empty = np.empty(0, dtype=np.intp)
    assert gnn_assign(empty, empty, np.empty(0), 3, 4).size == 0
