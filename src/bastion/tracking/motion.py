"""Motion models, batched over a leading track axis: constant velocity (CV), near-constant
altitude (NCA) and coordinated turn (CT).

State x = (e, n, u, ve, vn, vu[, ω]) in the site ENU frame (m, m/s, rad/s); ``dim`` is 6, or 7
when the model set includes a turn rate ω (so the models of an IMM share one state). Every
model predicts x⁻ = f(x, dt), P⁻ = F P Fᵀ + Q with F = ∂f/∂x (linear models: F is f itself,
CT: the extended Kalman filter's Jacobian); dt = 0 leaves x and P unchanged. CT with
``unscented`` (the tracker's ``filter: ukf``) instead moves the 2n sigma points χ of (x, P),
weights w = 1/(2n) (:func:`bastion.tracking.kalman.sigma_offsets`), through f:

    x⁻ = Σ w f(χ),   P⁻ = Σ w (f(χ) − x⁻)(f(χ) − x⁻)ᵀ + β (f(x) − x⁻)(f(x) − x⁻)ᵀ + Q

with β = 2, the scaled transform's choice for a Gaussian prior (α = 1, κ = 0: the mean point
weighs 0 in x⁻ and β in P⁻). It keeps the bias that an uncertain turn rate puts in the mean,
which the Jacobian misses, and the β term restores the spread that the symmetric points alone
underestimate (tests/tracking/test_motion_models.py: moments against Monte Carlo, NEES). dt = 0
then leaves x and P unchanged to rounding.

- CV: each axis a constant-velocity model driven by white acceleration of spectral density
  q = σ_a² (m²/s³)::

      F = [[1, dt], [0, 1]],   Q = q [[dt³/3, dt²/2], [dt²/2, dt]]

- NCA: CV in the horizontal plane; the climb rate is an Ornstein-Uhlenbeck process pulled to 0
  with time constant τ and spectral density q_v, so the height stays nearly constant::

      ε = e^(−dt/τ),   F_u = [[1, τ(1 − ε)], [0, ε]]
      Q_u = q_v [[τ²(dt − 2τ(1 − ε) + τ(1 − ε²)/2), τ²(1 − ε)²/2], [τ²(1 − ε)²/2, τ(1 − ε²)/2]]

- CT: a horizontal turn at rate ω (counter-clockwise seen from above, state component 6),
  CV vertically, ω a random walk of spectral density q_ω (rad²/s³). With A = sin(ωdt)/ω and
  B = (1 − cos(ωdt))/ω::

      e' = e + A ve − B vn,     ve' = cos(ωdt) ve − sin(ωdt) vn
      n' = n + B ve + A vn,     vn' = sin(ωdt) ve + cos(ωdt) vn

  and the horizontal process noise is the CV one (acceleration noise q). A and B and their
  derivatives switch to their Taylor series for |ω dt| < 1e-3, where the closed forms lose
  precision.

In a 7-state, CV and NCA keep ω as a random walk they do not use, so mixing in an IMM keeps
the CT model's turn-rate estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from bastion.tracking.kalman import sigma_offsets


def _t(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


class MotionModel(Protocol):
    dim: int

    def predict(
        self, x: np.ndarray, P: np.ndarray, dt: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """x (N, dim), P (N, dim, dim) advanced by dt (N,) s -> new (x, P)."""
        ...


class LinearModel(Protocol):
    def fq(self, dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """F and Q (N, dim, dim) for steps dt (N,)."""
        ...


@lru_cache(maxsize=256)
def _shared_fq(model: LinearModel, dt: float) -> tuple[np.ndarray, np.ndarray]:
    F, Q = model.fq(np.array([dt]))
    F.flags.writeable = Q.flags.writeable = False
    return F, Q


def _linear_predict(
    model: LinearModel, x: np.ndarray, P: np.ndarray, dt: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """x⁻ = F x, P⁻ = F P Fᵀ + Q. When every track takes the same step (the usual case: all
    were updated at the last batch) F and Q are one (1, dim, dim) pair, broadcast, and kept
    for the next batch with that step."""
    dt = np.asarray(dt, dtype=float)
    if dt.ndim == 1 and dt.size and (dt == dt[0]).all():
        F, Q = _shared_fq(model, float(dt[0]))
    else:
        F, Q = model.fq(dt)
    return (F @ x[..., None])[..., 0], F @ P @ _t(F) + Q


@lru_cache(maxsize=64)
def _cv_templates(
    dim: int, q_xyz: tuple[float, float, float], q_w: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Constant matrices with F = I + dt·E and Q = dt³/3·A + dt²/2·B + dt·C."""
    pos, vel = np.arange(3), np.arange(3, 6)
    q = np.asarray(q_xyz, dtype=float)
    eye, E, A, B, C = (np.zeros((dim, dim)) for _ in range(5))
    eye[np.arange(dim), np.arange(dim)] = 1.0
    E[pos, vel] = 1.0
    A[pos, pos] = q
    B[pos, vel] = B[vel, pos] = q
    C[vel, vel] = q
    if dim == 7:
        C[6, 6] = q_w
    for m in (eye, E, A, B, C):
        m.flags.writeable = False
    return eye, E, A, B, C


