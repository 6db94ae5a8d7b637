"""Chi-square gating of (track, detection) pairs, pre-gated by a kd-tree so work follows the
number of nearby pairs rather than N tracks × M detections.

Pair (i, j) is in the gate when its squared Mahalanobis distance is below γ:

    ν = z_j − ẑ_i,   S = H P_i Hᵀ + R_j,   d² = νᵀ S⁻¹ ν ≤ γ = χ²_m⁻¹(P_G)

Pre-gate: d² ≥ |ν|² / λmax(S) and λmax(S) ≤ λmax(H P_i Hᵀ) + λmax(R_j), so every gated pair has
|ν| ≤ r_i = √(γ (λmax(H P_i Hᵀ) + max_j λmax(R_j))). A ball query of radius r_i about ẑ_i on a
kd-tree of the z_j therefore returns a superset of the gated pairs (the bound needs a Euclidean
measurement space, as converted ENU positions are); the exact test runs on those candidates only.
S is factored once per candidate by Cholesky, S = L Lᵀ, giving d² = |L⁻¹ν|² and ln|S| = 2 Σ ln Lₖₖ.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import gammaincinv


class GatedPairs(NamedTuple):
    """Pairs inside the gate, one row each (K,): track index, detection index, d², ln|S|."""

    track: np.ndarray
    det: np.ndarray
    d2: np.ndarray
    log_det_s: np.ndarray


def gate_threshold(probability: float, dim: int) -> float:
    """γ such that a true detection falls inside the gate with ``probability``.

    The chi-square quantile, χ²_k⁻¹(p) = 2 P⁻¹(k/2, p) with P the regularised lower incomplete
    gamma function (scipy.special, which loads far faster than scipy.stats at start-up).
    """
    return float(2.0 * gammaincinv(dim / 2.0, probability))


def candidate_pairs(
    zhat: np.ndarray, HPHt: np.ndarray, z: np.ndarray, R: np.ndarray, gamma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Track and detection indices (K,) of every pair that may pass the gate (a superset)."""
    if zhat.shape[0] == 0 or z.shape[0] == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    r_max = np.linalg.eigvalsh(R)[:, -1].max()
    radius = np.sqrt(gamma * (np.linalg.eigvalsh(HPHt)[:, -1] + r_max))
    near = cKDTree(z).query_ball_point(zhat, radius)
    counts = np.fromiter(map(len, near), dtype=np.intp, count=len(near))
    tracks = np.repeat(np.arange(zhat.shape[0]), counts)
    dets = np.fromiter(itertools.chain.from_iterable(near), dtype=np.intp, count=counts.sum())
    return tracks, dets


def mahalanobis(nu: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d² = νᵀ S⁻¹ ν and ln|S| for stacked ν (K, m), S (K, m, m)."""
    L = np.linalg.cholesky(S)
    w = np.linalg.solve(L, nu[..., None])[..., 0]
    return np.sum(w**2, axis=-1), 2.0 * np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)


def gate(
    zhat: np.ndarray, HPHt: np.ndarray, z: np.ndarray, R: np.ndarray, gamma: float
) -> GatedPairs:
    """Pairs with d² ≤ γ of tracks (ẑ (N, m), H P Hᵀ (N, m, m)) and detections (z, R)."""
    tracks, dets = candidate_pairs(zhat, HPHt, z, R, gamma)
    d2, log_det = mahalanobis(z[dets] - zhat[tracks], HPHt[tracks] + R[dets])
    inside = d2 <= gamma
    return GatedPairs(tracks[inside], dets[inside], d2[inside], log_det[inside])
