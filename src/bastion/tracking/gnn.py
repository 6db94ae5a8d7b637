"""Global nearest neighbour (GNN) association: one detection per track, one track per detection.

Each gated pair (i, j) has a cost c_ij relative to leaving both unpaired (track i missed,
detection j clutter or a new object); the tracker passes the negative log-likelihood ratio

    c_ij = −ln(P_D N(ν_ij; 0, S_ij) / λ) + ln(1 − P_D)

(Blackman and Popoli, 1999, §6), so GNN picks the most probable assignment hypothesis: the set
of pairs, no track or detection used twice, with the least total cost. A pair with c_ij ≥ 0 is
never worth taking and is dropped first; nothing forces a track to take some detection in its
gate (forcing the largest number of pairs would let a track born from clutter take a target's
detection and push the target's own track onto clutter). On one dense matrix this is
``scipy.optimize.linear_sum_assignment`` with cost 0 outside the gates, those pairs dropped
afterwards: a full assignment of that matrix costs exactly what its gated pairs cost, so its
optimum is the optimal partial assignment.

Pairs in different connected components of the gate graph cannot compete, so the problem splits
into clusters: a cluster with a single track or a single detection takes its cheapest pair
(vectorised over all such clusters), and only clusters with rivalry on both sides go to
``linear_sum_assignment``, each on its own small dense matrix. When no track and no detection
appears in two pairs (the common case in a sparse scene) every pair is its own cluster and is
taken as it is.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

#: Up to this many (track, detection) cells, one dense assignment beats splitting into clusters.
DENSE_CELLS = 1024


def assign_dense(track: np.ndarray, det: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Indices of the least-cost partial assignment of pairs (K,) with negative costs, solved
    on one dense matrix (cost 0 where no pair)."""
    t_ids, t_loc = np.unique(track, return_inverse=True)
    d_ids, d_loc = np.unique(det, return_inverse=True)
    dense = np.zeros((t_ids.size, d_ids.size))
    where = np.full(dense.shape, -1)
    dense[t_loc, d_loc] = cost
    where[t_loc, d_loc] = np.arange(track.size)
    rows, cols = linear_sum_assignment(dense)
    chosen = where[rows, cols]
    return chosen[chosen >= 0]


def gnn_assign(
    track: np.ndarray, det: np.ndarray, cost: np.ndarray, n_tracks: int, n_dets: int
) -> np.ndarray:
    """Indices, in increasing order, of the assigned pairs among gated pairs (track, det) (K,)
    whose costs (K,) are relative to leaving the pair's track and detection unassigned."""
    pair = np.flatnonzero(cost < 0.0)
    track, det, cost = track[pair], det[pair], cost[pair]
    per_track = np.bincount(track, minlength=n_tracks)
    per_det = np.bincount(det, minlength=n_dets)
    if pair.size == 0 or (per_track.max() <= 1 and per_det.max() <= 1):
        return pair  # no rivalry at all: every pair is its own cluster
    if np.count_nonzero(per_track) * np.count_nonzero(per_det) <= DENSE_CELLS:
        return np.sort(pair[assign_dense(track, det, cost)])
    n = n_tracks + n_dets
    graph = coo_array((np.ones(track.size), (track, n_tracks + det)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    cluster = label[track]
    n_tracks_in = np.bincount(label[np.unique(track)], minlength=n)
    n_dets_in = np.bincount(label[n_tracks + np.unique(det)], minlength=n)
    single = (n_tracks_in[cluster] == 1) | (n_dets_in[cluster] == 1)

    idx = np.flatnonzero(single)
    idx = idx[np.lexsort((cost[idx], cluster[idx]))]
    first = np.ones(idx.size, dtype=bool)
    first[1:] = cluster[idx[1:]] != cluster[idx[:-1]]
    out = [idx[first]]

    idx = np.flatnonzero(~single)
    idx = idx[np.argsort(cluster[idx], kind="stable")]
    for part in np.split(idx, np.flatnonzero(np.diff(cluster[idx])) + 1):
        out.append(part[assign_dense(track[part], det[part], cost[part])])
    return np.sort(pair[np.concatenate(out)])
