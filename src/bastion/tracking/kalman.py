"""Constant-velocity motion and the linear Kalman filter, batched over a leading track axis.

State x = (e, n, u, ve, vn, vu) in the site ENU frame (m, m/s). Each axis is a constant-velocity
model driven by continuous white-noise acceleration of spectral density q = σ_a² (σ_a in m/s²);
discretised over a step dt (per track, so tracks of different ages share one call):

    F = [[I, dt·I],        Q = q·[[dt³/3·I, dt²/2·I],
         [0,    I]]               [dt²/2·I,    dt·I]]

    predict:  x⁻ = F x,   P⁻ = F P Fᵀ + Q            (dt = 0 leaves x and P unchanged)

A linear measurement z = H x + w, w ~ N(0, R), updates the prediction:

    ν = z − H x⁻,   S = H P⁻ Hᵀ + R,   K = P⁻ Hᵀ S⁻¹
    x⁺ = x⁻ + K ν,  P⁺ = (I − K H) P⁻ (I − K H)ᵀ + K R Kᵀ

The Joseph form of P⁺ keeps P symmetric positive definite under rounding, and K comes from a
batched solve with S rather than an explicit inverse.
"""

from __future__ import annotations

import numpy as np


def _t(a: np.ndarray) -> np.ndarray:
    """Transpose the last two axes of a stack of matrices."""
    return np.swapaxes(a, -1, -2)


def cv_transition(dt: np.ndarray) -> np.ndarray:
    """F for each step dt (N,) -> (N, 6, 6)."""
    dt = np.asarray(dt, dtype=float)
    F = np.broadcast_to(np.eye(6), (*dt.shape, 6, 6)).copy()
    idx = np.arange(3)
    F[..., idx, idx + 3] = dt[..., None]
    return F


def cv_process_noise(dt: np.ndarray, q: float) -> np.ndarray:
    """Q for each step dt (N,) with acceleration spectral density q (m²/s³) -> (N, 6, 6)."""
    dt = np.asarray(dt, dtype=float)
    Q = np.zeros((*dt.shape, 6, 6))
    idx = np.arange(3)
    Q[..., idx, idx] = (q * dt**3 / 3.0)[..., None]
    Q[..., idx, idx + 3] = Q[..., idx + 3, idx] = (q * dt**2 / 2.0)[..., None]
    Q[..., idx + 3, idx + 3] = (q * dt)[..., None]
    return Q


def cv_initiate(
    pos: np.ndarray, pos_cov: np.ndarray, speed_sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """States from single positions (M, 3), (M, 3, 3): velocity 0, std ``speed_sigma`` per axis."""
    m = pos.shape[0]
    x = np.zeros((m, 6))
    x[:, :3] = pos
    P = np.zeros((m, 6, 6))
    P[:, :3, :3] = pos_cov
    P[:, 3:, 3:] = speed_sigma**2 * np.eye(3)
    return x, P


def predict(
    x: np.ndarray, P: np.ndarray, dt: np.ndarray, q: float
) -> tuple[np.ndarray, np.ndarray]:
    """x (N, 6), P (N, 6, 6) advanced by dt (N,) s -> new (x, P); the inputs are not changed."""
    F = cv_transition(dt)
    x_new = (F @ x[..., None])[..., 0]
    P_new = F @ P @ _t(F) + cv_process_noise(dt, q)
    return x_new, P_new


def update(
    x: np.ndarray, P: np.ndarray, nu: np.ndarray, H: np.ndarray, R: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fold innovations nu (N, m) with H (N, m, 6) and R (N, m, m) into x, P -> new (x, P)."""
    PHt = P @ _t(H)
    S = H @ PHt + R
    K = _t(np.linalg.solve(S, _t(PHt)))  # S symmetric: (S⁻¹ H P)ᵀ = P Hᵀ S⁻¹
    x_new = x + (K @ nu[..., None])[..., 0]
    IKH = np.eye(x.shape[-1]) - K @ H
    P_new = IKH @ P @ _t(IKH) + K @ R @ _t(K)
    return x_new, P_new
