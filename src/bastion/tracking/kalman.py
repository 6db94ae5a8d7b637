"""The Kalman measurement update, batched over a leading axis, from measurement moments.

Every filter here (linear, extended, unscented) predicts a measurement ẑ with covariance P_zz
and state-measurement cross-covariance P_xz; with measurement noise R:

    S = P_zz + R,   K = P_xz S⁻¹,   x⁺ = x⁻ + K ν,   P⁺ = P⁻ − K S Kᵀ,   ν = z − ẑ

(linear or EKF: P_zz = H P⁻ Hᵀ, P_xz = P⁻ Hᵀ). K comes from a batched solve with S rather
than an explicit inverse, and P⁺ is symmetrised against rounding.

The unscented variants (the CT prediction, the polar UKF) propagate the 2n symmetric sigma
points x ± √n·Lᵢ (L Lᵀ = P, Lᵢ its columns), each weighing 1/(2n): the scaled unscented
transform with α = 1, β = 0, κ = 0, whose covariance stays positive semi-definite.

Gaussian log-likelihood of an innovation, used by association, IMM and track scores:

    ln N(ν; 0, S) = −(d² + ln|S| + m ln 2π) / 2,   d² = νᵀ S⁻¹ ν
"""

from __future__ import annotations

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))


def _t(a: np.ndarray) -> np.ndarray:
    """Transpose the last two axes of a stack of matrices."""
    return np.swapaxes(a, -1, -2)


def gain_update(
    x: np.ndarray, P: np.ndarray, nu: np.ndarray, Pxz: np.ndarray, S: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """x (N, n), P (N, n, n) updated by innovations ν (N, m), P_xz (N, n, m), S (N, m, m)."""
    K = _t(np.linalg.solve(S, _t(Pxz)))  # S symmetric: (S⁻¹ P_zx)ᵀ = P_xz S⁻¹
    x_new = x + (K @ nu[..., None])[..., 0]
    P_new = P - K @ S @ _t(K)
    return x_new, 0.5 * (P_new + _t(P_new))


def update(
    x: np.ndarray, P: np.ndarray, nu: np.ndarray, H: np.ndarray, R: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Linear update: fold ν (N, m) with H (N, m, n) and R (N, m, m) into x, P."""
    PHt = P @ _t(H)
    return gain_update(x, P, nu, PHt, H @ PHt + R)


def sigma_offsets(P: np.ndarray) -> np.ndarray:
    """Offsets ±√n·Lᵢ of the 2n sigma points from the mean (N, 2n, n), for P (N, n, n)."""
    L = np.linalg.cholesky(P) * np.sqrt(P.shape[-1])
    return np.concatenate([_t(L), -_t(L)], axis=1)  # columns of L as rows


def log_likelihood(d2: np.ndarray, log_det_s: np.ndarray, m: int) -> np.ndarray:
    """ln N(ν; 0, S) from d² = νᵀS⁻¹ν and ln|S| of an m-dimensional innovation."""
    return -0.5 * (d2 + log_det_s + m * LOG_2PI)


def moment_match(w: np.ndarray, x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Gaussian with the moments of a mixture: weights w (N, r) summing to 1 over r,
    components x (N, r, n), P (N, r, n, n):  x̄ = Σ w x,  P̄ = Σ w (P + (x − x̄)(x − x̄)ᵀ)."""
    xm = np.einsum("nr,nri->ni", w, x)
    d = x - xm[:, None, :]
    Pm = np.einsum("nr,nrij->nij", w, P + d[..., :, None] * d[..., None, :])
    return xm, Pm