def _cv_fq(
    dt: np.ndarray, dim: int, q_xyz: tuple[float, float, float], q_w: float
) -> tuple[np.ndarray, np.ndarray]:
    """F and Q of CV on every axis (per-axis densities q_xyz), ω (if dim 7) a random walk."""
    eye, E, A, B, C = _cv_templates(dim, q_xyz, q_w)
    d = dt[..., None, None]
    return eye + d * E, (d**3 / 3.0) * A + (d**2 / 2.0) * B + d * C


def cv_transition(dt: np.ndarray) -> np.ndarray:
    """CV F for each step dt (N,) -> (N, 6, 6)."""
    return _cv_fq(np.asarray(dt, dtype=float), 6, (0.0, 0.0, 0.0), 0.0)[0]


def cv_process_noise(dt: np.ndarray, q: float) -> np.ndarray:
    """CV Q for each step dt (N,) with acceleration density q (m²/s³) -> (N, 6, 6)."""
    return _cv_fq(np.asarray(dt, dtype=float), 6, (q, q, q), 0.0)[1]


@dataclass(frozen=True, slots=True)
class ConstantVelocity:
    """CV with acceleration spectral density ``q`` (m²/s³) on every axis (see module doc)."""

    q: float
    dim: int = 6
    q_turn: float = 0.0  # ω random walk density when dim == 7

    def fq(self, dt):
        return _cv_fq(dt, self.dim, (self.q, self.q, self.q), self.q_turn)

    def predict(self, x, P, dt):
        return _linear_predict(self, x, P, dt)


@dataclass(frozen=True, slots=True)
class NearConstantAltitude:
    """CV horizontally (density ``q``), climb rate mean-reverting to 0 (``q_v``, ``tau_s``)."""

    q: float
    q_v: float
    tau_s: float
    dim: int = 6
    q_turn: float = 0.0

    def predict(self, x, P, dt):
        return _linear_predict(self, x, P, dt)

    def fq(self, dt):
        F, Q = _cv_fq(dt, self.dim, (self.q, self.q, 0.0), self.q_turn)
        tau = self.tau_s
        eps = np.exp(-dt / tau)
        F[..., 2, 5] = tau * (1.0 - eps)
        F[..., 5, 5] = eps
        Q[..., 2, 2] = self.q_v * tau**2 * (dt - 2.0 * tau * (1.0 - eps) + tau * (1.0 - eps**2) / 2)
        Q[..., 2, 5] = Q[..., 5, 2] = self.q_v * tau**2 * (1.0 - eps) ** 2 / 2.0
        Q[..., 5, 5] = self.q_v * tau * (1.0 - eps**2) / 2.0
        return F, Q


