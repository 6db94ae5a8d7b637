"""Chi-square gating of (track, detection) pairs, pre-gated (by a kd-tree when there are many)
so that the exact test runs on nearby pairs only rather than on N tracks × M detections.

Pair (i, j) is in the gate when its squared Mahalanobis distance is below γ:

    ν = z_j − ẑ_i,   S = H P_i Hᵀ + R_j,   d² = νᵀ S⁻¹ ν ≤ γ = χ²_m⁻¹(P_G)

Pre-gate: d² ≥ |ν|² / λmax(S) and λmax(S) ≤ λmax(H P_i Hᵀ) + λmax(R_j), so every gated pair has
|ν| ≤ r_i = √(γ (λmax(H P_i Hᵀ) + max_j λmax(R_j))). A ball query of radius r_i about ẑ_i on a
kd-tree of the z_j therefore returns a superset of the gated pairs; the exact test runs on those
candidates only. The bound holds in any coordinates that are a fixed linear map of the
measurement space, so mixed units (m, rad, m/s) are first scaled by D = diag(√max_j R_j,cc):
ν' = D⁻¹ν, S' = D⁻¹ S D⁻¹ and d² is unchanged. An angle component (azimuth) wraps: its
innovation is taken in [−π, π), and the tree also holds copies of each detection shifted by
±2π in that component so that a pair across north is found.

With at most ``DENSE_PAIRS`` pairs in all (tens of tracks and detections: most batches of a
site's sensors) a per-component test on every pair is cheaper than building a tree: by
Cauchy-Schwarz d² ≥ ν_k² / S_kk for each component k, and S_kk = (H P_i Hᵀ)_kk + (R_j)_kk, so
every gated pair has ν_k² ≤ γ S_kk on every k. Either pre-gate gives its candidates in
(track, detection) order.

S is factored once per candidate by Cholesky, S = L Lᵀ, giving d² = |L⁻¹ν|² and ln|S| = 2 Σ ln Lₖₖ.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import gammaincinv

from bastion.tracking.measurement import wrap_angle

#: Up to this many track-detection pairs, the pre-gate tests every pair's components.
DENSE_PAIRS = 4096


class GatedPairs(NamedTuple):
    """Pairs inside the gate, one row each: track index, detection index, d², ln|S| (K,),
    and the innovation ν (K, m)."""

    track: np.ndarray
    det: np.ndarray
    d2: np.ndarray
    log_det_s: np.ndarray
    nu: np.ndarray

    def take(self, rows: np.ndarray) -> GatedPairs:
        return GatedPairs(*(field[rows] for field in self))


@lru_cache(maxsize=32)
def gate_threshold(probability: float, dim: int) -> float:
    """γ such that a true detection falls inside the gate with ``probability``.

    The chi-square quantile, χ²_k⁻¹(p) = 2 P⁻¹(k/2, p) with P the regularised lower incomplete
    gamma function (scipy.special, which loads far faster than scipy.stats at start-up).
    """
    return float(2.0 * gammaincinv(dim / 2.0, probability))


def candidate_pairs(
    zhat: np.ndarray,
    HPHt: np.ndarray,
    z: np.ndarray,
    R: np.ndarray,
    gamma: float,
    angle: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Track and detection indices (K,) of every pair that may pass the gate (a superset),
    sorted by track, then detection."""
    n_tracks, n_dets = zhat.shape[0], z.shape[0]
    if n_tracks * n_dets <= DENSE_PAIRS:
        nu = z[None, :, :] - zhat[:, None, :]  # (N, M, m)
        if angle is not None and angle.any():
            nu = np.where(angle, wrap_angle(nu), nu)
        s_kk = np.diagonal(HPHt, axis1=-2, axis2=-1)[:, None] + np.diagonal(R, axis1=-2, axis2=-1)
        inside = (nu**2 <= (gamma * (1.0 + 1e-9)) * s_kk).all(axis=-1)
        return np.nonzero(inside)
    scale = np.sqrt(np.diagonal(R, axis1=-2, axis2=-1).max(axis=0))
    scale = np.where(scale > 0.0, scale, 1.0)
    outer = scale[:, None] * scale[None, :]
    r_max = np.linalg.eigvalsh(R / outer)[:, -1].max()
    radius = np.sqrt(gamma * (np.linalg.eigvalsh(HPHt / outer)[:, -1] + r_max))
    points = z / scale
    if angle is not None and angle.any():
        shift = np.where(angle, 2.0 * np.pi, 0.0) / scale
        points = np.concatenate([points, points - shift, points + shift])
    near = cKDTree(points).query_ball_point(zhat / scale, radius)
    counts = np.fromiter(map(len, near), dtype=np.intp, count=len(near))
    tracks = np.repeat(np.arange(zhat.shape[0]), counts)
    dets = np.fromiter(itertools.chain.from_iterable(near), dtype=np.intp, count=counts.sum())
    if points.shape[0] > n_dets:  # copies map back to their detection, each pair once
        dets = dets % n_dets
        code = np.unique(tracks * n_dets + dets)
        tracks, dets = code // n_dets, code % n_dets
    return tracks, dets


def mahalanobis(nu: np.ndarray, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """d² = νᵀ S⁻¹ ν and ln|S| for stacked ν (K, m), S (K, m, m)."""
    L = np.linalg.cholesky(S)
    w = np.linalg.solve(L, nu[..., None])[..., 0]
    return np.sum(w**2, axis=-1), 2.0 * np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)


def gate(
    zhat: np.ndarray,
    HPHt: np.ndarray,
    z: np.ndarray,
    R: np.ndarray,
    gamma: float,
    angle: np.ndarray | None = None,
) -> GatedPairs:
    """Pairs with d² ≤ γ of tracks (ẑ (N, m), H P Hᵀ (N, m, m)) and detections (z, R); the
    components flagged in ``angle`` (m,) bool are wrapped."""
    tracks, dets = candidate_pairs(zhat, HPHt, z, R, gamma, angle)
    if tracks.size == 0:
        return GatedPairs(tracks, dets, np.zeros(0), np.zeros(0), np.zeros((0, z.shape[-1])))
    nu = z[dets] - zhat[tracks]
    if angle is not None and angle.any():
        nu = np.where(angle, wrap_angle(nu), nu)
    d2, log_det = mahalanobis(nu, HPHt[tracks] + R[dets])
    inside = d2 <= gamma
    return GatedPairs(tracks[inside], dets[inside], d2[inside], log_det[inside], nu[inside])


def clear_pairs(
    det: np.ndarray, log_likelihood: np.ndarray, n_dets: int, share: float
) -> np.ndarray:
    """Mask of the pairs (detection index ``det``, ln N(ν; 0, S) ``log_likelihood``) whose
    detection's most likely track holds at least ``share`` of the likelihood of all the tracks
    in its gate, L_best / Σ L. A bearing is a ray: every track along it is in its gate, and
    the one nearest it by chance would otherwise take another object's bearing (and its RF
    or EO evidence)."""
    if det.size == 0:
        return np.zeros(0, dtype=bool)
    best = np.full(n_dets, -np.inf)
    np.maximum.at(best, det, log_likelihood)
    total = np.bincount(det, np.exp(log_likelihood - best[det]), minlength=n_dets)
    return total[det] * share <= 1.0  # 1 / Σ ≥ share
