"""Joint probabilistic data association (JPDA): marginal association probabilities.

A joint event θ gives each track at most one gated detection and each detection at most one
track. With detection probability P_D, gate probability P_G and clutter density λ in the
measurement space, its probability is

    P(θ) ∝ Π_{i assigned j} ψ_ij,   ψ_ij = P_D N(ν_ij; 0, S_ij) / (λ (1 − P_D P_G))

(a missed track contributes 1, after dividing every event by Π_i (1 − P_D P_G)). The tracker
needs the marginals β_ij = Σ_{θ ∋ (i,j)} P(θ) and β_i0 = 1 − Σ_j β_ij.

Cost stays near linear in the number of targets because tracks only interact through shared
detections: the gate graph splits into connected clusters, solved independently.

- Clusters that are trees (in the common sparse scene, a single track with its gated
  detections) are solved exactly by loopy belief propagation (Williams and Lau, 2014), run
  vectorised over every edge of every cluster at once; on a tree it converges to the exact
  marginals. With μ_ij track-to-detection and ν_ji detection-to-track messages::

      μ_ij = ψ_ij / (1 + Σ_{j'≠j} ψ_ij' ν_j'i),   ν_ji = 1 / (1 + Σ_{i'≠i} μ_i'j)
      β_ij = ψ_ij ν_ji / (1 + Σ_j' ψ_ij' ν_j'i)

- Clusters with cycles (two tracks that share two detections ...) are enumerated exactly when
  they have at most ``max_events`` joint events (each track's options multiplied, an upper
  bound), otherwise they keep the belief-propagation marginals, a close approximation whose
  error Williams and Lau bound; the enumeration builds every event as an array row, track by
  track, dropping rows that reuse a detection.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

#: Largest number of joint events enumerated exactly in one cluster with cycles.
MAX_EVENTS = 20_000


def _lbp(
    track: np.ndarray,
    det: np.ndarray,
    psi: np.ndarray,
    n_tracks: int,
    n_dets: int,
    iterations: int = 200,
    tol: float = 1e-10,
) -> np.ndarray:
    """Belief-propagation marginals β_ij (K,) of the edges (track, det) with weights ψ."""
    nu = np.ones(track.size)
    for _ in range(iterations):
        s = np.bincount(track, psi * nu, minlength=n_tracks)
        mu = psi / (1.0 + s[track] - psi * nu)
        m = np.bincount(det, mu, minlength=n_dets)
        nu_new = 1.0 / (1.0 + m[det] - mu)
        done = np.max(np.abs(nu_new - nu)) < tol
        nu = nu_new
        if done:
            break
    s = np.bincount(track, psi * nu, minlength=n_tracks)
    return psi * nu / (1.0 + s[track])


def _enumerate(t_loc: np.ndarray, d_loc: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """Exact marginals of the K edges of one cluster (local track and detection indices)."""
    n_t = int(t_loc.max()) + 1
    # events: (E, n_t) detection per track (-1: missed), weight (E,).
    events = np.full((1, 0), -1, dtype=np.intp)
    weight = np.ones(1)
    for i in range(n_t):
        edges = np.flatnonzero(t_loc == i)
        opts = np.concatenate([[-1], d_loc[edges]])
        w_opt = np.concatenate([[1.0], psi[edges]])
        rep = np.repeat(events, opts.size, axis=0)
        pick = np.tile(opts, events.shape[0])
        clash = (pick[:, None] == rep).any(axis=1) & (pick >= 0)
        events = np.column_stack([rep, pick])[~clash]
        weight = (np.repeat(weight, opts.size) * np.tile(w_opt, weight.size))[~clash]
    weight = weight / weight.sum()
    return np.array([weight[events[:, t] == d].sum() for t, d in zip(t_loc, d_loc, strict=True)])


def jpda_marginals(
    track: np.ndarray,
    det: np.ndarray,
    log_psi: np.ndarray,
    n_tracks: int,
    n_dets: int,
    max_events: int = MAX_EVENTS,
) -> tuple[np.ndarray, np.ndarray]:
    """β_ij (K,) for the gated pairs (track, det) with ln ψ_ij (K,), and β_i0 (n_tracks,)."""
    if track.size == 0:
        return np.zeros(0), np.ones(n_tracks)
    psi = np.exp(np.minimum(log_psi, 700.0))
    beta = _lbp(track, det, psi, n_tracks, n_dets)
    n = n_tracks + n_dets
    graph = coo_array((np.ones(track.size), (track, n_tracks + det)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    cluster = label[track]
    edges = np.bincount(cluster, minlength=n)
    used = np.concatenate([np.unique(track), n_tracks + np.unique(det)])
    nodes = np.bincount(label[used], minlength=n)
    degree = np.bincount(track, minlength=n_tracks)
    log_events = np.bincount(label[:n_tracks], np.log1p(degree), minlength=n)
    loopy = np.flatnonzero((edges >= nodes) & (edges > 0) & (log_events <= np.log(max_events)))
    for c in loopy:
        k = np.flatnonzero(cluster == c)
        _, t_loc = np.unique(track[k], return_inverse=True)
        beta[k] = _enumerate(t_loc, det[k], psi[k])
    beta0 = 1.0 - np.bincount(track, beta, minlength=n_tracks)
    return beta, np.clip(beta0, 0.0, 1.0)