def turn_terms(w: np.ndarray, dt: np.ndarray) -> tuple[np.ndarray, ...]:
    """A = sin(ωdt)/ω, B = (1 − cos ωdt)/ω and their ω-derivatives, stable as ω -> 0."""
    wt = w * dt
    small = np.abs(wt) < 1e-3
    safe_w = np.where(small, 1.0, w)
    s, c = np.sin(wt), np.cos(wt)
    A = np.where(small, dt - w**2 * dt**3 / 6.0, s / safe_w)
    B = np.where(small, w * dt**2 / 2.0 - w**3 * dt**4 / 24.0, (1.0 - c) / safe_w)
    dA = np.where(small, -w * dt**3 / 3.0, (dt * c - A) / safe_w)
    dB = np.where(small, dt**2 / 2.0 - w**2 * dt**4 / 8.0, (dt * s - B) / safe_w)
    return s, c, A, B, dA, dB


def _turn(x: np.ndarray, dt: np.ndarray, s, c, A, B) -> np.ndarray:
    """CT's f(x, dt) from the turn terms of :func:`turn_terms`."""
    ve, vn = x[..., 3], x[..., 4]
    xn = x.copy()
    xn[..., 0] += A * ve - B * vn
    xn[..., 1] += B * ve + A * vn
    xn[..., 2] += dt * x[..., 5]
    xn[..., 3] = c * ve - s * vn
    xn[..., 4] = s * ve + c * vn
    return xn


@dataclass(frozen=True, slots=True)
class CoordinatedTurn:
    """Horizontal coordinated turn with the turn rate in the state, predicted by the extended
    Kalman filter or, with ``unscented``, by the unscented transform (see module doc)."""

    q: float
    q_turn: float
    dim: int = 7
    unscented: bool = False

    def move(self, x: np.ndarray, dt: np.ndarray) -> np.ndarray:
        """f(x, dt) for states x (..., 7) and steps dt broadcast against x[..., 0]."""
        s, c, A, B, _, _ = turn_terms(x[..., 6], dt)
        return _turn(x, dt, s, c, A, B)

    def transition(self, x: np.ndarray, dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f(x, dt) (N, 7) and its Jacobian F = ∂f/∂x (N, 7, 7)."""
        ve, vn = x[..., 3], x[..., 4]
        s, c, A, B, dA, dB = turn_terms(x[..., 6], dt)
        xn = _turn(x, dt, s, c, A, B)
        F = np.broadcast_to(np.eye(7), (*dt.shape, 7, 7)).copy()
        F[..., 0, 3], F[..., 0, 4], F[..., 0, 6] = A, -B, dA * ve - dB * vn
        F[..., 1, 3], F[..., 1, 4], F[..., 1, 6] = B, A, dB * ve + dA * vn
        F[..., 2, 5] = dt
        F[..., 3, 3], F[..., 3, 4], F[..., 3, 6] = c, -s, -dt * (s * ve + c * vn)
        F[..., 4, 3], F[..., 4, 4], F[..., 4, 6] = s, c, dt * (c * ve - s * vn)
        return xn, F

    def predict(self, x, P, dt):
        dt = np.asarray(dt, dtype=float)
        _, Q = _cv_fq(dt, 7, (self.q, self.q, self.q), self.q_turn)
        if self.unscented:
            dx = sigma_offsets(P)  # (N, 2n, n)
            moved = self.move(x[:, None, :] + dx, dt[:, None])
            xn = moved.mean(axis=1)
            d = moved - xn[:, None, :]
            shift = self.move(x, dt) - xn  # f(x̄) − x⁻, for the β = 2 term
            cov = _t(d) @ d / dx.shape[1] + 2.0 * shift[:, :, None] * shift[:, None, :]
            return xn, cov + Q
        xn, F = self.transition(x, dt)
        return xn, F @ P @ _t(F) + Q
