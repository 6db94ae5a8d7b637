"""GNN association: hand cases where greedy nearest neighbour goes wrong, and a dense reference."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from bastion.tracking.gating import gate, gate_threshold
from bastion.tracking.gnn import gnn_assign


def pairs_of(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (track, det, cost) rows from a matrix with NaN where a pair is outside the gate."""
    track, det = np.nonzero(~np.isnan(cost))
    return track, det, cost[track, det]


def assigned(track: np.ndarray, det: np.ndarray) -> list[tuple[int, int]]:
    return sorted(zip(track.tolist(), det.tolist(), strict=True))


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
    cost = np.array([[1.0, 2.0], [2.0, 10.0]])
    assert greedy(cost) == [(0, 0), (1, 1)]  # total 11
    got = gnn_assign(*pairs_of(cost), 2, 2)
    assert assigned(*got) == [(0, 1), (1, 0)]  # total 4


def test_gated_out_pair_is_never_assigned_and_cardinality_comes_first() -> None:
    # Track 1 only gates detection 0: greedy gives track 0 that detection and strands track 1.
    cost = np.array([[1.0, 2.0, np.nan], [3.0, np.nan, np.nan], [np.nan, np.nan, np.nan]])
    assert greedy(cost) == [(0, 0)]
    assert assigned(*gnn_assign(*pairs_of(cost), 3, 3)) == [(0, 1), (1, 0)]


def test_geometric_case_through_the_gate() -> None:
    # Along east, S = 400 I for every pair: tracks at 0 and 30 m, detections at 20 and 50 m.
    # d² = [[1, 6.25], [0.25, 1]]: greedy takes (1, 0) then (0, 1), total 6.5; optimal total 2.
    zhat = np.array([[0.0, 0.0, 0.0], [30.0, 0.0, 0.0]])
    z = np.array([[20.0, 0.0, 0.0], [50.0, 0.0, 0.0]])
    half = np.broadcast_to(200.0 * np.eye(3), (2, 3, 3))
    pairs = gate(zhat, half, z, half, gate_threshold(0.999, 3))
    cost = np.full((2, 2), np.nan)
    cost[pairs.track, pairs.det] = pairs.d2 + pairs.log_det_s
    assert greedy(cost) == [(0, 1), (1, 0)]
    got = gnn_assign(pairs.track, pairs.det, pairs.d2 + pairs.log_det_s, 2, 2)
    assert assigned(*got) == [(0, 0), (1, 1)]


def dense_reference(cost: np.ndarray) -> list[tuple[int, int]]:
    """One linear_sum_assignment over the whole N×M matrix, 10⁹ outside the gates, then dropped."""
    gated = ~np.isnan(cost)
    rows, cols = linear_sum_assignment(np.where(gated, cost, 1e9))
    keep = gated[rows, cols]
    return sorted(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))


def random_gated_costs(seed: int, n: int, m: int) -> np.ndarray:
    """Costs with NaN outside the gates; gates from nearness on a line give clusters of every
    shape: singletons, one track with many detections, chains and real rivalries."""
    rng = np.random.default_rng(seed)
    gap = np.abs(rng.uniform(0.0, 100.0, (n, 1)) - rng.uniform(0.0, 100.0, (1, m)))
    return np.where(gap < 1.5, rng.uniform(-5.0, 20.0, (n, m)), np.nan)


@pytest.mark.parametrize("seed", range(5))
def test_clustered_assignment_equals_dense_reference(seed: int) -> None:
    cost = random_gated_costs(seed, 80, 100)
    got = gnn_assign(*pairs_of(cost), 80, 100)
    expected = dense_reference(cost)
    assert assigned(*got) == expected
    assert len(expected) > 40


def test_no_pairs() -> None:
    empty = np.empty(0, dtype=np.intp)
    got = gnn_assign(empty, empty, np.empty(0), 3, 4)
    assert got[0].size == 0
    assert got[1].size == 0
