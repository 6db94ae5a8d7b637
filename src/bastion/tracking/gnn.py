"""Global nearest neighbour (GNN) association: one detection per track, one track per detection.

Given the gated pairs and their costs c_ij = d²_ij + ln|S_ij| (twice the negative log-likelihood
of the pair, up to a constant), GNN picks the assignment that first pairs as many tracks as the
gates allow and then has the least total cost. On one dense matrix this is
``scipy.optimize.linear_sum_assignment`` with a large finite cost B outside the gates, the
B-pairs dropped afterwards; with costs shifted to [0, span] and p = min(rows, cols),
B = p·(span + 1) exceeds any saving in real costs, so one more real pair always wins.

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


def assign_dense(cost: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optimal assignment on a dense cost matrix, using only the ``allowed`` (bool) pairs."""
    if not allowed.any():
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    c = cost[allowed]
    span = c.max() - c.min()
    big = min(cost.shape) * (span + 1.0)
    rows, cols = linear_sum_assignment(np.where(allowed, cost - c.min(), big))
    real = allowed[rows, cols]
    return rows[real], cols[real]


def gnn_assign(
    track: np.ndarray, det: np.ndarray, cost: np.ndarray, n_tracks: int, n_dets: int
) -> tuple[np.ndarray, np.ndarray]:
    """Assigned (track, detection) index pairs from gated pairs (K,) with costs (K,)."""
    if track.size == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    if np.unique(track).size == track.size and np.unique(det).size == det.size:
        return track, det  # no rivalry at all: every gated pair is its own cluster
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
    out_t, out_d = [track[idx[first]]], [det[idx[first]]]

    idx = np.flatnonzero(~single)
    idx = idx[np.argsort(cluster[idx], kind="stable")]
    for part in np.split(idx, np.flatnonzero(np.diff(cluster[idx])) + 1):
        t_ids, t_loc = np.unique(track[part], return_inverse=True)
        d_ids, d_loc = np.unique(det[part], return_inverse=True)
        dense = np.zeros((t_ids.size, d_ids.size))
        allowed = np.zeros(dense.shape, dtype=bool)
        dense[t_loc, d_loc] = cost[part]
        allowed[t_loc, d_loc] = True
        rows, cols = assign_dense(dense, allowed)
        out_t.append(t_ids[rows])
        out_d.append(d_ids[cols])
    return np.concatenate(out_t), np.concatenate(out_d)
